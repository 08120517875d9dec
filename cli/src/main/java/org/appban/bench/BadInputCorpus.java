package org.appban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.appban.access.SignedLinks;
import org.appban.access.WebhookSignature;
import org.appban.json.Json;
import org.appban.policy.BanPolicy;
import org.appban.rehearsal.EmbeddedFunctions;
import org.appban.sim.fleet.Fleet;

/**
 * Feeds each case of the bad-input corpus ({@code functions/local/src/test/resources/corpus/*.json}: the function it goes
 * to, the event or a reference to a sample, the words the answer must contain) to its handler over a fresh embedded
 * world, and checks: the answer rejects it (a {@code rejected} report, or a 4xx from a Function URL), names what is
 * wrong, and the world is unchanged, except for the valid rows of a mixed batch, which must be written.
 */
public final class BadInputCorpus {
    public record Outcome(String name, boolean passed, String why) {
    }

    private final Path repo;
    private final BanPolicy policy;
    private final Fleet fleet;

    public BadInputCorpus(Path repo, BanPolicy policy, Fleet fleet) {
        this.repo = repo;
        this.policy = policy;
        this.fleet = fleet;
    }

    public List<Outcome> run() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(repo.resolve("functions/local/src/test/resources/corpus"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        JsonNode adminCorpus = Json.parse(repo.resolve("events/admin/malformed/corpus.json")).path("cases");
        List<Outcome> outcomes = new ArrayList<>();
        Path tmp = Files.createTempDirectory("appban-corpus");
        try (EmbeddedFunctions world = new EmbeddedFunctions(policy, fleet, tmp).seeded()) {
            for (Path f : files) {
                String name = f.getFileName().toString().replace(".json", "");
                try {
                    outcomes.add(runCase(world, name, Json.parse(f), adminCorpus));
                } catch (RuntimeException e) {
                    outcomes.add(new Outcome(name, false, "threw " + e));
                }
            }
        }
        return outcomes;
    }

    /** An approver as IAM Identity Center signs them in; admin cases are calls to the function URL, signed by them. */
    static final String APPROVER = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanApprover_5f1c2e3d4a6b7c8d/ict-security-manager@parliament.govt.nz";

    private Outcome runCase(EmbeddedFunctions world, String name, JsonNode c, JsonNode adminCorpus) throws IOException {
        String function = c.path("function").asText();
        if (function.equals("policy")) return policyCase(world, name, c);
        String caller = null;
        byte[] event;
        if (c.has("eventFile")) event = Files.readAllBytes(repo.resolve(c.path("eventFile").asText()));
        else if (c.has("eventText")) event = c.path("eventText").asText().getBytes(StandardCharsets.UTF_8);
        else if (c.has("eventHex")) event = HexFormat.of().parseHex(c.path("eventHex").asText());
        else if (c.has("eventSize")) event = oversized(c.path("eventSize").asInt());
        else if (c.has("adminCase")) {
            JsonNode a = adminCorpus.path(c.path("adminCase").asInt());
            event = a.path("request").toString().getBytes(StandardCharsets.UTF_8);
            caller = a.path("caller").asText(APPROVER);
        } else event = c.path("event").toString().getBytes(StandardCharsets.UTF_8);
        if (function.equals("admin") && caller == null) caller = APPROVER;
        JsonNode ro = c.path("rosterObject");
        if (!ro.isMissingNode()) {
            String content = ro.path("content").asText();
            if (ro.path("withFleet").asBoolean()) {
                // The roster is the whole list: the fleet's members stay, the case's rows are added.
                ObjectNode doc = (ObjectNode) Json.parse(content);
                world.rosterRows().forEach(((com.fasterxml.jackson.databind.node.ArrayNode) doc.path("members"))::add);
                content = doc.toString();
            }
            world.putRosterObject(ro.path("key").asText(), ro.has("contentHex") ? HexFormat.of().parseHex(ro.path("contentHex").asText())
                    : content.getBytes(StandardCharsets.UTF_8));
        }
        if (c.has("webhook")) event = webhook(world, (ObjectNode) Json.parse(event), c.path("webhook").asText());
        if (c.has("link")) event = link(world, (ObjectNode) Json.parse(event), c.path("link").asText());

        Map<String, String> before = world.fingerprint();
        JsonNode answer;
        try {
            answer = world.invoke(function, event, caller);
        } catch (org.appban.lambda.roster.RosterImportHandler.RosterRefused e) {
            // A roster refused as a whole fails its triggered invocation on purpose (the Errors alarm): that is the answer.
            answer = Json.object().put("status", "rejected").put("invocation", "failed").put("error", e.getMessage());
        }
        Map<String, String> after = world.fingerprint();
        String text = answer.toString();
        boolean rejected = "rejected".equals(answer.path("status").asText()) || answer.path("statusCode").asInt() >= 400
                || hasRejectedRows(answer) || "refused".equals(answer.path("status").asText());
        if (!rejected) return new Outcome(name, false, "not rejected: " + abbreviate(text));
        if (c.has("adminCase") && !answer.path("problems").isEmpty()) {
            // The exact words depend on AdminWorld's fixtures (functions' AdminEventsTest checks them there).
        } else for (JsonNode w : c.path("expect")) {
            if (!text.toLowerCase().contains(w.asText().toLowerCase())) return new Outcome(name, false, "answer lacks '" + w.asText() + "': " + abbreviate(text));
        }
        if (c.has("valid")) {
            int created = answer.path("imports").path(0).path("created").size();
            int want = c.path("valid").path("createdAtLeast").asInt();
            if (created < want) return new Outcome(name, false, "valid rows not written: created " + created + " < " + want + ": " + abbreviate(text));
        } else {
            for (String part : before.keySet()) {
                String b = before.get(part), a = after.get(part);
                if (part.equals("ledger")) {
                    // The refusal itself is on record (an audit of who asked for what); nothing else may be.
                    a = withoutAudit(a);
                    b = withoutAudit(b);
                }
                if (!b.equals(a)) return new Outcome(name, false, "partial write to " + part + ": " + abbreviate(diff(b, a)));
            }
        }
        return new Outcome(name, true, "");
    }

    /**
     * A policy file: the bundled one with the case's text replacements ({@code policyReplace}: [from, to] pairs, each
     * of which must occur), in {@code policyCharset} (UTF-8 by default). The loader must refuse it with the words
     * expected; nothing may change meanwhile (a refused policy runs no function).
     */
    private Outcome policyCase(EmbeddedFunctions world, String name, JsonNode c) throws IOException {
        String text = Files.readString(repo.resolve("functions/adapters/src/main/resources/policies/" + org.appban.policy.file.PolicyLoader.BUNDLED + ".json"));
        for (JsonNode r : c.path("policyReplace")) {
            String from = r.path(0).asText();
            if (!text.contains(from)) return new Outcome(name, false, "the bundled policy no longer contains '" + abbreviate(from) + "'");
            text = text.replace(from, r.path(1).asText());
        }
        byte[] bytes = text.getBytes(java.nio.charset.Charset.forName(c.path("policyCharset").asText("UTF-8")));
        Map<String, String> before = world.fingerprint();
        String message;
        try {
            new org.appban.policy.file.PolicyLoader().parse(bytes, name + ".json");
            return new Outcome(name, false, "not rejected: the policy loaded");
        } catch (org.appban.input.InvalidInputException e) {
            message = e.getMessage();
        }
        for (JsonNode w : c.path("expect")) {
            if (!message.contains(w.asText())) return new Outcome(name, false, "answer lacks '" + w.asText() + "': " + abbreviate(message));
        }
        if (!before.equals(world.fingerprint())) return new Outcome(name, false, "the world changed while a refused policy was read");
        return new Outcome(name, true, "");
    }

    private static String withoutAudit(String ledger) {
        return String.join("\n", ledger.lines().filter(l -> !l.matches(".*outcome=(rejected|refused|failed|nothing-imported)[,)].*")).toList());
    }

    private static String diff(String before, String after) {
        java.util.Set<String> b = new java.util.HashSet<>(before.lines().toList());
        return String.join("\n", after.lines().filter(l -> !b.contains(l)).toList());
    }

    private static boolean hasRejectedRows(JsonNode answer) {
        for (JsonNode i : answer.path("imports")) {
            if (!i.path("rejected").isEmpty() || "failed".equals(i.path("status").asText()) || "rejected".equals(i.path("status").asText())) return true;
        }
        return false;
    }

    private static byte[] oversized(int size) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) ' ');
        b[0] = '{';
        b[size - 1] = '}';
        return b;
    }

    private static byte[] webhook(EmbeddedFunctions world, ObjectNode e, String how) {
        String body = e.path("body").asText();
        WebhookSignature sig = new WebhookSignature(EmbeddedFunctions.WEBHOOK_KEY);
        ObjectNode headers = (ObjectNode) e.path("headers");
        switch (how) {
            case "unsigned" -> headers.remove("x-appban-signature");
            case "forged" -> headers.put("x-appban-signature", new WebhookSignature(new org.appban.remote.Secret("guessed-key-0123456789-0123456789-0123456789")).sign(body, world.now()));
            case "stale" -> headers.put("x-appban-signature", sig.sign(body, world.now().minus(Duration.ofHours(1))));
            case "replayed" -> {
                headers.put("x-appban-signature", sig.sign(body, world.now()));
                world.invoke("network-access", e.toString().getBytes(StandardCharsets.UTF_8), null);
            }
            case "get" -> {
                headers.put("x-appban-signature", sig.sign(body, world.now()));
                ((ObjectNode) e.path("requestContext").path("http")).put("method", "GET");
            }
            default -> throw new IllegalArgumentException(how);
        }
        return e.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] link(EmbeddedFunctions world, ObjectNode e, String how) {
        String token = switch (how) {
            case "forged" -> new SignedLinks(new org.appban.remote.Secret("guessed-key-0123456789abcdef-0123456789abcdef"), SignedLinks.ATTESTATION)
                    .sign(world.someMember(), world.now().plus(Duration.ofDays(3)), "n1");
            case "expired" -> new SignedLinks(EmbeddedFunctions.ATTESTATION_KEY, SignedLinks.ATTESTATION)
                    .sign(world.someMember(), world.now().minus(Duration.ofDays(1)), "n2");
            case "garbage" -> "%3Cscript%3E";
            default -> throw new IllegalArgumentException(how);
        };
        e.put("rawQueryString", "t=" + token);
        return e.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
