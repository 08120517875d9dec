package org.appban.store.dynamo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.appban.access.AccessRecord;
import org.appban.access.EvidenceStore;
import org.appban.access.Sighting;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The network-access function's evidence table ({@code EvidenceTable}, {@code EVIDENCE_TABLE}): items at
 * ({@code device}, {@code entry}):
 * <ul>
 *   <li>{@code latest}: the device's latest sighting of the app's domains;</li>
 *   <li>{@code domain#<domain>}: its latest sighting of that domain;</li>
 *   <li>{@code access}: this function's {@link AccessRecord} of it.</li>
 * </ul>
 * Sightings are written only if newer than the stored one (a conditional update on the epoch milliseconds, so the
 * order in which log objects arrive does not matter) and carry {@code expiresAt}, the table's TTL attribute: matched
 * evidence is kept for a retention period, then DynamoDB deletes it. Access records never expire.
 */
public final class DynamoEvidenceStore implements EvidenceStore {
    static final String DEVICE = "device";
    static final String ENTRY = "entry";
    static final String LATEST = "latest";
    static final String ACCESS = "access";
    static final String DOMAIN_PREFIX = "domain#";
    static final String EXPIRES_AT = "expiresAt";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;

    /** @param retention how long a sighting is kept after it was seen (at least the policy's quiet period) */
    public DynamoEvidenceStore(DynamoDbClient dynamo, String table, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
    }

    @Override
    public void recordSightings(Collection<Sighting> sightings) {
        for (Sighting s : sightings) {
            keepIfNewer(s, LATEST);
            keepIfNewer(s, DOMAIN_PREFIX + s.domain());
        }
    }

    private void keepIfNewer(Sighting s, String entry) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":domain", AttributeValue.fromS(s.domain()));
        values.put(":at", AttributeValue.fromS(s.at().toString()));
        values.put(":ms", AttributeValue.fromN(Long.toString(s.at().toEpochMilli())));
        values.put(":via", AttributeValue.fromS(s.via().name()));
        values.put(":source", AttributeValue.fromS(s.source()));
        values.put(":exp", AttributeValue.fromN(Long.toString(s.at().plus(retention).getEpochSecond())));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(s.device(), entry))
                    .updateExpression("SET #domain = :domain, #at = :at, #ms = :ms, #via = :via, #source = :source, #exp = :exp")
                    .conditionExpression("attribute_not_exists(#ms) OR #ms < :ms")
                    .expressionAttributeNames(Map.of("#domain", "domain", "#at", "at", "#ms", "atMillis", "#via", "via",
                            "#source", "source", "#exp", EXPIRES_AT))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // A newer (or the same) sighting is stored already.
        }
    }

    @Override
    public Map<String, Sighting> latestSightings(Collection<String> deviceIds) {
        Map<String, Sighting> out = new HashMap<>();
        for (Map<String, AttributeValue> item : batchGet(deviceIds, LATEST)) sighting(item, out);
        return out;
    }

    @Override
    public Map<String, AccessRecord> records(Collection<String> deviceIds) {
        Map<String, AccessRecord> out = new HashMap<>();
        for (Map<String, AttributeValue> item : batchGet(deviceIds, ACCESS)) record(item, out);
        return out;
    }

    /** Both kinds of item in one BatchGetItem (a hundred keys a request): one round trip where two were. */
    @Override
    public Read read(Collection<String> recordsOf, Collection<String> sightingsOf) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        new LinkedHashSet<>(recordsOf).forEach(id -> keys.add(key(id, ACCESS)));
        new LinkedHashSet<>(sightingsOf).forEach(id -> keys.add(key(id, LATEST)));
        Map<String, AccessRecord> records = new HashMap<>();
        Map<String, Sighting> sightings = new HashMap<>();
        if (keys.isEmpty()) return new Read(records, sightings);
        for (Map<String, AttributeValue> item : BatchReads.get(dynamo, table, keys)) {
            if (ACCESS.equals(item.get(ENTRY).s())) record(item, records);
            else sighting(item, sightings);
        }
        return new Read(records, sightings);
    }

    private void sighting(Map<String, AttributeValue> item, Map<String, Sighting> out) {
        ItemFields f = new ItemFields(item, table + " item " + item.get(DEVICE).s() + "/" + LATEST);
        String device = f.string(DEVICE);
        out.put(device, new Sighting(device, f.string("domain"), f.instant("at"), f.enumValue("via", Sighting.Via.class), f.string("source")));
    }

    private void record(Map<String, AttributeValue> item, Map<String, AccessRecord> out) {
        ItemFields f = new ItemFields(item, table + " item " + item.get(DEVICE).s() + "/" + ACCESS);
        String device = f.string(DEVICE);
        out.put(device, new AccessRecord(device, f.enumValue("state", AccessRecord.State.class), (int) f.number("episode"),
                f.string("key"), f.optionalString("policy"), f.instant("since"), f.optionalString("grounds")));
    }

    @Override
    public void saveRecord(AccessRecord r) {
        Map<String, AttributeValue> item = new ItemBuilder()
                .string(DEVICE, r.device())
                .string(ENTRY, ACCESS)
                .enumName("state", r.state())
                .number("episode", r.episode())
                .string("key", r.key())
                .string("policy", r.policy())
                .instant("since", r.since())
                .string("grounds", r.grounds())
                .build();
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    private static Map<String, AttributeValue> key(String device, String entry) {
        return Map.of(DEVICE, AttributeValue.fromS(device), ENTRY, AttributeValue.fromS(entry));
    }

    /** One entry of each device ({@link BatchReads}). */
    private List<Map<String, AttributeValue>> batchGet(Collection<String> deviceIds, String entry) {
        return BatchReads.get(dynamo, table, new LinkedHashSet<>(deviceIds).stream().map(id -> key(id, entry)).toList());
    }
}
