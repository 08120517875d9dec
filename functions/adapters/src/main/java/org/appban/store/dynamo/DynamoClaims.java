package org.appban.store.dynamo;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import org.appban.ports.Claims;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Claims in DynamoDB, one item per key. Every change is a conditional write on exactly the state the caller
 * based its decision on (compare-and-set), so of any number of concurrent claimants only one wins a key, and a
 * lease is taken over at most once per expiry. The caller's {@code now} is the only clock: lease expiry is decided
 * here from the stored instant, never by a DynamoDB-side clock or TTL.
 */
public final class DynamoClaims implements Claims {
    /** Compare-and-set rounds before giving up; each lost round means another claimant changed the key meanwhile. */
    private static final int MAX_ATTEMPTS = 10;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoClaims(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Outcome claim(String key, String holder, Instant now, Duration lease) {
        Instant until = now.plus(lease);
        State fresh = new State(key, holder, until, false, null, null);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (createIfAbsent(fresh)) return Outcome.CLAIMED;
            Optional<State> seen = state(key);
            if (seen.isEmpty()) continue; // released between our two calls
            State s = seen.get();
            if (s.completed()) return Outcome.ALREADY_DONE;
            boolean live = s.leaseUntil().isAfter(now);
            if (live && !s.holder().equals(holder)) return Outcome.HELD_ELSEWHERE;
            // Ours and live (a renewal), or expired (a takeover, even by the same holder: it may have acted).
            if (replace(s, fresh)) return live ? Outcome.CLAIMED : Outcome.TAKEN_OVER;
        }
        throw new IllegalStateException("claim " + key + ": still contended after " + MAX_ATTEMPTS + " attempts");
    }

    private boolean createIfAbsent(State s) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(ClaimItems.toItem(s))
                    .conditionExpression("attribute_not_exists(#key)")
                    .expressionAttributeNames(Map.of("#key", ClaimItems.KEY)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Writes {@code next} only if the stored claim is still exactly {@code seen}'s holder and lease, uncompleted. */
    private boolean replace(State seen, State next) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(ClaimItems.key(seen.key()))
                    .updateExpression("SET #holder = :holder, #lease = :lease")
                    .conditionExpression("#holder = :seenHolder AND #lease = :seenLease AND #completed = :false")
                    .expressionAttributeNames(Map.of("#holder", ClaimItems.HOLDER, "#lease", ClaimItems.LEASE_UNTIL,
                            "#completed", ClaimItems.COMPLETED))
                    .expressionAttributeValues(Map.of(
                            ":holder", AttributeValue.fromS(next.holder()),
                            ":lease", AttributeValue.fromS(next.leaseUntil().toString()),
                            ":seenHolder", AttributeValue.fromS(seen.holder()),
                            ":seenLease", AttributeValue.fromS(seen.leaseUntil().toString()),
                            ":false", AttributeValue.fromBool(false))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void complete(String key, String holder, String outcome, Instant now) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(ClaimItems.key(key))
                    .updateExpression("SET #completed = :true, #outcome = :outcome, #completedAt = :now")
                    .conditionExpression("#holder = :holder AND #completed = :false")
                    .expressionAttributeNames(Map.of("#completed", ClaimItems.COMPLETED, "#outcome", ClaimItems.OUTCOME,
                            "#completedAt", ClaimItems.COMPLETED_AT, "#holder", ClaimItems.HOLDER))
                    .expressionAttributeValues(Map.of(
                            ":true", AttributeValue.fromBool(true),
                            ":false", AttributeValue.fromBool(false),
                            ":outcome", AttributeValue.fromS(outcome),
                            ":now", AttributeValue.fromS(now.toString()),
                            ":holder", AttributeValue.fromS(holder))));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("claim " + key + " is not held by " + holder, e);
        }
    }

    @Override
    public void release(String key, String holder) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(ClaimItems.key(key))
                    .conditionExpression("#holder = :holder AND #completed = :false")
                    .expressionAttributeNames(Map.of("#holder", ClaimItems.HOLDER, "#completed", ClaimItems.COMPLETED))
                    .expressionAttributeValues(Map.of(":holder", AttributeValue.fromS(holder), ":false", AttributeValue.fromBool(false))));
        } catch (ConditionalCheckFailedException e) {
            // Not ours (taken over, or completed): nothing to give back, as in the port's contract.
        }
    }

    /** One unconditional write: the last note wins, which is what a note of the latest fact wants. */
    @Override
    public void note(String key, String value, Instant now) {
        dynamo.putItem(r -> r.tableName(table).item(ClaimItems.toItem(new State(key, NOTED, now, true, value, now))));
    }

    /** A hundred keys a read ({@link BatchReads}). */
    @Override
    public Map<String, State> states(Collection<String> keys) {
        Map<String, State> states = new HashMap<>();
        for (Map<String, AttributeValue> item : BatchReads.get(dynamo, table, new LinkedHashSet<>(keys).stream().map(ClaimItems::key).toList())) {
            State s = ClaimItems.fromItem(item, table);
            states.put(s.key(), s);
        }
        return states;
    }

    @Override
    public Optional<State> state(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(ClaimItems.key(key)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ClaimItems.fromItem(item, table));
    }
}
