package org.appban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.appban.access.SignedLinks;
import org.appban.access.WebhookSignature;
import org.appban.json.Json;
import org.appban.policy.BanPolicy;
import org.appban.rehearsal.EmbeddedFunctions;
import org.appban.sim.fleet.Fleet;

/**
 * Every handler, with each of its samples under {@code events/<function>/}, invoked once, twice in sequence and
 * twice at the same time, each on a fresh seeded embedded world; the end states (stores, ledger without ids, times
 * and hashes, outbox, writes the MDM and NAC simulators received) of the repeated runs must equal the single run's.
 * Webhook samples are signed afresh and attestation links issued afresh with the world's keys, so that they take
 * effect rather than being refused.
 */
public final class IdempotencyRun {
    /** One sample's verdict: whether it took effect at all (a sample written for other fixtures may be rejected). */
    public record Outcome(String function, String sample, boolean effective, boolean sequentialSame, boolean concurrentSame, String why) {
        public boolean passed() {
            return sequentialSame && concurrentSame;
        }
    }

    /** An approver as IAM Identity Center signs them in: admin calls go through the function URL, signed. */
    private static final String APPROVER = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanApprover_5f1c2e3d4a6b7c8d/ict-security-manager@parliament.govt.nz";

    private final Path repo;
    private final BanPolicy policy;
    private final Fleet fleet;

    public IdempotencyRun(Path repo, BanPolicy policy, Fleet fleet) {
        this.repo = repo;
        this.policy = policy;
        this.fleet = fleet;
    }

    public List<Outcome> run() throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        for (String function : List.of("admin", "notify-members", "enforce-removal", "network-access", "attestation", "roster-import")) {
            for (Path sample : samples(function)) outcomes.add(check(function, sample, null));
        }
        // Removal and quarantine act only from the deadline on: their samples again, past the private devices' grace.
        java.time.Instant after = policy.deadlineInstant().plus(Duration.ofDays(policy.privateDevices().graceDays() + 1L));
        for (String function : List.of("enforce-removal", "network-access")) {
            for (Path sample : samples(function)) outcomes.add(check(function, sample, after));
        }
        return outcomes;
    }

    private List<Path> samples(String function) throws IOException {
        Path dir = repo.resolve("events").resolve(function);
        if (!Files.isDirectory(dir)) return List.of(dir.resolve("(seed roster object).json"));
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private Outcome check(String function, Path sample, java.time.Instant at) throws IOException {
        String name = sample.getFileName().toString() + (at == null ? "" : " @" + at);
        Map<String, String> once;
        boolean effective;
        try (EmbeddedFunctions w = world(at)) {
            JsonNode answer = invoke(w, function, event(w, function, sample));
            effective = answer != null && !"rejected".equals(answer.path("status").asText()) && answer.path("statusCode").asInt(200) < 400;
            once = w.fingerprint();
        }
        Map<String, String> twice;
        try (EmbeddedFunctions w = world(at)) {
            byte[] e = event(w, function, sample);
            invoke(w, function, e);
            invoke(w, function, e);
            twice = w.fingerprint();
        }
        Map<String, String> together;
        try (EmbeddedFunctions w = world(at)) {
            byte[] e = event(w, function, sample);
            CompletableFuture<JsonNode> a = CompletableFuture.supplyAsync(() -> invoke(w, function, e));
            CompletableFuture<JsonNode> b = CompletableFuture.supplyAsync(() -> invoke(w, function, e));
            a.join();
            b.join();
            together = w.fingerprint();
        }
        String why = differences("sequential", once, twice) + differences("concurrent", once, together);
        return new Outcome(function, name, effective, withoutBookkeeping(once).equals(withoutBookkeeping(twice)),
                withoutBookkeeping(once).equals(withoutBookkeeping(together)), why);
    }

    /** The answer, or null when the handler threw (Lambda would retry it; the state is compared all the same). */
    private static JsonNode invoke(EmbeddedFunctions w, String function, byte[] event) {
        try {
            return w.invoke(function, event, caller(function));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private EmbeddedFunctions world(java.time.Instant at) {
        try {
            EmbeddedFunctions w = new EmbeddedFunctions(policy, fleet, Files.createTempDirectory("appban-idem")).seeded();
            return at == null ? w : w.at(at);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String caller(String function) {
        return function.equals("admin") ? APPROVER : null;
    }

    private byte[] event(EmbeddedFunctions w, String function, Path sample) throws IOException {
        if (function.equals("roster-import")) {
            // The seed roster object, delivered again by S3 (at-least-once), as the import sample.
            return "{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\"roster\"},\"object\":{\"key\":\"seed.json\"}}}]}".getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = Files.readAllBytes(sample);
        JsonNode node = Json.parse(bytes);
        if (node instanceof ObjectNode o && o.path("headers").has("x-appban-signature")) {
            ((ObjectNode) o.path("headers")).put("x-appban-signature", new WebhookSignature(EmbeddedFunctions.WEBHOOK_KEY).sign(o.path("body").asText(), w.now()));
            return o.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (function.equals("attestation") && node instanceof ObjectNode o) {
            o.put("rawQueryString", "t=" + new SignedLinks(EmbeddedFunctions.ATTESTATION_KEY, SignedLinks.ATTESTATION)
                    .sign(w.someMember(), w.now().plus(Duration.ofDays(3)), "idem"));
            return o.toString().getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }

    /**
     * The state without run bookkeeping: fleet-chain entries that record an invocation (an admin request's audit
     * line, a run's summary) rather than an effect. They carry no deterministic idempotency key (none, or one made of
     * the invocation id), so each delivery adds one by design; every entry that records an effect has a key derived
     * from what it did, and must appear once.
     */
    static Map<String, String> withoutBookkeeping(Map<String, String> state) {
        Map<String, String> s = new java.util.TreeMap<>(state);
        s.put("ledger", String.join("\n", state.get("ledger").lines()
                .filter(l -> !(l.startsWith("fleet ") && (l.contains("idempotencyKey=null") || l.matches(".*idempotencyKey=[^,]*<uuid>.*"))))
                .toList()));
        return s;
    }

    private static String differences(String how, Map<String, String> once, Map<String, String> again) {
        StringBuilder s = new StringBuilder();
        once = withoutBookkeeping(once);
        again = withoutBookkeeping(again);
        for (String part : once.keySet()) {
            if (once.get(part).equals(again.get(part))) continue;
            java.util.List<String> a = new ArrayList<>(again.get(part).lines().toList());
            once.get(part).lines().forEach(a::remove);
            java.util.List<String> m = new ArrayList<>(once.get(part).lines().toList());
            again.get(part).lines().forEach(m::remove);
            s.append(how).append(' ').append(part).append(": ").append(a.size()).append(" extra ")
                    .append(a.isEmpty() ? "" : a.get(0).substring(0, Math.min(300, a.get(0).length())))
                    .append(", ").append(m.size()).append(" missing ")
                    .append(m.isEmpty() ? "" : m.get(0).substring(0, Math.min(300, m.get(0).length()))).append("; ");
        }
        return s.toString();
    }
}
