package org.appban.ledger;

import org.appban.lambda.ledger.LedgerDigestHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.appban.store.memory.InMemoryLedger;
import org.appban.testing.ProjectLayout;
import org.appban.testing.TestClock;
import org.junit.jupiter.api.Test;

/**
 * The ledger-digest function's triggers, fed as Lambda delivers them: the ledger table's stream (a run's appends,
 * batched) anchors the ledger when it changed and writes nothing when an earlier digest already covers it.
 */
class LedgerDigestHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestClock clock = new TestClock(Instant.parse("2023-03-16T19:00:00Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final InMemoryDigestStore digests = new InMemoryDigestStore();
    private final LedgerDigestHandler handler = new LedgerDigestHandler(new LedgerAnchor(ledger, digests, LedgerDigestJson.JSON, "appban-test-LedgerTable", clock));

    private void append(String member) {
        ledger.append(new LedgerRecord(clock.instant(), Actor.schedule("notify-daily"), member, null, "notice.sent", "ok", false, null, Map.of()));
    }

    private JsonNode invoke(String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private static String streamSample() throws IOException {
        return Files.readString(ProjectLayout.root().resolve("events/ledger-digest/stream.json"));
    }

    @Test
    void a_stream_batch_after_a_run_that_changed_the_ledger_writes_a_digest() throws IOException {
        append("m-001");
        append("m-002");
        JsonNode answer = invoke(streamSample());
        assertEquals("stream:2", answer.path("trigger").asText(), answer.toString());
        assertEquals("written", answer.path("result").asText(), answer.toString());
        assertEquals(1, digests.all().size());
        assertEquals(2, LedgerDigestJson.parse(digests.all().get(0).bytes()).heads().size(), "both chains anchored");
    }

    @Test
    void a_stream_batch_whose_changes_a_digest_already_covers_writes_nothing() throws IOException {
        append("m-001");
        assertEquals("written", invoke("{\"trigger\":\"schedule\",\"schedule\":\"ledger-digest-hourly\"}").path("result").asText());
        clock.advance(Duration.ofMinutes(1));
        JsonNode answer = invoke(streamSample());
        assertEquals("unchanged", answer.path("result").asText(), answer.toString());
        assertEquals(1, digests.all().size(), "no second digest for the same heads");
        // The next run's appends: the next batch anchors them.
        append("m-001");
        JsonNode next = invoke(streamSample());
        assertEquals("written", next.path("result").asText());
        assertEquals("incremental", next.path("kind").asText(), "within the day, only the moved head: " + next);
        assertEquals(1, next.path("heads").asInt());
        assertEquals(2, digests.all().size());
    }

    @Test
    void a_batch_from_anything_but_a_dynamodb_stream_or_an_empty_one_is_rejected_by_field() throws IOException {
        append("m-001");
        JsonNode sqs = invoke("{\"Records\":[{\"eventSource\":\"aws:sqs\",\"body\":\"{}\"}]}");
        assertEquals("rejected", sqs.path("status").asText(), sqs.toString());
        assertEquals(true, sqs.toString().contains("Records[0].eventSource"), sqs.toString());
        JsonNode empty = invoke("{\"Records\":[]}");
        assertEquals("rejected", empty.path("status").asText(), empty.toString());
        JsonNode extra = invoke("{\"Records\":[{\"eventSource\":\"aws:dynamodb\"}],\"trigger\":\"schedule\"}");
        assertEquals("rejected", extra.path("status").asText(), extra.toString());
        assertEquals(0, digests.all().size(), "nothing anchored on a malformed event");
    }
}
