package org.appban.store.dynamo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;
import org.appban.ports.DeviceStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The device inventory in DynamoDB, keyed by {@code id}. A member's devices come from the {@value #BY_OWNER}
 * index, the devices with a MAC from the {@value #BY_MAC} index; like every global secondary index they are
 * eventually consistent, so a device saved a moment ago may be missing from {@link #ofOwner} or {@link #idsWithMac}
 * for a short while (the next run sees it).
 */
public final class DynamoDeviceStore implements DeviceStore {
    public static final String BY_OWNER = "byOwner";
    /** Sparse (devices without a MAC are not in it), keys only: the MAC in its one normal form, and the device's id. */
    public static final String BY_MAC = "byMac";

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

    /**
     * A Query of the {@value #BY_MAC} index: one small read however large the inventory, where the default reads it
     * all. The index holds the MAC as stored, which since MACs are parsed at the MDM's edge is its normal form. An
     * item written before that with the MAC in a vendor's form is not found under the normal form until it is saved
     * again (the inventory sync saves a device when it changes); the daily run, which judges every device against
     * all the others, still sees it.
     */
    @Override
    public Set<String> idsWithMac(MacAddress mac) {
        Set<String> ids = new java.util.HashSet<>();
        dynamo.queryPaginator(r -> r.tableName(table).indexName(BY_MAC)
                        .keyConditionExpression("#mac = :mac")
                        .expressionAttributeNames(Map.of("#mac", DeviceItems.MAC_ADDRESS))
                        .expressionAttributeValues(Map.of(":mac", AttributeValue.fromS(mac.toString()))))
                .items().forEach(item -> ids.add(item.get(DeviceItems.ID).s()));
        return ids;
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
