package org.appban.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.appban.input.InvalidInputException;
import org.appban.work.WorkBatch;

/**
 * What invoked a function, read once at the Lambda edge from the event's envelope, one record per kind of trigger, so
 * that a handler switches over a type instead of looking for keys. Only the envelope is read here; each handler then
 * reads its kind's content strictly (a schedule's fields, a manual request's, each SQS message body).
 *
 * <p>The kinds, and how Lambda's services wrap their events:
 * <ul>
 *   <li>{@link SqsMessages}, {@link S3Objects}, {@link StreamRecords}: {@code {"Records": [...]}}, told apart by each
 *       record's {@code eventSource} ({@code aws:sqs}, {@code aws:s3}, {@code aws:dynamodb}); a record without one is
 *       known by its shape ({@code s3}, {@code dynamodb}, or a {@code body}), as the console's test events lack it;</li>
 *   <li>{@link EventBridgeEvent}: an event with {@code detail-type} (a rule's target);</li>
 *   <li>{@link FunctionUrlCall}: a function URL's request, {@code requestContext.http};</li>
 *   <li>{@link Schedule}: a schedule's fixed input, {@code {"trigger": ...}};</li>
 *   <li>{@link DirectInvocation}: any other object, a request an administrator or a tool sent with {@code Invoke}.</li>
 * </ul>
 * An envelope that is none of these (not a JSON object; {@code Records} that are not a list of records from one
 * known source) is refused with an {@link InvalidInputException} saying what it is and what was expected.
 */
public sealed interface Trigger {
    /** The whole event, for the handler's strict reading of its content. */
    JsonNode event();

    /** The kind's name in messages: "an SQS batch", "a schedule", ... */
    String describe();

    /** An SQS batch (an event source mapping): each record a message with {@code messageId} and {@code body}. */
    record SqsMessages(JsonNode event, List<JsonNode> records) implements Trigger {
        public String describe() {
            return "an SQS batch";
        }

        /**
         * The batch as a round's work reads it: each record's id and body. A record read only in part is still a
         * message, never dropped and never the whole batch's refusal (which would lose its good messages with it):
         * without a {@code messageId} it is named by its place ({@code Records[i]}), and without a {@code body} its
         * body is empty, so the gate refuses it as malformed and records the refusal under that name.
         */
        public WorkBatch work() {
            List<WorkBatch.Message> messages = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                JsonNode record = records.get(i);
                String id = record.path("messageId").asText("");
                messages.add(new WorkBatch.Message(id.isBlank() ? "Records[" + i + "]" : id, record.path("body").asText("")));
            }
            return new WorkBatch(messages);
        }
    }

    /** S3 event notifications (objects created). */
    record S3Objects(JsonNode event, List<JsonNode> records) implements Trigger {
        public String describe() {
            return "an S3 event";
        }
    }

    /** A DynamoDB stream batch. */
    record StreamRecords(JsonNode event, List<JsonNode> records) implements Trigger {
        public String describe() {
            return "a DynamoDB stream batch";
        }
    }

    /** An EventBridge event delivered by a rule. */
    record EventBridgeEvent(JsonNode event, String id, String detailType, String source, JsonNode detail) implements Trigger {
        public String describe() {
            return "an EventBridge event (" + detailType + ")";
        }
    }

    /** A request through the function's URL (payload format 2.0). */
    record FunctionUrlCall(JsonNode event) implements Trigger {
        public String describe() {
            return "a function URL request";
        }
    }

    /** A schedule's input: {@code {"trigger": "...", ...}}. */
    record Schedule(JsonNode event, String trigger) implements Trigger {
        public String describe() {
            return "a schedule";
        }
    }

    /** A direct invocation: the event is the request itself. */
    record DirectInvocation(JsonNode event) implements Trigger {
        public String describe() {
            return "a direct invocation";
        }
    }

    /**
     * The trigger the event's envelope shows.
     *
     * @throws InvalidInputException for an envelope of no known kind, naming what it is
     */
    static Trigger of(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new InvalidInputException("event", "", "not a trigger appban knows: a JSON " + (event == null ? "nothing" : event.getNodeType().name().toLowerCase())
                    + ", where every trigger's event is an object");
        }
        if (event.has("Records")) return records(event);
        if (event.path("requestContext").path("http").isObject()) return new FunctionUrlCall(event);
        if (event.has("detail-type")) {
            return new EventBridgeEvent(event, event.path("id").asText(null), event.path("detail-type").asText(), event.path("source").asText(null), event.get("detail"));
        }
        if (event.has("trigger")) return new Schedule(event, event.path("trigger").asText(null));
        return new DirectInvocation(event);
    }

    private static Trigger records(JsonNode event) {
        JsonNode records = event.get("Records");
        if (!records.isArray() || records.isEmpty()) {
            throw new InvalidInputException("event", "Records", "not a trigger appban knows: Records must be a list of at least one record");
        }
        Set<String> sources = new LinkedHashSet<>();
        List<JsonNode> list = new ArrayList<>();
        for (JsonNode r : records) {
            sources.add(source(r));
            list.add(r);
        }
        if (sources.size() > 1) {
            throw new InvalidInputException("event", "Records", "not a trigger appban knows: records from " + String.join(" and ", sources)
                    + " in one event (a batch comes from one source)");
        }
        String source = sources.iterator().next();
        return switch (source) {
            case "aws:sqs" -> new SqsMessages(event, List.copyOf(list));
            case "aws:s3" -> new S3Objects(event, List.copyOf(list));
            case "aws:dynamodb" -> new StreamRecords(event, List.copyOf(list));
            default -> throw new InvalidInputException("event", "Records[0].eventSource", "not a trigger appban knows: records from '" + source
                    + "' (expected aws:sqs, aws:s3 or aws:dynamodb)");
        };
    }

    /** A record's source: its eventSource, or, for a test event without one, what its shape says. */
    private static String source(JsonNode r) {
        JsonNode s = r.has("eventSource") ? r.get("eventSource") : r.get("EventSource");
        if (s != null && s.isTextual()) return s.textValue();
        if (r.has("s3")) return "aws:s3";
        if (r.has("dynamodb")) return "aws:dynamodb";
        if (r.has("body") || r.has("messageId")) return "aws:sqs";
        return "an unknown source";
    }

    /** The refusal of a handler that a trigger of this kind should not reach: a wiring mistake, said as such. */
    static InvalidInputException notHandled(String function, Trigger t, String expected) {
        return new InvalidInputException(function + " event", "", "this function is not triggered by " + t.describe() + "; it takes " + expected);
    }
}
