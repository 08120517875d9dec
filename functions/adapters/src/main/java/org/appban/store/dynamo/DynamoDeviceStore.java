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
    /**
     * Sparse, keys only: the inventory sync's stamps, {@value #SYNC_SHARD} ({@code <source>#<shard>}) and
     * {@value #SYNC_PERIOD} (the latest period the source listed the device in). A Query for a shard's periods before
     * the current one finds the devices the source has not listed since: what might be gone, and nothing else.
     */
    public static final String BY_SYNC = "bySync";
    /**
     * Sparse: only corporate devices still carrying the app, not retired ({@link DeviceStore#carryingCorporate}), under
     * {@value DeviceItems#CARRYING} {@code = corporate}. Every device write is a whole item, so the attribute comes and
     * goes with the device's state; the digest reads the devices still to clean, not the fleet.
     */
    public static final String BY_CARRYING = "byCarrying";
    static final String SYNC_SHARD = "syncShard";
    static final String SYNC_PERIOD = "syncPeriod";
    /** With the stamp: the fingerprint of the addresses the source named the owner by (OwnerAddresses), never an address. */
    static final String SYNC_OWNER = "syncOwner";

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
    public List<Device> carryingCorporate() {
        List<Device> devices = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).indexName(BY_CARRYING)
                        .keyConditionExpression("#carrying = :corporate")
                        .expressionAttributeNames(Map.of("#carrying", DeviceItems.CARRYING))
                        .expressionAttributeValues(Map.of(":corporate", AttributeValue.fromS(DeviceItems.CORPORATE_CARRYING))))
                .items().forEach(item -> devices.add(DeviceItems.fromItem(item, table)));
        devices.sort(java.util.Comparator.comparing(Device::id));
        return devices;
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

    /**
     * A parallel Scan's segment, one page of it ({@code Segment} of {@code TotalSegments}), resumed at {@code after}
     * as the exclusive start key: DynamoDB places a start key by its hash, so a device deleted since still marks the
     * position and the page starts at the next one. The read is the round's own work (each device read once a
     * step of its part), never the history: its cost follows the fleet the round judges.
     */
    @Override
    public Page page(int part, int parts, String after, int limit) {
        org.appban.ports.MemberStore.Page.check(part, parts, limit);
        List<Device> page = new ArrayList<>();
        var response = dynamo.scan(r -> {
            r.tableName(table).consistentRead(true).segment(part).totalSegments(parts).limit(limit);
            if (after != null) r.exclusiveStartKey(DeviceItems.key(after));
        });
        response.items().forEach(item -> page.add(DeviceItems.fromItem(item, table)));
        return new Page(page, !response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty());
    }

    @Override
    public void save(Device device) {
        dynamo.putItem(r -> r.tableName(table).item(DeviceItems.toItem(device)));
    }

    @Override
    public Map<String, Listed> findListed(Collection<String> ids, boolean consistent) {
        Map<String, Listed> found = new HashMap<>();
        List<Map<String, AttributeValue>> keys = new LinkedHashSet<>(ids).stream().map(DeviceItems::key).toList();
        for (Map<String, AttributeValue> item : BatchReads.get(dynamo, table, keys, null, consistent)) {
            Device d = DeviceItems.fromItem(item, table);
            AttributeValue period = item.get(SYNC_PERIOD);
            AttributeValue owner = item.get(SYNC_OWNER);
            found.put(d.id(), new Listed(d, period == null || period.n() == null ? 0 : Long.parseLong(period.n()), owner == null ? null : owner.s()));
        }
        return found;
    }

    /**
     * One conditional PutItem: the device's item with its stamp (a retired device's without, so it leaves
     * {@value #BY_SYNC}), if the stored stamp is still the one read.
     */
    @Override
    public boolean saveListed(Device device, String source, long period, long storedPeriod) {
        return saveListed(device, source, period, storedPeriod, null);
    }

    @Override
    public boolean saveListed(Device device, String source, long period, long storedPeriod, String owner) {
        Map<String, AttributeValue> item = new HashMap<>(DeviceItems.toItem(device));
        if (!device.retired()) {
            item.put(SYNC_SHARD, AttributeValue.fromS(shardKey(source, DeviceStore.stampShard(device.id()))));
            item.put(SYNC_PERIOD, AttributeValue.fromN(Long.toString(period)));
            if (owner != null) item.put(SYNC_OWNER, AttributeValue.fromS(owner));
        }
        try {
            dynamo.putItem(r -> {
                r.tableName(table).item(item).expressionAttributeNames(Map.of("#period", SYNC_PERIOD));
                if (storedPeriod == 0) r.conditionExpression("attribute_not_exists(#period)");
                else r.conditionExpression("#period = :stored").expressionAttributeValues(Map.of(":stored", AttributeValue.fromN(Long.toString(storedPeriod))));
            });
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * One Query of {@value #BY_SYNC}: the shard's stamps before {@code before}, keys only. It reads the devices not
     * listed since, not the fleet: normally none, or the few that vanished in the last period. The position is the
     * index's last key ({@code <period>/<id>}).
     */
    @Override
    public StalePage stale(String source, int shard, long before, String after, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        if (shard < 0 || shard >= STAMP_SHARDS) throw new IllegalArgumentException("shard " + shard + " of " + STAMP_SHARDS);
        String shardKey = shardKey(source, shard);
        var response = dynamo.query(r -> {
            r.tableName(table).indexName(BY_SYNC).limit(limit)
                    .keyConditionExpression("#shard = :shard AND #period < :before")
                    .expressionAttributeNames(Map.of("#shard", SYNC_SHARD, "#period", SYNC_PERIOD))
                    .expressionAttributeValues(Map.of(":shard", AttributeValue.fromS(shardKey), ":before", AttributeValue.fromN(Long.toString(before))));
            if (after != null) {
                int slash = after.indexOf('/');
                if (slash < 1) throw new IllegalArgumentException("a stale position is <period>/<id>, was '" + after + "'");
                r.exclusiveStartKey(Map.of(DeviceItems.ID, AttributeValue.fromS(after.substring(slash + 1)),
                        SYNC_SHARD, AttributeValue.fromS(shardKey), SYNC_PERIOD, AttributeValue.fromN(Long.toString(Long.parseLong(after.substring(0, slash))))));
            }
        });
        List<String> ids = response.items().stream().map(i -> i.get(DeviceItems.ID).s()).toList();
        String next = null;
        if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
            Map<String, AttributeValue> last = response.lastEvaluatedKey();
            next = last.get(SYNC_PERIOD).n() + "/" + last.get(DeviceItems.ID).s();
        }
        return new StalePage(ids, next);
    }

    private static String shardKey(String source, int shard) {
        return source + "#" + shard;
    }
}
