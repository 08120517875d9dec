package org.appban.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.appban.access.AccessFunction;
import org.appban.lambda.access.AttestationHandler;
import org.appban.access.AttestationService;
import org.appban.access.MdmWebhook;
import org.appban.lambda.access.NetworkAccessHandler;
import org.appban.access.SignedLinks;
import org.appban.access.TelemetryIngest;
import org.appban.access.WebhookSignature;
import org.appban.lambda.admin.AdminHandler;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.lambda.enforce.EnforceRemovalHandler;
import org.appban.input.InvalidInputException;
import org.appban.inventory.InventorySync;
import org.appban.inventory.RecordedDeviceEvents;
import org.appban.json.Json;
import org.appban.lambda.JsonHandler;
import org.appban.notice.MailFeedbackRecorder;
import org.appban.lambda.notice.NotifyMembersHandler;
import org.appban.policy.BanPolicy;
import org.appban.remote.Secret;
import org.appban.roster.RosterImport;
import org.appban.lambda.roster.RosterImportHandler;
import org.appban.roster.RosterParser;
import org.appban.sim.fleet.Fleet;

/**
 * Every function's handler in process over the rehearsal's embedded world (in-memory stores, outbox, simulators),
 * for the reliability checks: feed a handler raw event bytes and read its answer, and take a fingerprint of the
 * world's state (stores, ledger, outbox, network access) to compare before and after.
 *
 * <p>The roster bucket is the folder {@code dir/roster/}; the world starts with the fleet's roster imported and the
 * MDMs' inventory synced, so that samples naming members and devices find them.
 */
public final class EmbeddedFunctions implements AutoCloseable {
    /** The webhook and attestation keys of this world; tests that forge or sign requests know them. */
    public static final Secret WEBHOOK_KEY = new Secret("embedded-webhook-key-0123456789abcdef");
    public static final Secret ATTESTATION_KEY = new Secret("embedded-attestation-key-0123456789abcdef");

    private final RehearsalWorld world;
    private final Path dir;
    private final Map<String, JsonHandler> handlers = new LinkedHashMap<>();
    private final InventorySync inventory;

    public EmbeddedFunctions(BanPolicy policy, Fleet fleet, Path dir) {
        this.dir = dir;
        this.world = new RehearsalWorld(policy, fleet, Rehearsal.start(policy, fleet), dir, e -> { });
        handlers.put("roster-import", new RosterImportHandler(new RosterImport(new RosterParser(policy.notices().languages()), world.members, world.ledger, world.clock),
                new FolderRosterFiles(dir)));
        handlers.put("notify-members", new NotifyMembersHandler(world.notify,
                new MailFeedbackRecorder(world.members, world.ledger, world.alerts, world.clock, world.pseudonyms), world.digest));
        // Manual runs go on as the bus would deliver them: a RunAuthorised event naming the authorisation.
        handlers.put("admin", new AdminHandler(world.administration(dir.resolve("reports"), (function, authorisation) -> invoke(function,
                Json.write(EventBus.envelope(org.appban.identity.RunAuthorisation.SOURCE, org.appban.identity.RunAuthorisation.DETAIL_TYPE,
                        world.clock.instant(), Json.object().put("function", function).put("authorisation", authorisation)))))));
        handlers.put("enforce-removal", new EnforceRemovalHandler(world.enforcement.service()));
        handlers.put("network-access", new NetworkAccessHandler(new AccessFunction(world.access.service(),
                new TelemetryIngest(policy.app(), world.devices, world.evidence, world.ledger, world.clock),
                (bucket, key) -> {
                    throw new InvalidInputException("log object", bucket + "/" + key, "no such object");
                },
                new MdmWebhook(new WebhookSignature(WEBHOOK_KEY), world.claims, world.devices, world.ledger, world.access.service(), world.clock))));
        SignedLinks links = new SignedLinks(ATTESTATION_KEY, SignedLinks.ATTESTATION);
        handlers.put("attestation", new AttestationHandler(new AttestationService(links, world.members, world.ledger,
                (member, at) -> { }, policy, world.clock)));
        this.inventory = new InventorySync(policy, world.inventories(), world.members, world.devices, new RecordedDeviceEvents(),
                world.ledger, world.clock);
    }

    /** The fleet's members as roster rows. */
    public java.util.List<com.fasterxml.jackson.databind.node.ObjectNode> rosterRows() {
        return world.fleet.members().stream().map(m -> Json.object().put("id", m.id()).put("name", m.name())
                .put("email", m.email()).put("role", m.role())).toList();
    }

    /** Imports the fleet's roster and syncs the MDMs' inventory, as the first hours of a campaign do. */
    public EmbeddedFunctions seeded() {
        StringBuilder json = new StringBuilder("{\"members\": [");
        String sep = "";
        for (var m : world.fleet.members()) {
            json.append(sep).append(Json.object().put("id", m.id()).put("name", m.name())
                    .put("email", m.email()).put("role", m.role()));
            sep = ",";
        }
        json.append("]}");
        putRosterObject("seed.json", json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JsonNode r = invoke("roster-import", "{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\"roster\"},\"object\":{\"key\":\"seed.json\"}}}]}");
        if (!r.path("imports").path(0).path("rejected").isEmpty() && r.path("imports").path(0).path("created").isEmpty()) {
            throw new IllegalStateException("seed roster rejected: " + r);
        }
        inventory.run(Actor.schedule("inventory-hourly"), false);
        return this;
    }

    /** Moves the clock on to {@code when} (the simulated devices catch up) and syncs the inventory again. */
    public EmbeddedFunctions at(java.time.Instant when) {
        world.clock.set(when);
        world.sims.world().catchUp();
        inventory.run(Actor.schedule("inventory-hourly"), false);
        return this;
    }

    public java.util.Set<String> functions() {
        return handlers.keySet();
    }

    /** Puts an object in the roster bucket (bucket name {@code roster}). */
    public void putRosterObject(String key, byte[] content) {
        try {
            Path p = dir.resolve("roster").resolve(key);
            Files.createDirectories(p.getParent());
            Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode invoke(String function, String event) {
        return invoke(function, event.getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
    }

    /**
     * The handler's answer to these bytes, through its stream entry point, as Lambda delivers them.
     *
     * @param caller null for a direct invocation; else the IAM principal ARN that signed a call to the function's URL:
     *               the bytes are then the request body, delivered as the function URL event Lambda would build, and
     *               the answer is the response's body
     */
    public JsonNode invoke(String function, byte[] event, String caller) {
        JsonHandler handler = handlers.get(function);
        if (handler == null) throw new IllegalArgumentException("no function " + function + "; one of " + handlers.keySet());
        boolean signed = caller != null && !isFunctionUrlEvent(event);
        if (signed) {
            event = Json.write(org.appban.identity.FunctionUrlEvent.signedBy(caller, new String(event, java.nio.charset.StandardCharsets.UTF_8)))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event), out, EventBus.context("appban-" + function, null, EventBus.log));
            JsonNode answer = Json.parse(out.toByteArray());
            if (signed && answer.path("body").isTextual()) return Json.parse(answer.path("body").asText());
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sample that already is a function URL event (it carries its own signer, as Lambda delivers it). */
    private static boolean isFunctionUrlEvent(byte[] event) {
        try {
            return org.appban.identity.FunctionUrlIdentity.isFunctionUrlRequest(Json.parse(event));
        } catch (IOException notJson) {
            return false;
        }
    }

    /**
     * The world's state as text, part by part: members, devices, exemptions, ledger (each chain's records without
     * their run-bookkeeping: ids, times, hashes), outbox files (by content hash), network access of every endpoint.
     */
    public Map<String, String> fingerprint() {
        Map<String, String> parts = new TreeMap<>();
        parts.put("members", sorted(world.members.all().stream().map(Object::toString)));
        parts.put("devices", sorted(world.devices.all().stream().map(Object::toString)));
        parts.put("exemptions", sorted(world.exemptions.all().stream().map(e -> e.toString().replaceAll("ex-[0-9a-f-]{8,}", "ex-*"))));
        StringBuilder ledger = new StringBuilder();
        for (String chain : world.ledger.chains()) {
            for (LedgerEntry e : world.ledger.chain(chain)) ledger.append(chain).append(' ').append(ledgerLine(e).replace("\n", "\\n")).append('\n');
        }
        // Sorted: under concurrent deliveries the order within a chain is the race's, not a difference of effect.
        parts.put("ledger", sorted(ledger.toString().lines()));
        parts.put("outbox", outbox());
        parts.put("simulator writes", writes());
        return parts;
    }

    /** A ledger entry as what it says happened: action, subject and details, without ids, times and hashes. */
    static String ledgerLine(LedgerEntry e) {
        return e.toString().replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>")
                .replaceAll("invocation=[0-9a-f-]+", "invocation=*").replaceAll("(?i)(hash|previousHash|seq|at|recordedAt|runId|requestId|id)=[^,)\\]]*", "$1=*");
    }

    private String outbox() {
        Path box = dir.resolve("outbox");
        if (!Files.isDirectory(box)) return "";
        try (Stream<Path> files = Files.walk(box)) {
            return sorted(files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".eml"))
                    .map(p -> sha(stripVolatile(p))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stripVolatile(Path eml) {
        try {
            return Files.readString(eml).replaceAll("(?m)^(Message-ID|Date):.*$", "").replaceAll("boundary=\"?[^\"\\s]+\"?", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sorted(Stream<String> lines) {
        return String.join("\n", lines.sorted().toList());
    }

    /**
     * Every write the MDM and NAC simulators received (not reads, not token requests; a Graph {@code $batch} counts
     * as its writing parts), with loopback ports and ids the simulators mint per world (groups, profiles) masked.
     */
    public String writes() {
        return sorted(Stream.of(world.sims.intune(), world.sims.jamf(), world.sims.ise())
                .flatMap(s -> s.requests().all().stream())
                .filter(r -> !r.method().equals("GET") && !r.path().toLowerCase().contains("token") && !r.path().toLowerCase().contains("oauth"))
                .flatMap(r -> writesOf(r.api(), r.method(), r.path(), r.body()))
                .map(EmbeddedFunctions::masked));
    }

    private static Stream<String> writesOf(String api, String method, String path, String body) {
        if (path.endsWith("$batch") && body != null) {
            try {
                java.util.List<String> parts = new java.util.ArrayList<>();
                for (JsonNode part : Json.parse(body).path("requests")) {
                    if (part.path("method").asText().equals("GET")) continue;
                    parts.add(api + " " + part.path("method").asText() + " " + part.path("url").asText() + " " + part.path("body"));
                }
                return parts.stream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Stream.of(api + " " + method + " " + path + " " + (body == null ? "" : body.replaceAll("\\s+", " ")));
    }

    private static String masked(String write) {
        return write.replaceAll("\"groupId\":\"[0-9a-f-]{36}\"", "\"groupId\":\"*\"").replaceAll("127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:*")
                .replaceAll("/(groups|deviceAppManagement/mobileApps|assignments|deviceConfigurations|deviceCompliancePolicies)/[0-9a-f-]{36}", "/$1/*");
    }

    public java.time.Instant now() {
        return world.clock.instant();
    }

    public String someMember() {
        return world.fleet.members().get(0).id();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        world.close();
    }
}
