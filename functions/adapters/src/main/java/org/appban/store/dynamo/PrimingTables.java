package org.appban.store.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.aws.SdkPriming;
import org.appban.json.Json;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The tables a SnapStart priming run writes and reads, kept in the JVM for that run: a {@link SdkPriming.Responder}
 * that answers a DynamoDB client's calls (the JSON protocol, as the SDK marshals it) from the items the run itself
 * wrote, so that the production stores ({@code Dynamo*}) run their own code, the SDK's marshalling and signing
 * included, on priming's samples, and nothing leaves the process before the snapshot.
 *
 * <p>It answers the calls the stores make, and only as far as they need: GetItem, PutItem, UpdateItem ({@code SET}
 * and {@code ADD}), DeleteItem, Query (one equality on the partition key or an index's key, ordered by the sort key), Scan (an
 * index's items are those carrying its key), BatchGetItem, BatchWriteItem and TransactWriteItems. A condition
 * {@code attribute_not_exists(...)} on its own is checked (the claim and the ledger's writes meet it); every other
 * condition passes, since a priming run has nobody to race. Anything else is refused with an exception, which the
 * priming logs: it is not a table service.
 */
public final class PrimingTables implements SdkPriming.Responder {
    /** A table's key attributes and its indexes' key attributes, by index name. */
    record Schema(List<String> key, Map<String, String> indexes) {
    }

    public static final String MEMBERS = "priming-members";
    public static final String DEVICES = "priming-devices";
    public static final String EXEMPTIONS = "priming-exemptions";
    public static final String LEDGER = "priming-ledger";
    public static final String CLAIMS = "priming-claims";
    public static final String EVIDENCE = "priming-evidence";

    /** The stores' tables, as template.yaml declares them (keys and the indexes the stores read). */
    private static final Map<String, Schema> SCHEMAS = Map.of(
            MEMBERS, new Schema(List.of(MemberItems.ID), Map.of()),
            DEVICES, new Schema(List.of(DeviceItems.ID), Map.of(DynamoDeviceStore.BY_OWNER, DeviceItems.OWNER,
                    DynamoDeviceStore.BY_MAC, DeviceItems.MAC_ADDRESS)),
            EXEMPTIONS, new Schema(List.of(ExemptionItems.ID), Map.of(DynamoExemptionStore.BY_MEMBER, ExemptionItems.MEMBER)),
            LEDGER, new Schema(List.of(LedgerItems.CHAIN, LedgerItems.SEQ),
                    Map.of(DynamoLedger.CHAIN_HEADS, LedgerItems.HEAD, DynamoLedger.BY_DEVICE, LedgerItems.DEVICE_KEY)),
            CLAIMS, new Schema(List.of(ClaimItems.KEY), Map.of()),
            EVIDENCE, new Schema(List.of(DynamoEvidenceStore.DEVICE, DynamoEvidenceStore.ENTRY), Map.of()));

    private final Map<String, List<ObjectNode>> tables = new LinkedHashMap<>();

    private PrimingTables() {
    }

    /** A DynamoDB client on empty priming tables of its own; the caller closes it. */
    public static DynamoDbClient client() {
        return SdkPriming.canned(DynamoDbClient.builder(), new PrimingTables());
    }

    @Override
    public synchronized SdkPriming.Answer answer(SdkHttpRequest request, byte[] body) {
        String target = request.firstMatchingHeader("X-Amz-Target").orElse("");
        String operation = target.substring(target.indexOf('.') + 1);
        ObjectNode in;
        try {
            in = (ObjectNode) Json.parse(body);
        } catch (IOException e) {
            throw new IllegalStateException("priming tables: " + operation + " sent no JSON", e);
        }
        try {
            return SdkPriming.Answer.ok(Json.write(switch (operation) {
                case "GetItem" -> getItem(in);
                case "PutItem" -> putItem(in);
                case "UpdateItem" -> updateItem(in);
                case "DeleteItem" -> deleteItem(in);
                case "Query" -> query(in);
                case "Scan" -> scan(in);
                case "BatchGetItem" -> batchGet(in);
                case "BatchWriteItem" -> batchWrite(in);
                case "TransactWriteItems" -> transactWrite(in);
                default -> throw new IllegalStateException("priming tables: " + operation + " is not a call the stores make");
            }));
        } catch (ConditionFailed e) {
            return new SdkPriming.Answer(400, Json.write(e.error));
        }
    }

    private static final class ConditionFailed extends RuntimeException {
        final ObjectNode error;

        ConditionFailed(ObjectNode error) {
            super(null, null, false, false);
            this.error = error;
        }
    }

    private ObjectNode getItem(ObjectNode in) {
        ObjectNode out = Json.object();
        ObjectNode item = find(table(in), in.path("Key"));
        if (item != null) out.set("Item", item.deepCopy());
        return out;
    }

    private ObjectNode putItem(ObjectNode in) {
        String table = table(in);
        check(table, in, in.path("Item"));
        store(table, (ObjectNode) in.path("Item").deepCopy());
        return Json.object();
    }

    private ObjectNode updateItem(ObjectNode in) {
        String table = table(in);
        JsonNode key = in.path("Key");
        ObjectNode item = find(table, key);
        check(table, in, key);
        if (item == null) {
            item = (ObjectNode) key.deepCopy();
            store(table, item);
        }
        apply(in, item);
        ObjectNode out = Json.object();
        if (!in.path("ReturnValues").asText("NONE").equals("NONE")) out.set("Attributes", item.deepCopy());
        return out;
    }

    /** {@code SET a = :v, ...} and {@code ADD n :d, ...} (a number added to what is there, or to 0), in that order. */
    private static void apply(ObjectNode in, ObjectNode item) {
        String expression = in.path("UpdateExpression").asText("").strip();
        String set = expression;
        String add = "";
        int at = expression.indexOf("ADD ");
        if (at >= 0) {
            set = expression.substring(0, at).strip();
            add = expression.substring(at + 4);
        }
        if (!set.isEmpty()) {
            if (!set.startsWith("SET ")) throw new IllegalStateException("priming tables: only SET and ADD updates, not " + expression);
            for (String assignment : set.substring(4).split(",")) {
                String[] sides = assignment.split("=");
                if (sides.length != 2) throw new IllegalStateException("priming tables: not an assignment: " + assignment);
                item.set(name(in, sides[0].strip()), value(in, sides[1].strip()));
            }
        }
        if (!add.isEmpty()) {
            for (String addition : add.split(",")) {
                String[] sides = addition.strip().split(" ");
                if (sides.length != 2) throw new IllegalStateException("priming tables: not an addition: " + addition);
                String attribute = name(in, sides[0]);
                long was = item.has(attribute) ? Long.parseLong(item.path(attribute).path("N").asText("0")) : 0;
                long by = Long.parseLong(value(in, sides[1]).path("N").asText());
                item.set(attribute, Json.object().put("N", Long.toString(was + by)));
            }
        }
    }

    private ObjectNode deleteItem(ObjectNode in) {
        String table = table(in);
        check(table, in, in.path("Key"));
        items(table).remove(find(table, in.path("Key")));
        return Json.object();
    }

    private ObjectNode query(ObjectNode in) {
        String table = table(in);
        String condition = in.path("KeyConditionExpression").asText("");
        String[] sides = condition.split("=");
        if (sides.length != 2) throw new IllegalStateException("priming tables: only an equality on a key, not " + condition);
        String attribute = name(in, sides[0].strip());
        JsonNode value = value(in, sides[1].strip());
        List<ObjectNode> found = new ArrayList<>();
        for (ObjectNode item : items(table)) if (value.equals(item.get(attribute))) found.add(item);
        List<String> key = schema(table).key();
        if (!in.has("IndexName") && key.size() == 2) {
            Comparator<ObjectNode> bySortKey = (a, b) -> compareKeys(a.get(key.get(1)), b.get(key.get(1)));
            found.sort(in.path("ScanIndexForward").asBoolean(true) ? bySortKey : bySortKey.reversed());
        }
        if (in.has("Limit") && found.size() > in.path("Limit").asInt()) found = found.subList(0, in.path("Limit").asInt());
        return page(found);
    }

    private ObjectNode scan(ObjectNode in) {
        String table = table(in);
        // A parallel scan's segments: every item is in the first.
        if (in.path("Segment").asInt(0) > 0) return page(List.of());
        List<ObjectNode> found = new ArrayList<>(items(table));
        if (in.has("IndexName")) {
            String indexKey = schema(table).indexes().get(in.path("IndexName").asText());
            if (indexKey == null) throw new IllegalStateException("priming tables: " + table + " has no index " + in.path("IndexName").asText());
            found.removeIf(item -> !item.has(indexKey));
        }
        return page(found);
    }

    private ObjectNode batchGet(ObjectNode in) {
        ObjectNode responses = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = in.path("RequestItems").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> request = it.next();
            ArrayNode found = responses.putArray(request.getKey());
            for (JsonNode key : request.getValue().path("Keys")) {
                ObjectNode item = find(request.getKey(), key);
                if (item != null) found.add(item.deepCopy());
            }
        }
        ObjectNode out = Json.object();
        out.set("Responses", responses);
        out.putObject("UnprocessedKeys");
        return out;
    }

    private ObjectNode batchWrite(ObjectNode in) {
        for (Iterator<Map.Entry<String, JsonNode>> it = in.path("RequestItems").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> request = it.next();
            for (JsonNode write : request.getValue()) {
                if (write.has("PutRequest")) store(request.getKey(), (ObjectNode) write.path("PutRequest").path("Item").deepCopy());
                else items(request.getKey()).remove(find(request.getKey(), write.path("DeleteRequest").path("Key")));
            }
        }
        ObjectNode out = Json.object();
        out.putObject("UnprocessedItems");
        return out;
    }

    /** All or nothing, as DynamoDB's: every condition is checked before any item is written. */
    private ObjectNode transactWrite(ObjectNode in) {
        ArrayNode reasons = Json.array();
        boolean failed = false;
        for (JsonNode item : in.path("TransactItems")) {
            if (item.path("Update").isObject()) {
                JsonNode update = item.path("Update");
                boolean holds = holds(update.path("TableName").asText(), (ObjectNode) update, update.path("Key"));
                reasons.addObject().put("Code", holds ? "None" : "ConditionalCheckFailed");
                failed |= !holds;
                continue;
            }
            JsonNode put = item.path("Put");
            if (!put.isObject()) throw new IllegalStateException("priming tables: only Put and Update in a transaction, not " + item.fieldNames().next());
            boolean holds = holds(put.path("TableName").asText(), (ObjectNode) put, put.path("Item"));
            reasons.addObject().put("Code", holds ? "None" : "ConditionalCheckFailed");
            failed |= !holds;
        }
        if (failed) {
            ObjectNode error = Json.object().put("__type", "com.amazonaws.dynamodb.v20120810#TransactionCanceledException")
                    .put("Message", "Transaction cancelled, please refer cancellation reasons for specific reasons");
            error.set("CancellationReasons", reasons);
            throw new ConditionFailed(error);
        }
        for (JsonNode item : in.path("TransactItems")) {
            if (item.path("Update").isObject()) {
                updateItem((ObjectNode) item.path("Update"));
                continue;
            }
            JsonNode put = item.path("Put");
            store(put.path("TableName").asText(), (ObjectNode) put.path("Item").deepCopy());
        }
        return Json.object();
    }

    private void check(String table, ObjectNode call, JsonNode keyOrItem) {
        if (!holds(table, call, keyOrItem)) {
            throw new ConditionFailed(Json.object().put("__type", "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException")
                    .put("message", "The conditional request failed"));
        }
    }

    /** Only {@code attribute_not_exists(...)} on its own is checked: it fails when the item is there. */
    private boolean holds(String table, ObjectNode call, JsonNode keyOrItem) {
        String condition = call.path("ConditionExpression").asText("").strip();
        if (!condition.startsWith("attribute_not_exists(") || !condition.endsWith(")") || condition.contains(" ")) return true;
        return find(table, keyOrItem) == null;
    }

    private ObjectNode find(String table, JsonNode keyOrItem) {
        List<String> key = schema(table).key();
        for (ObjectNode item : items(table)) {
            boolean same = true;
            for (String k : key) same &= keyOrItem.path(k).equals(item.path(k));
            if (same) return item;
        }
        return null;
    }

    private void store(String table, ObjectNode item) {
        List<ObjectNode> items = items(table);
        items.remove(find(table, item));
        items.add(item);
    }

    private List<ObjectNode> items(String table) {
        schema(table);
        return tables.computeIfAbsent(table, t -> new ArrayList<>());
    }

    private static Schema schema(String table) {
        Schema schema = SCHEMAS.get(table);
        if (schema == null) throw new IllegalStateException("priming tables: no table " + table);
        return schema;
    }

    private static String table(ObjectNode in) {
        return in.path("TableName").asText();
    }

    private static String name(ObjectNode in, String name) {
        return name.startsWith("#") ? in.path("ExpressionAttributeNames").path(name).asText() : name;
    }

    private static JsonNode value(ObjectNode in, String placeholder) {
        JsonNode value = in.path("ExpressionAttributeValues").get(placeholder);
        if (value == null) throw new IllegalStateException("priming tables: no value " + placeholder);
        return value;
    }

    /** A sort key's order: numbers by value, strings as they are. */
    private static int compareKeys(JsonNode a, JsonNode b) {
        if (a.has("N") && b.has("N")) return new BigDecimal(a.path("N").asText()).compareTo(new BigDecimal(b.path("N").asText()));
        return a.path("S").asText().compareTo(b.path("S").asText());
    }

    private static ObjectNode page(List<ObjectNode> items) {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("Items");
        items.forEach(item -> list.add(item.deepCopy()));
        out.put("Count", items.size()).put("ScannedCount", items.size());
        return out;
    }
}
