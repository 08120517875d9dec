package org.appban.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.appban.json.Json;
import org.appban.lambda.Trigger;
import org.appban.work.WorkBatch;

/** What a function whose rounds run as work on its own queue is invoked with: the queue's messages, and a clock that runs out. */
public final class WorkEvents {
    private WorkEvents() {
    }

    /** An SQS event of one message, as the event source mapping delivers it. */
    public static String sqs(String messageId, String body) {
        return sqs(messageId, body, "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-test-Work");
    }

    /** An SQS event of one message, as the event source mapping of {@code queueUrl} delivers it (its ARN names the queue). */
    public static String sqs(String messageId, String body, String queueUrl) {
        Map<String, Object> record = new TreeMap<>();
        record.put("messageId", messageId);
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", "arn:aws:sqs:ap-southeast-2:111122223333:" + queueUrl.substring(queueUrl.lastIndexOf('/') + 1));
        record.put("body", body);
        return Json.write(Map.of("Records", List.of(record)));
    }

    /** Invokes {@code handler} with {@code event} as Lambda does (bytes in, bytes out) and reads its report. */
    public static JsonNode invoke(RequestStreamHandler handler, String event, Context context) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
            return Json.parse(out.toByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An invocation of 15 minutes whose time is up (1 ms left) after {@code looks} looks at the clock. */
    public static Context context(String requestId, int looks) {
        int[] left = {looks};
        return context(requestId, () -> left[0]-- <= 0);
    }

    /** The messages of {@link #sqs}'s event as a round reads them: read from the event by the Lambda edge ({@link Trigger}). */
    public static WorkBatch batch(String messageId, String body) {
        try {
            return ((Trigger.SqsMessages) Trigger.of(Json.parse(sqs(messageId, body)))).work();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An invocation of 15 minutes whose time is up (1 ms left) once {@code outOfTime} says so. */
    public static Context context(String requestId, BooleanSupplier outOfTime) {
        return new Context() {
            public String getAwsRequestId() { return requestId; }
            public String getLogGroupName() { return "test"; }
            public String getLogStreamName() { return "test"; }
            public String getFunctionName() { return "test-function"; }
            public String getFunctionVersion() { return "1"; }
            public String getInvokedFunctionArn() { return "arn:aws:lambda:ap-southeast-2:111122223333:function:test-function"; }
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
