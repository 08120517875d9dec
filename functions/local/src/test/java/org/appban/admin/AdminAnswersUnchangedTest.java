package org.appban.admin;

import static org.appban.exemption.ExemptionFixtures.CLERK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.appban.identity.FunctionUrlEvent;
import org.appban.json.Json;
import org.appban.report.InMemoryReports;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.ProjectLayout;
import org.appban.testing.TestContext;
import org.junit.jupiter.api.Test;

/**
 * The admin function's answers are a contract: the rehearsal, the CLI ({@code ./appban admin}) and people's scripts
 * read them. This replays every example request, every malformed one and the two-person and manual-run flows
 * through the handler, as Lambda calls it (fixed request ids, the world's fixed clock), and compares each answer
 * with the one recorded in {@code admin/answers.golden} before the admin service moved to the application ring.
 *
 * <p>Each answer is compared as its HTTP status, the order of the envelope's fields and its whole value with object
 * keys sorted: the results hold maps built by {@code Map.of}, whose iteration order changes from one JVM to the
 * next, so the text itself is not stable across runs; everything else about it is compared.
 *
 * <p>To record the answers again after a deliberate change of the wire format: run this test with
 * {@code -Dappban.admin.golden=write}, and review the file's diff.
 */
class AdminAnswersUnchangedTest {
    private static final Path GOLDEN = ProjectLayout.root().resolve("functions/local/src/test/resources/admin/answers.golden");
    private static final String RAWIRI = TwoPersonRuleTest.RAWIRI;
    private static final String MERE = TwoPersonRuleTest.MERE;

    private static AdminWorld world() {
        return new AdminWorld(new InMemoryMemberStore(), new InMemoryDeviceStore(), new InMemoryExemptionStore(),
                new InMemoryLedger(), new InMemoryKillSwitch(), new InMemoryReports()).seed();
    }

    /** Answers by case name, in the order they were asked. */
    private final Map<String, String> answers = new LinkedHashMap<>();

    @Test
    void every_answer_is_the_one_recorded_before_the_move() throws IOException {
        replay();
        if ("write".equals(System.getProperty("appban.admin.golden"))) {
            Files.createDirectories(GOLDEN.getParent());
            StringBuilder out = new StringBuilder();
            answers.forEach((name, answer) -> out.append(name).append('\t').append(answer).append('\n'));
            Files.writeString(GOLDEN, out.toString());
        }
        Map<String, String> recorded = new LinkedHashMap<>();
        for (String line : Files.readAllLines(GOLDEN)) {
            int tab = line.indexOf('\t');
            recorded.put(line.substring(0, tab), line.substring(tab + 1));
        }
        assertEquals(recorded.keySet(), answers.keySet(), "the same cases");
        assertTrue(answers.size() >= 60, "every example, malformed case and flow: " + answers.size());
        for (Map.Entry<String, String> e : recorded.entrySet()) {
            assertEquals(e.getValue(), answers.get(e.getKey()), e.getKey());
        }
    }

    private void replay() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(AdminWorld.events())) {
            examples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path p : examples) {
            String name = p.getFileName().toString();
            answers.put("example " + name, ask(world(), Files.readString(p), "inv-" + name));
        }
        JsonNode corpus = Json.parse(AdminWorld.events().resolve("malformed").resolve("corpus.json"));
        for (JsonNode c : corpus.path("cases")) {
            String caller = c.path("caller").asText(org.appban.exemption.ExemptionFixtures.MANAGER);
            answers.put("malformed " + c.path("case").asText(), signed(world(), caller, Json.write(c.path("request")), "inv-malformed"));
        }

        AdminWorld off = world();
        off.killSwitch.set(true, CLERK, "complaint");
        String asked = signed(off, CLERK, "{\"operation\":\"killswitch.off\",\"reason\":\"resolved\"}", "inv-off-1");
        answers.put("killswitch.off waits", asked);
        answers.put("killswitch.off asked again", signed(off, CLERK, "{\"operation\":\"killswitch.off\",\"reason\":\"resolved\"}", "inv-off-2"));
        String id = approvalId(asked);
        answers.put("killswitch.off approved by its asker", signed(off, CLERK, approve(id), "inv-off-3"));
        answers.put("killswitch.off approved", signed(off, RAWIRI, approve(id), "inv-off-4"));
        answers.put("killswitch.off approved again", signed(off, RAWIRI, approve(id), "inv-off-5"));
        answers.put("killswitch.off approved by a third", signed(off, MERE, approve(id), "inv-off-6"));
        answers.put("approval.list after", signed(off, MERE, "{\"operation\":\"approval.list\"}", "inv-off-7"));

        AdminWorld grant = world();
        String longGrant = signed(grant, RAWIRI, "{\"operation\":\"exemption.grant\",\"id\":\"ex-example-requested\","
                + "\"expires\":\"2023-09-01T17:00+12:00\",\"note\":\"the inquiry\"}", "inv-grant-1");
        answers.put("long exemption.grant waits", longGrant);
        answers.put("long exemption.grant approved", signed(grant, MERE, approve(approvalId(longGrant)), "inv-grant-2"));

        AdminWorld runs = world();
        answers.put("enforce.run", signed(runs, CLERK, "{\"operation\":\"enforce.run\",\"request\":{\"request\":\"enforce\",\"all\":true,"
                + "\"dryRun\":false},\"requestId\":\"run-1\"}", "inv-run-1"));
        String confirm = "{\"operation\":\"enforce.run\",\"request\":{\"request\":\"enforce\",\"all\":true,\"dryRun\":false,\"confirm\":250}}";
        String pending = signed(runs, CLERK, confirm, "inv-run-2");
        answers.put("enforce.run past the cap waits", pending);
        answers.put("enforce.run past the cap approved", signed(runs, RAWIRI, approve(approvalId(pending)), "inv-run-3"));
        answers.put("access.run dry", signed(runs, CLERK, "{\"operation\":\"access.run\",\"request\":{\"action\":\"reconcile\"}}", "inv-run-4"));
        answers.put("access.run unknown action", signed(runs, CLERK, "{\"operation\":\"access.run\",\"request\":{\"action\":\"nuke\"}}", "inv-run-5"));
        answers.put("enforce.run bad request", signed(runs, CLERK, "{\"operation\":\"enforce.run\",\"request\":{\"request\":\"everything\"}}", "inv-run-6"));
        answers.put("notify.run bad request", signed(runs, CLERK, "{\"operation\":\"notify.run\",\"request\":{\"action\":\"shout\"}}", "inv-run-7"));
        answers.put("roster.run bad confirm", signed(runs, CLERK, "{\"operation\":\"roster.run\",\"request\":{\"bucket\":\"b\",\"key\":\"k\","
                + "\"dryRun\":false,\"confirm\":-1,\"extra\":1}}", "inv-run-8"));
        answers.put("roster.run", signed(runs, CLERK, "{\"operation\":\"roster.run\",\"request\":{\"bucket\":\"b\",\"key\":\"k\"}}", "inv-run-9"));
        answers.put("runs handed on", Json.write(runs.runs().handedOn));

        AdminWorld direct = world();
        answers.put("direct killswitch.on", ask(direct, "{\"operation\":\"killswitch.on\",\"reason\":\"x\"}", "inv-direct-1"));
        answers.put("direct not json", ask(direct, "{not json", "inv-direct-2"));
        answers.put("direct schedule", ask(direct, "{\"trigger\":\"schedule\",\"schedule\":\"admin-hourly\"}", "inv-direct-3"));
        answers.put("status with members", signed(direct, RAWIRI, "{\"operation\":\"status\",\"includeMembers\":true}", "inv-direct-4"));
        answers.put("url body not json", ask(direct, AdminWorld.sample("status.json").replace("\"body\": \"", "\"body\": \"{not json"), "inv-direct-5"));
        answers.put("ledger after", Json.write(direct.ledger.chain("fleet").stream()
                .map(e -> e.record().action() + " " + e.record().outcome() + " " + new TreeMap<>(e.record().details())).toList()));
    }

    private static String approve(String id) {
        return "{\"operation\":\"approval.approve\",\"id\":\"" + id + "\"}";
    }

    private static String approvalId(String answer) throws IOException {
        return Json.parse(answer.substring(answer.indexOf('\t') + 1)).path("body").path("result").path("approval").path("id").asText();
    }

    /** The request sent to the function URL, signed by the caller. */
    private static String signed(AdminWorld w, String caller, String request, String invocation) throws IOException {
        return ask(w, Json.write(FunctionUrlEvent.signedBy(caller, request)), invocation);
    }

    /** The handler's answer to these bytes (its stream entry point), in the comparable form the class comment describes. */
    private static String ask(AdminWorld w, String event, String invocation) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, TestContext.of(invocation));
        JsonNode answer = Json.parse(out.toByteArray());
        String status = "direct";
        if (answer.has("statusCode") && answer.has("body")) {
            status = answer.path("statusCode").asText() + " " + answer.path("headers");
            ObjectNode whole = answer.deepCopy();
            whole.set("body", Json.parse(answer.path("body").asText()));
            answer = whole;
        }
        JsonNode envelope = answer.has("body") ? answer.path("body") : answer;
        List<String> order = new ArrayList<>();
        envelope.fieldNames().forEachRemaining(order::add);
        return status + " " + order + "\t" + Json.write(sorted(answer));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = Json.object();
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), sorted(e.getValue()));
            }
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            var out = Json.array();
            node.forEach(n -> out.add(sorted(n)));
            return out;
        }
        return node;
    }
}
