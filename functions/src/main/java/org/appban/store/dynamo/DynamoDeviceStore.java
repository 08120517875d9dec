package org.appban.store.dynamo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.appban.domain.Device;
import org.appban.ports.DeviceStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The device inventory in DynamoDB, keyed by {@code id}. A member's devices come from the {@value #BY_OWNER}
 * index; like every global secondary index it is eventually consistent, so a device saved a moment ago may be
 * missing from {@link #ofOwner} for a short while (the next run sees it).
 */
public final class DynamoDeviceStore implements DeviceStore {
    public static final String BY_OWNER = "byOwner";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDeviceStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<Device> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(DeviceItems.key(id)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(DeviceItems.fromItem(item, table));
    }

    /** BatchGetItem, 100 keys a request; unprocessed keys (throttling) are asked for again. */
    @Override
    public Map<String, Device> findAll(Collection<String> ids) {
        Map<String, Device> found = new HashMap<>();
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(ids));
        for (int from = 0; from < unique.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = unique.subList(from, Math.min(unique.size(), from + 100)).stream()
                    .map(DeviceItems::key).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt > 0) pause(attempt);
                Map<String, KeysAndAttributes> ask = request;
                BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(ask));
                response.responses().getOrDefault(table, List.of()).forEach(item -> {
                    Device d = DeviceItems.fromItem(item, table);
                    found.put(d.id(), d);
                });
                request = response.unprocessedKeys() == null ? Map.of() : response.unprocessedKeys();
                if (attempt > 8 && !request.isEmpty()) throw new IllegalStateException("DynamoDB left keys unprocessed after 8 retries");
            }
        }
        return found;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(1000L, 25L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<Device> ofOwner(String memberId) {
        List<Device> devices = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).indexName(BY_OWNER)
                        .keyConditionExpression("#owner = :owner")
                        .expressionAttributeNames(Map.of("#owner", DeviceItems.OWNER))
                        .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(memberId))))
                .items().forEach(item -> devices.add(DeviceItems.fromItem(item, table)));
        devices.sort(Comparator.comparing(Device::id));
        return devices;
    }

    @Override
    public List<Device> all() {
        List<Device> devices = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items()
                .forEach(item -> devices.add(DeviceItems.fromItem(item, table)));
        devices.sort(Comparator.comparing(Device::id));
        return devices;
    }

    /** A consistent Scan, one page (up to 1 MB) in memory at a time. */
    @Override
    public void forEach(Consumer<Device> action) {
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items()
                .forEach(item -> action.accept(DeviceItems.fromItem(item, table)));
    }

    @Override
    public void save(Device device) {
        dynamo.putItem(r -> r.tableName(table).item(DeviceItems.toItem(device)));
    }
}
