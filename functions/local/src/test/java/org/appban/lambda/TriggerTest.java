package org.appban.lambda;

import org.appban.json.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.appban.input.InvalidInputException;
import org.appban.work.WorkBatch;
import org.junit.jupiter.api.Test;

/** A trigger is known by its envelope, once, at the edge; an envelope of no known kind is refused saying what it is. */
class TriggerTest {
    private static JsonNode json(String text) throws Exception {
        return Json.parse(text);
    }

    private static Path events() {
        Path p = Path.of("events");
        return Files.isDirectory(p) ? p : org.appban.testing.ProjectLayout.root().resolve("events");
    }

    @Test
    void eachServicesEnvelopeIsItsOwnKind() throws Exception {
        assertInstanceOf(Trigger.SqsMessages.class, Trigger.of(json("{\"Records\":[{\"messageId\":\"m\",\"eventSource\":\"aws:sqs\",\"body\":\"{}\"}]}")));
        assertInstanceOf(Trigger.S3Objects.class, Trigger.of(json("{\"Records\":[{\"eventSource\":\"aws:s3\",\"s3\":{}}]}")));
        assertInstanceOf(Trigger.StreamRecords.class, Trigger.of(json("{\"Records\":[{\"eventSource\":\"aws:dynamodb\",\"dynamodb\":{}}]}")));
        Trigger e = Trigger.of(json("{\"id\":\"e-1\",\"detail-type\":\"DeviceStatusChanged\",\"source\":\"appban.inventory\",\"detail\":{\"a\":1}}"));
        assertEquals(new Trigger.EventBridgeEvent(e.event(), "e-1", "DeviceStatusChanged", "appban.inventory", json("{\"a\":1}")), e);
        assertInstanceOf(Trigger.FunctionUrlCall.class, Trigger.of(json("{\"requestContext\":{\"http\":{\"method\":\"GET\"}},\"rawPath\":\"/\"}")));
        assertEquals("deadline", ((Trigger.Schedule) Trigger.of(json("{\"trigger\":\"deadline\"}"))).trigger());
        assertInstanceOf(Trigger.DirectInvocation.class, Trigger.of(json("{\"request\":\"enforce\",\"all\":true}")));
    }

    @Test
    void aRecordWithoutAnEventSourceIsKnownByItsShape_asConsoleTestEventsLackOne() throws Exception {
        assertInstanceOf(Trigger.S3Objects.class, Trigger.of(json("{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\"b\"}}}]}")));
        assertInstanceOf(Trigger.SqsMessages.class, Trigger.of(json("{\"Records\":[{\"messageId\":\"m\",\"body\":\"{}\"}]}")));
        assertInstanceOf(Trigger.StreamRecords.class, Trigger.of(json("{\"Records\":[{\"dynamodb\":{}}]}")));
    }

    @Test
    void anSqsBatchIsReadAsWorkMessageByMessage_aRecordReadInPartIsStillAMessageSoTheGateRecordsItsRefusal() throws Exception {
        Trigger t = Trigger.of(json("{\"Records\":["
                + "{\"messageId\":\"m-1\",\"eventSource\":\"aws:sqs\",\"body\":\"{\\\"continue\\\":1}\"},"
                + "{\"messageId\":\"m-2\",\"eventSource\":\"aws:sqs\"},"
                + "{\"eventSource\":\"aws:sqs\",\"body\":\"unnamed\"},"
                + "{\"messageId\":\" \",\"eventSource\":\"aws:sqs\",\"body\":{\"not\":\"text\"}}]}"));
        WorkBatch batch = ((Trigger.SqsMessages) t).work();
        assertEquals(List.of(new WorkBatch.Message("m-1", "{\"continue\":1}"), new WorkBatch.Message("m-2", ""),
                new WorkBatch.Message("Records[2]", "unnamed"), new WorkBatch.Message("Records[3]", "")), batch.messages(),
                "every record is a message in its place: none dropped, none refusing the batch");
    }

    @Test
    void everySampleEventInEventsIsOfAKnownKind() throws Exception {
        try (Stream<Path> files = Files.walk(events())) {
            // The malformed samples are there to be refused by the handlers' own reading (not-json.json is not JSON).
            for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.toString().contains("malformed")).toList()) {
                Trigger t = Trigger.of(Json.parse(Files.readString(f)));
                if (f.getFileName().toString().startsWith("sqs")) assertInstanceOf(Trigger.SqsMessages.class, t, f.toString());
                if (f.getFileName().toString().startsWith("s3")) assertInstanceOf(Trigger.S3Objects.class, t, f.toString());
                if (f.getFileName().toString().equals("stream.json")) assertInstanceOf(Trigger.StreamRecords.class, t, f.toString());
            }
        }
    }

    @Test
    void anUnknownEnvelopeIsAClearError() throws Exception {
        InvalidInputException sns = assertThrows(InvalidInputException.class,
                () -> Trigger.of(json("{\"Records\":[{\"EventSource\":\"aws:sns\",\"Sns\":{}}]}")));
        assertTrue(sns.getMessage().contains("records from 'aws:sns' (expected aws:sqs, aws:s3 or aws:dynamodb)"), sns.getMessage());
        InvalidInputException mixed = assertThrows(InvalidInputException.class,
                () -> Trigger.of(json("{\"Records\":[{\"eventSource\":\"aws:sqs\"},{\"eventSource\":\"aws:s3\"}]}")));
        assertTrue(mixed.getMessage().contains("records from aws:sqs and aws:s3 in one event"), mixed.getMessage());
        for (String wrong : new String[] {"{\"Records\":[]}", "{\"Records\":\"none\"}", "{\"Records\":[{\"x\":1}]}", "[1,2]", "\"text\""}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Trigger.of(json(wrong)), wrong);
            assertTrue(e.getMessage().contains("not a trigger appban knows"), e.getMessage());
        }
    }

    @Test
    void aHandlerNamesTheKindItWasNotMeantForAndWhatItTakes() throws Exception {
        Trigger t = Trigger.of(json("{\"Records\":[{\"eventSource\":\"aws:dynamodb\",\"dynamodb\":{}}]}"));
        InvalidInputException e = Trigger.notHandled("network-access", t, "its schedule and manual requests");
        assertTrue(e.getMessage().contains("this function is not triggered by a DynamoDB stream batch; it takes its schedule and manual requests"), e.getMessage());
    }
}
