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

    /** One BatchGetItem per hundred ids ({@link BatchReads}). */
    @Override
    public Map<String, Device> findAll(Collection<String> ids) {
        Map<String, Device> found = new HashMap<>();
        List<Map<String, AttributeValue>> keys = new LinkedHashSet<>(ids).stream().map(DeviceItems::key).toList();
        for (Map<String, AttributeValue> item : BatchReads.get(dynamo, table, keys)) {
            Device d = DeviceItems.fromItem(item, table);
            found.put(d.id(), d);
        }
        return found;
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
