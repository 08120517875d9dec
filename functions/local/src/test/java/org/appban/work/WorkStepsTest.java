package org.appban.work;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryLedger;
import org.junit.jupiter.api.Test;

/**
 * A batch from a round's queue as the steps see it: a bad message among good ones is refused and recorded on its
 * own, and the good ones run. In-memory claims and ledger: what is under test is the skeleton, not the stores.
 */
class WorkStepsTest {
    private static final String KIND = "test-round";
    private static final String QUEUE = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-test-Work";
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-07T09:00:00Z"), ZoneOffset.UTC);
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final List<String> sent = new ArrayList<>();
    private final WorkSteps work = new WorkSteps(new ContinuationGate(KIND, QUEUE, ContinuationJson.JSON, new InMemoryClaims(), ledger, clock), sent::add);

    @Test
    @SuppressWarnings("unchecked")
    void a_record_without_a_body_is_refused_as_malformed_and_recorded_while_the_rest_of_its_batch_runs() throws Exception {
        String good = ContinuationJson.toJson(Continuation.start(KIND, QUEUE, "daily/2026-12-07", 0, 1));
        String event = "{\"Records\":[" + record("m-good", good) + ",{\"messageId\":\"m-bodyless\",\"eventSource\":\"aws:sqs\"}]}";
        WorkBatch batch = ((org.appban.lambda.Trigger.SqsMessages) org.appban.lambda.Trigger.of(org.appban.json.Json.parse(event))).work();
        List<Continuation> ran = new ArrayList<>();

        Map<String, Object> out = work.run(batch, "req-1", 60_000, c -> {
            ran.add(c);
            return WorkSteps.Outcome.partDone(Map.of(), Map.of());
        }, line -> { });

        assertEquals(1, ran.size(), "the good message ran");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) out.get("steps");
        assertEquals(List.of("part-done", "refused"), steps.stream().map(s -> s.get("status")).toList());
        assertEquals("malformed", steps.get(1).get("reason"));
        assertEquals(List.of(), out.get("batchItemFailures"), "a refusal is consumed, not retried: retrying cannot mend it");
        List<LedgerRecord> refused = ledger.chain("fleet").stream().map(LedgerEntry::record)
                .filter(r -> r.action().equals(ContinuationGate.REFUSED)).toList();
        assertEquals(1, refused.size());
        assertEquals("m-bodyless", refused.get(0).details().get("messageId"));
        assertEquals("malformed", refused.get(0).details().get("reason"));
        assertEquals(List.of(), sent, "nothing handed on: the good step finished its part");
    }

    private static String record(String id, String body) {
        return org.appban.json.Json.write(Map.of("messageId", id, "eventSource", "aws:sqs", "body", body));
    }
}
