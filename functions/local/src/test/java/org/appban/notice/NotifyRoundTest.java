package org.appban.notice;

import org.appban.lambda.notice.NotifyMembersHandler;
import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;
import static org.appban.notice.Fixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.appban.domain.AppPresence;
import org.appban.domain.LedgerEntry;
import org.appban.domain.Member;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.json.Json;
import org.appban.mail.MimeWriter;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.TestClock;
import org.appban.work.Continuation;
import org.appban.work.ContinuationGate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daily round as work on the function's own queue: cut by the time limit anywhere, it hands the rest on and
 * finishes every part exactly once (every due notice mailed once, nothing failed on purpose); what comes in on the
 * queue that is not this stage's next step is refused and recorded.
 */
class NotifyRoundTest {
    private static final String QUEUE = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-test-NotifyWork";
    private static final int ACTIVE = 23;

    private final TestClock clock = new TestClock(nz("2023-03-17T09:00"));
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private InMemoryClaims claims = new InMemoryClaims();
    private InMemoryLedger ledger = new InMemoryLedger();
    private RecordingMailer mailer = new RecordingMailer();
    private final Deque<String> queue = new ArrayDeque<>();
    private NotifyMembersHandler handler;

    @BeforeEach
    void roster() {
        for (int i = 0; i < ACTIVE; i++) {
            members.save(Member.active(String.format("m-%02d", i), "Member " + i, "m" + i + "@example.org", Role.STAFF));
        }
        members.save(Member.active("m-90", "Left Last Year", "left@example.org", Role.STAFF).deactivated());
        members.save(Member.active("m-91", "Bounced", "bounced@example.org", Role.STAFF).withMailBlocked(true));
        devices.save(corporate("d-1", "m-01", Platform.IOS, "iPhone 14", AppPresence.PRESENT));
        handler = handler(3);
    }

    private NotifyMembersHandler handler(int parts) {
        NoticeComposer composer = new NoticeComposer(POLICY, new NoticeRenderer(POLICY, TemplateSet.bundled()), new MimeWriter(),
                (member, stage, now) -> new NoticeLinks("https://appban.example.org/exempt/" + member.id(), null));
        NotifyMembers notify = new NotifyMembers(POLICY, members, devices, new InMemoryExemptionStore(), claims, ledger,
                Attestations.fromLedger(ledger), new NoticePlanner(POLICY), composer,
                new NoticeSender(claims, ledger, mailer, clock, Duration.ofMinutes(16),
                        org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000")), clock);
        ContinuationGate gate = new ContinuationGate(NotifyMembersHandler.Rounds.KIND, QUEUE, claims, ledger, clock);
        return new NotifyMembersHandler(notify, null, null, new NotifyMembersHandler.Rounds(queue::add, gate, parts, clock));
    }

    @Test
    void the_schedule_hands_the_round_on_as_one_message_per_part_and_sends_nothing_itself() throws Exception {
        JsonNode out = invoke(Json.write(Map.of("trigger", "schedule", "schedule", "notify-daily")), context("s", () -> false));
        assertEquals("handed-on", out.path("status").asText());
        assertEquals(3, queue.size());
        assertEquals(0, mailer.count());
        Continuation first = Continuation.parse(queue.peek(), "q");
        assertEquals("notify-daily/2023-03-17", first.round(), "the policy's day (09:00 in Auckland is the 16th in UTC)");
        assertEquals(QUEUE, first.queue());
    }

    @Test
    void a_round_cut_by_the_time_limit_after_k_notices_for_every_k_mails_each_member_exactly_once() throws Exception {
        for (int k = 1; k <= ACTIVE + 1; k++) {
            reset();
            int cut = k;
            Round r = runRound(n -> {
                int before = mailer.count();
                return () -> mailer.count() - before >= cut;
            });
            assertExactlyOnce(r, "cut after " + k + " notices");
            if (k == 1) assertTrue(r.handedOn > 0, "a part longer than an invocation hands on");
        }
    }

    @Test
    void a_round_cut_after_k_checks_of_the_clock_for_every_k_finishes_exactly_once() throws Exception {
        // The budget is read before each page and each member, skipped members included: every point of the walk.
        // The step reads its time left four times before its first check (its claim's lease, its safety margin) and
        // once more before its first page: from k = 6 on, each invocation gets through k - 5 members at least.
        for (int k = 6; k <= 18; k++) {
            reset();
            int cut = k;
            Round r = runRound(n -> {
                int[] checks = {0};
                return () -> ++checks[0] > cut;
            });
            assertExactlyOnce(r, "cut after " + k + " checks");
        }
    }

    @Test
    void a_replayed_step_is_refused_and_recorded_and_sends_nothing() throws Exception {
        invoke(Json.write(Map.of("trigger", "schedule", "schedule", "notify-daily")), context("s", () -> false));
        String first = queue.poll();
        invoke(sqs("msg-1", first), context("w1", () -> false));
        int sent = mailer.count();
        JsonNode again = invoke(sqs("msg-1b", first), context("w2", () -> false));
        JsonNode step = again.path("steps").path(0);
        assertEquals("refused", step.path("status").asText());
        assertEquals("replayed", step.path("reason").asText());
        assertEquals(sent, mailer.count());
        assertEquals(List.of("replayed"), refusals());
    }

    @Test
    void a_malformed_message_or_one_from_another_stage_or_kind_is_refused_and_recorded() throws Exception {
        String otherStage = Continuation.start(NotifyMembersHandler.Rounds.KIND, QUEUE.replace("appban-test", "appban-prod"),
                "notify-daily/2023-03-16", 0, 1).toJson();
        String otherKind = Continuation.start("roster-import", QUEUE, "notify-daily/2023-03-16", 0, 1).toJson();
        String looping = new Continuation(NotifyMembersHandler.Rounds.KIND, QUEUE, "notify-daily/2023-03-16", 0, 1,
                Continuation.MAX_STEPS + 1, "m-05").toJson();
        List<String> bodies = List.of("{not json", "[]", "{\"continue\":\"notify-round\"}",
                "{\"continue\":\"notify-round\",\"queue\":\"" + QUEUE + "\",\"round\":\"r\",\"part\":3,\"parts\":2,\"step\":1}",
                "{\"continue\":\"notify-round\",\"queue\":\"" + QUEUE + "\",\"round\":\"r\",\"part\":0,\"parts\":1,\"step\":1,\"extra\":1}",
                otherStage, otherKind, looping);
        for (int i = 0; i < bodies.size(); i++) {
            JsonNode out = invoke(sqs("bad-" + i, bodies.get(i)), context("w" + i, () -> false));
            assertEquals("refused", out.path("steps").path(0).path("status").asText(), bodies.get(i));
            assertEquals(0, out.path("batchItemFailures").size());
        }
        assertEquals(List.of("malformed", "malformed", "malformed", "malformed", "malformed", "other-stage", "other-kind", "too-many-steps"),
                refusals());
        assertEquals(0, mailer.count());
        // Recorded once per message, however often it is delivered.
        invoke(sqs("bad-0", bodies.get(0)), context("again", () -> false));
        assertEquals(8, refusals().size());
        // The record names the message, never its body.
        LedgerEntry e = ledger.chain("fleet").get(0);
        assertTrue(e.record().details().values().stream().noneMatch(v -> v.contains("not json")), e.record().details().toString());
    }

    @Test
    void a_step_held_by_a_live_invocation_goes_back_to_the_queue_without_an_error() throws Exception {
        invoke(Json.write(Map.of("trigger", "schedule", "schedule", "notify-daily")), context("s", () -> false));
        String first = queue.poll();
        Continuation c = Continuation.parse(first, "q");
        claims.claim("continuation/" + c.id(), "another-invocation", clock.instant(), Duration.ofMinutes(15));
        JsonNode out = invoke(sqs("msg-1", first), context("w1", () -> false));
        assertEquals("busy", out.path("steps").path(0).path("status").asText());
        assertEquals("msg-1", out.path("batchItemFailures").path(0).path("itemIdentifier").asText());
        assertEquals(List.of(), refusals());
    }

    @Test
    void a_step_the_provider_stops_goes_back_to_the_queue_and_its_redelivery_carries_on_without_mailing_anyone_twice() throws Exception {
        String body = Continuation.start(NotifyMembersHandler.Rounds.KIND, QUEUE, "notify-daily/2023-03-17", 0, 1).toJson();
        int[] calls = {0};
        mailer.before = m -> {
            if (++calls[0] == 6) throw new org.appban.mail.Mailer.Throttled("Maximum sending quota exceeded", true, null);
        };
        JsonNode out = invoke(sqs("msg-q", body), context("w1", () -> false));
        JsonNode step = out.path("steps").path(0);
        assertEquals("stopped", step.path("status").asText(), out.toString());
        assertEquals("msg-q", out.path("batchItemFailures").path(0).path("itemIdentifier").asText());
        assertEquals(5, mailer.count());
        assertTrue(queue.isEmpty(), "nothing handed on: the same message comes back");

        JsonNode again = invoke(sqs("msg-q", body), context("w2", () -> false));
        assertEquals("part-done", again.path("steps").path(0).path("status").asText(), again.toString());
        List<String> to = mailer.sent.stream().map(m -> m.recipient().value()).toList();
        assertEquals(ACTIVE, to.size(), to.toString());
        assertEquals(ACTIVE, to.stream().distinct().count(), to.toString());
        assertEquals(List.of(), refusals());
    }

    @Test
    void a_cursor_at_a_member_who_is_gone_resumes_at_the_next_one() throws Exception {
        // m-05 never existed: the step starts with the first member of the part after it.
        String body = new Continuation(NotifyMembersHandler.Rounds.KIND, QUEUE, "notify-daily/2023-03-16", 0, 1, 2, "m-05x").toJson();
        invoke(sqs("msg-cursor", body), context("w", () -> false));
        List<String> to = mailer.sent.stream().map(m -> m.recipient().value()).toList();
        assertEquals(ACTIVE - 6, to.size(), to.toString());
        assertTrue(to.contains("m6@example.org") && !to.contains("m5@example.org"), to.toString());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private record Round(int invocations, int handedOn) {
    }

    /** The schedule, then every message the queue holds, each invocation with its own clock of the given shape. */
    private Round runRound(IntFunction<BooleanSupplier> outOfTime) throws Exception {
        invoke(Json.write(Map.of("trigger", "schedule", "schedule", "notify-daily")), context("schedule", () -> false));
        int invocations = 0;
        int handedOn = 0;
        while (!queue.isEmpty()) {
            assertTrue(invocations < 500, "the round does not end");
            String body = queue.poll();
            JsonNode out = invoke(sqs("msg-" + invocations, body), context("step-" + invocations, outOfTime.apply(invocations)));
            invocations++;
            JsonNode step = out.path("steps").path(0);
            assertTrue(List.of("part-done", "handed-on").contains(step.path("status").asText()), out.toString());
            if (step.path("handedOn").asBoolean()) handedOn++;
        }
        return new Round(invocations, handedOn);
    }

    private void assertExactlyOnce(Round r, String what) {
        List<String> to = mailer.sent.stream().map(m -> m.recipient().value()).sorted().toList();
        assertEquals(ACTIVE, to.size(), what + ": " + to);
        assertEquals(ACTIVE, to.stream().distinct().count(), what + ": a member mailed twice: " + to);
        assertEquals(List.of(), refusals(), what);
        assertTrue(r.invocations >= 3, what);
    }

    /** A new day's world: nothing claimed, recorded or sent yet. */
    private void reset() {
        claims = new InMemoryClaims();
        ledger = new InMemoryLedger();
        mailer = new RecordingMailer();
        queue.clear();
        handler = handler(3);
    }

    private List<String> refusals() {
        return ledger.chain("fleet").stream().filter(e -> e.record().action().equals(ContinuationGate.REFUSED))
                .map(e -> e.record().outcome()).toList();
    }

    private static String sqs(String messageId, String body) {
        Map<String, Object> record = new TreeMap<>();
        record.put("messageId", messageId);
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", "arn:aws:sqs:ap-southeast-2:111122223333:appban-test-NotifyWork");
        record.put("body", body);
        return Json.write(Map.of("Records", List.of(record)));
    }

    private JsonNode invoke(String event, Context context) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
        return Json.parse(out.toByteArray());
    }

    /** An invocation of 15 minutes whose time is up (1 ms left) once {@code outOfTime} says so. */
    private static Context context(String requestId, BooleanSupplier outOfTime) {
        return new Context() {
            public String getAwsRequestId() { return requestId; }
            public String getLogGroupName() { return "test"; }
            public String getLogStreamName() { return "test"; }
            public String getFunctionName() { return "notify-members"; }
            public String getFunctionVersion() { return "1"; }
            public String getInvokedFunctionArn() { return "arn:aws:lambda:ap-southeast-2:111122223333:function:notify-members"; }
            public CognitoIdentity getIdentity() { return null; }
            public ClientContext getClientContext() { return null; }
            public int getRemainingTimeInMillis() { return outOfTime.getAsBoolean() ? 1 : 900_000; }
            public int getMemoryLimitInMB() { return 1024; }
            public LambdaLogger getLogger() {
                return new LambdaLogger() {
                    public void log(String message) { }
                    public void log(byte[] message) { }
                };
            }
        };
    }
}
