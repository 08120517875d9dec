package org.appban.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Every DynamoDB request a client makes, recorded as it leaves the client (operation, table, index, and a Scan's
 * segment and limit), so an integration test can say what a run read: no Scan on a daily path, a table read only
 * through its index. The emulator's answers are untouched.
 */
public final class DynamoRequestLog implements ExecutionInterceptor {
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    /** A DynamoDB client on the emulator whose every request this log records. */
    public DynamoDbClient client(AwsEmulator emulator) {
        return emulator.clients().configure(DynamoDbClient.builder()).overrideConfiguration(o -> o.addExecutionInterceptor(this)).build();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Map<String, String> r = new TreeMap<>();
        r.put("operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        context.request().getValueForField("TableName", String.class).ifPresent(t -> r.put("table", t));
        context.request().getValueForField("IndexName", String.class).ifPresent(i -> r.put("index", i));
        if (context.request() instanceof ScanRequest s) {
            r.put("segment", String.valueOf(s.segment()));
            r.put("limit", String.valueOf(s.limit()));
        }
        requests.add(r);
    }

    /** The live list of requests so far (cleared by {@link List#clear()}). */
    public List<Map<String, String>> requests() {
        return requests;
    }

    /** The requests of one operation, e.g. "Scan". */
    public List<Map<String, String>> of(String operation) {
        return requests.stream().filter(r -> operation.equals(r.get("operation"))).toList();
    }

    /** How many requests of each operation, by name. */
    public Map<String, Long> byOperation() {
        Map<String, Long> counts = new TreeMap<>();
        requests.forEach(r -> counts.merge(r.get("operation"), 1L, Long::sum));
        return counts;
    }
}
