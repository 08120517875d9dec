package org.appban.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.appban.aws.SdkPriming;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * Counts what a function's container asks of AWS, for {@code ./appban bench scale}: requests per service and
 * operation, DynamoDB's read and write request units ({@link DynamoUnits}, from the items each request writes and
 * each response returns), and EventBridge's events (entries put). Installed in the container's JVM as a global SDK
 * interceptor (the bench puts {@code software/amazon/awssdk/global/handlers/execution.interceptors} naming this
 * class on that JVM's classpath, as TemplateContractIT does for its CallRecorder), so it sees every client the
 * production wiring builds. SnapStart priming's canned calls are not counted.
 */
public final class ScaleMeter implements ExecutionInterceptor {
    private static final Map<String, LongAdder> REQUESTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final DoubleAdder READ_UNITS = new DoubleAdder();
    private static final DoubleAdder WRITE_UNITS = new DoubleAdder();
    private static final LongAdder EVENTS = new LongAdder();
    /** Every (recipient, subject) this container sent, to count a notice sent twice: a duplicate. */
    private static final java.util.Set<String> MAILED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final LongAdder MAIL_DUPLICATES = new LongAdder();

    /** What was counted since the last {@link #reset}: "Service.Operation" to requests, and the units. */
    public record Counts(Map<String, Long> requests, double readUnits, double writeUnits, long events, long mailDuplicates) {
    }

    public static synchronized Counts takeAndReset() {
        Map<String, Long> requests = new TreeMap<>();
        REQUESTS.forEach((k, v) -> requests.put(k, v.sumThenReset()));
        requests.values().removeIf(v -> v == 0);
        return new Counts(requests, READ_UNITS.sumThenReset(), WRITE_UNITS.sumThenReset(), EVENTS.sumThenReset(),
                MAIL_DUPLICATES.sumThenReset());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (priming(attributes)) return;
        count(attributes);
        SdkRequest request = context.request();
        SdkResponse response = context.response();
        if (request instanceof PutEventsRequest p) EVENTS.add(p.entries().size());
        if (request instanceof SendEmailRequest m && m.content() != null && m.content().raw() != null) {
            String key = mailKey(m.content().raw().data().asUtf8String());
            if (key != null && !MAILED.add(key)) MAIL_DUPLICATES.increment();
        }
        WRITE_UNITS.add(writeUnits(request, response));
        READ_UNITS.add(readUnits(request, response));
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (priming(attributes)) return;
        count(attributes);
        // A write refused by its condition still consumes its write units (a transaction's items as well).
        Throwable e = context.exception();
        if (e instanceof ConditionalCheckFailedException || e instanceof TransactionCanceledException) {
            WRITE_UNITS.add(writeUnits(context.request(), null));
        }
    }

    /** "To|Subject" from a raw message's header (the header ends at the first empty line), or null. */
    static String mailKey(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        String header = (end < 0 ? raw : raw.substring(0, end)).replace("\r\n ", " ").replace("\r\n\t", " ");
        String to = null, subject = null;
        for (String line : header.split("\r\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (to == null && lower.startsWith("to:")) to = line.substring(3).strip();
            if (subject == null && lower.startsWith("subject:")) subject = line.substring(8).strip();
        }
        return to == null ? null : to + "|" + subject;
    }

    private static boolean priming(ExecutionAttributes attributes) {
        return Boolean.TRUE.equals(attributes.getAttribute(SdkPriming.PRIMING));
    }

    private static void count(ExecutionAttributes attributes) {
        String key = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "." + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        REQUESTS.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** Write units of a request: per item written, twice for a transaction; a batch's unprocessed items are not charged. */
    static double writeUnits(SdkRequest request, SdkResponse response) {
        if (request instanceof PutItemRequest p) return DynamoUnits.writeUnits(DynamoUnits.itemBytes(p.item()));
        if (request instanceof UpdateItemRequest u) return DynamoUnits.writeUnits(DynamoUnits.itemBytes(u.key()) + values(u.expressionAttributeValues()));
        if (request instanceof DeleteItemRequest) return 1;
        if (request instanceof BatchWriteItemRequest b) {
            double units = 0;
            for (var e : b.requestItems().entrySet()) for (WriteRequest w : e.getValue()) units += units(w);
            if (response instanceof BatchWriteItemResponse r && r.hasUnprocessedItems()) {
                for (var e : r.unprocessedItems().entrySet()) for (WriteRequest w : e.getValue()) units -= units(w);
            }
            return units;
        }
        if (request instanceof TransactWriteItemsRequest t) {
            double units = 0;
            for (TransactWriteItem i : t.transactItems()) {
                if (i.put() != null) units += DynamoUnits.writeUnits(DynamoUnits.itemBytes(i.put().item()));
                else if (i.update() != null) units += DynamoUnits.writeUnits(DynamoUnits.itemBytes(i.update().key()) + values(i.update().expressionAttributeValues()));
                else units += 1; // a delete, or a condition check
            }
            return 2 * units;
        }
        return 0;
    }

    private static long units(WriteRequest w) {
        return w.putRequest() != null ? DynamoUnits.writeUnits(DynamoUnits.itemBytes(w.putRequest().item())) : 1;
    }

    private static long values(Map<String, AttributeValue> values) {
        if (values == null) return 0;
        long n = 0;
        for (AttributeValue v : values.values()) n += DynamoUnits.valueBytes(v);
        return n;
    }

    /**
     * Read units of a request from what it returned. A Query or Scan that filtered what it read, or only counted it,
     * is charged for what it examined (ScannedCount items, at the size of those returned, else 1 KB each).
     */
    static double readUnits(SdkRequest request, SdkResponse response) {
        if (request instanceof GetItemRequest g && response instanceof GetItemResponse r) {
            return DynamoUnits.readUnits(DynamoUnits.itemBytes(r.item()), Boolean.TRUE.equals(g.consistentRead()));
        }
        if (request instanceof BatchGetItemRequest g && response instanceof BatchGetItemResponse r) {
            double units = 0;
            for (var e : r.responses().entrySet()) {
                var keys = g.requestItems().get(e.getKey());
                boolean consistent = keys != null && Boolean.TRUE.equals(keys.consistentRead());
                for (var item : e.getValue()) units += DynamoUnits.readUnits(DynamoUnits.itemBytes(item), consistent);
            }
            return units;
        }
        if (request instanceof TransactGetItemsRequest && response instanceof TransactGetItemsResponse r) {
            double units = 0;
            for (var item : r.responses()) units += 2 * DynamoUnits.readUnits(DynamoUnits.itemBytes(item.item()), true);
            return units;
        }
        if (request instanceof QueryRequest q && response instanceof QueryResponse r) {
            return examined(r.items(), r.count(), r.scannedCount(), Boolean.TRUE.equals(q.consistentRead()));
        }
        if (request instanceof ScanRequest s && response instanceof ScanResponse r) {
            return examined(r.items(), r.count(), r.scannedCount(), Boolean.TRUE.equals(s.consistentRead()));
        }
        return 0;
    }

    private static double examined(java.util.List<Map<String, AttributeValue>> items, Integer count, Integer scanned, boolean consistent) {
        long bytes = 0;
        for (var item : items) bytes += DynamoUnits.itemBytes(item);
        int returned = items.size();
        int examined = scanned == null ? Math.max(returned, count == null ? 0 : count) : scanned;
        if (examined > returned) bytes = returned > 0 ? bytes * examined / returned : 1024L * examined;
        return DynamoUnits.readUnits(bytes, consistent);
    }
}
