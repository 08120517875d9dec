package org.appban.store.dynamo;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.appban.remote.Budget;
import org.appban.remote.ConnectionLimit;
import org.appban.remote.RateLimit;
import org.appban.remote.RateLimits;
import org.appban.remote.Sleeper;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The external APIs' budgets shared by every container of every function: one item per budget in the table
 * RATE_BUDGETS_TABLE, changed only by conditional writes on the version the writer read (compare-and-set).
 *
 * <p><b>Rate budgets</b> are token buckets shaped by {@link Budget}: a container takes a batch of permits in one
 * write and may use them only within the budget's lease, which starts when the write is expected to have come back;
 * what it has not used by then lapses (nothing to give back, so a container that dies holding permits takes nothing
 * with it: the bucket keeps refilling). So the requests of all containers in any span T are at most
 * {@code burst + rate * (T + lease)}, which is the limit for the budget's window ({@link Budget#atMostIn}). The batch
 * follows demand: it doubles while a batch is used up within its lease and falls back to what was used when one
 * lapses, never beyond the burst; a grant waits for its batch (up to half the bucket) rather than taking single
 * permits as they come back, so a busy budget is still many requests per write. The wait is computed, not polled.
 *
 * <p><b>Connection caps</b> (Jamf Pro's five) are slots with a lease: a holder keeps its slot while it sends,
 * renewing it in one write when less than half the lease is left; a holder that dies loses its slot when the lease
 * runs out, and the next caller takes it.
 *
 * <p>The table is the only place a budget lives: when it cannot be read or written, callers get
 * {@link BudgetUnavailableException} before any request reaches the API. There is no fallback to going unlimited.
 * The clocks of the containers (NTP-synchronised on Lambda) are taken to agree within milliseconds; the stored refill
 * time never goes backwards, so a clock behind the others' cannot refill a bucket twice.
 */
public final class DynamoRateLimits implements RateLimits {
    static final String KEY = "budget";
    private static final int MAX_ROUNDS = 50;

    /** Thrown before calling an API whose budget cannot be reached: the call is not made. */
    public static final class BudgetUnavailableException extends IllegalStateException {
        public BudgetUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final java.util.function.Supplier<String> holderName;
    private volatile String holder;
    private final Duration slotLease;
    private final Map<Budget, SharedBucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, SharedSlots> slots = new ConcurrentHashMap<>();

    /** @param holder this container's name in connection slots (unique per container) */
    public DynamoRateLimits(DynamoDbClient dynamo, String table, Clock clock, String holder, Duration slotLease) {
        this(dynamo, table, clock, () -> holder, slotLease);
    }

    private DynamoRateLimits(DynamoDbClient dynamo, String table, Clock clock, java.util.function.Supplier<String> holderName, Duration slotLease) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.holderName = holderName;
        this.slotLease = slotLease;
    }

    /**
     * A container's limits: slots leased for a minute (three times a request's timeout), under a random name drawn
     * when the container first takes a slot, not when it is built: containers restored from one SnapStart snapshot
     * must not share a name.
     */
    public static DynamoRateLimits forContainer(DynamoDbClient dynamo, String table, Clock clock) {
        return new DynamoRateLimits(dynamo, table, clock, () -> UUID.randomUUID().toString(), Duration.ofSeconds(60));
    }

    private String holder() {
        String h = holder;
        if (h == null) {
            synchronized (this) {
                if (holder == null) holder = holderName.get();
                h = holder;
            }
        }
        return h;
    }

    @Override
    public RateLimit limit(Budget budget) {
        return buckets.computeIfAbsent(budget, SharedBucket::new);
    }

    @Override
    public ConnectionLimit connections(String key, int cap) {
        return slots.computeIfAbsent(key, k -> new SharedSlots(key, cap));
    }

    // --- rate budgets ------------------------------------------------------------------------------------------------

    /** The stored state of a bucket: permits left (may be below zero after a 429), as of {@code at} (epoch ms). */
    private record BucketState(boolean exists, double tokens, long at, long version) {
    }

    /** What a grant round gave: permits and when, or how long until enough are there. */
    private record Grant(int permits, long at, long waitMillis) {
    }

    private final class SharedBucket implements RateLimit {
        private final Budget budget;
        private final long leaseMillis;
        private final double perMilli;
        /** The item as this container last wrote or saw it: tried first, so that an uncontended grant is one write. */
        private BucketState known;
        private int held;
        private int granted;
        private long leaseStart;
        private long leaseEnd;
        /** How long a grant's write takes, on average (ms): a batch is granted for when its answer is expected. */
        private double writeMillis;
        private int usedOfBatch;
        private int batch = 1;

        SharedBucket(Budget budget) {
            this.budget = budget;
            this.leaseMillis = Math.max(1, budget.lease().toMillis());
            this.perMilli = budget.perSecond() / 1000.0;
        }

        @Override
        public Budget budget() {
            return budget;
        }

        @Override
        public synchronized void take(Sleeper sleeper) throws InterruptedException {
            while (true) {
                Grant g = useOrGrant();
                if (g == null) return;
                // A little jitter, so that containers waiting for the same refill do not all write at once.
                sleeper.sleep(Duration.ofMillis(g.waitMillis() + ThreadLocalRandom.current().nextLong(1 + g.waitMillis() / 10 + 2)));
            }
        }

        @Override
        public synchronized boolean takeNow() {
            return useOrGrant() == null;
        }

        /** Uses a held permit, or takes a new batch and uses one of it: null when done, else the wait for a refill. */
        private Grant useOrGrant() {
            while (true) {
                long now = clock.millis();
                if (held > 0 && now < leaseEnd) {
                    if (now < leaseStart) return new Grant(0, now, leaseStart - now); // granted from a moment ahead
                    held--;
                    usedOfBatch++;
                    return null;
                }
                if (granted > 0) {
                    // Size the next batch from how the last one went: used up within its lease, ask for twice as
                    // many; lapsed with permits left, ask for what was used.
                    batch = held == 0 ? Math.min(budget.burst(), granted * 2) : Math.max(1, usedOfBatch);
                    granted = 0;
                    held = 0;
                }
                Grant g = grant(batch);
                if (g.permits() == 0) return g;
                granted = g.permits();
                held = granted;
                usedOfBatch = 0;
                leaseStart = g.at();
                leaseEnd = g.at() + leaseMillis;
            }
        }

        @Override
        public synchronized void drain() {
            held = 0;
            BucketState s = known != null ? known : read(budget.key());
            for (int round = 0; round < MAX_ROUNDS; round++) {
                long t = Math.max(clock.millis(), s.at());
                if (refilled(s, t) <= 0) return;
                BucketState after = new BucketState(true, 0, t, s.version() + 1);
                Map<String, AttributeValue> current = write(budget.key(), s, after);
                if (current == null) {
                    known = after;
                    return;
                }
                s = state(current);
            }
        }

        private double refilled(BucketState s, long t) {
            if (!s.exists()) return budget.burst();
            return Math.min(budget.burst(), s.tokens() + (t - s.at()) * perMilli);
        }

        /**
         * One grant: permits for a lease that starts when the grant's write is expected to have come back (its
         * average time so far): the bucket is refilled up to that moment and its time set to it, so the lease is
         * not spent waiting for the table's answer, and nobody can use the same refill twice. Tried on the state
         * this container last saw (one conditional write when nobody else wrote meanwhile); a lost write hands back
         * the current item, and the grant is computed again on it.
         */
        private Grant grant(int wanted) {
            BucketState s = known != null ? known : read(budget.key());
            for (int round = 0; round < MAX_ROUNDS; round++) {
                long now = clock.millis();
                long t = Math.max(now + Math.round(writeMillis), s.at());
                double tokens = refilled(s, t);
                // The batch, or half the bucket: taking whatever single permit has come back would make every
                // container write for each request when the budget is busy; waiting for more than half the bucket
                // would let it overflow while everyone waits.
                double need = Math.max(1, Math.min(wanted, budget.burst() / 2));
                if (tokens < need) {
                    // (A state older than the table's only overstates what is left: the wait is never too long, and
                    // a write on it fails and brings the current state.)
                    return new Grant(0, now, (long) Math.ceil((need - tokens) / perMilli) + (t - now));
                }
                int permits = (int) Math.min(wanted, Math.floor(tokens));
                BucketState after = new BucketState(true, tokens - permits, t, s.version() + 1);
                Map<String, AttributeValue> current = write(budget.key(), s, after);
                long took = clock.millis() - now;
                writeMillis = writeMillis == 0 ? took : 0.8 * writeMillis + 0.2 * took;
                if (current == null) {
                    known = after;
                    return new Grant(permits, t, 0);
                }
                s = state(current); // another container wrote meanwhile
                known = s;
                if (round >= 1) {
                    // Lost twice in a row: many containers want this budget at once. Step aside for a moment (random,
                    // growing with the losses) rather than hammering the item; the caller waits and comes back.
                    return new Grant(0, now, ThreadLocalRandom.current().nextLong(5, 20L * (round + 1)));
                }
            }
            return new Grant(0, clock.millis(), ThreadLocalRandom.current().nextLong(50, 200));
        }

        private BucketState read(String key) {
            GetItemResponse r = call(budget.label(), () -> dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of(KEY, AttributeValue.fromS(key)))));
            return state(r.hasItem() ? r.item() : Map.of());
        }

        private BucketState state(Map<String, AttributeValue> i) {
            if (i == null || i.isEmpty() || !i.containsKey("v")) return new BucketState(false, 0, 0, 0);
            return new BucketState(true, Double.parseDouble(i.get("tokens").n()), Long.parseLong(i.get("at").n()), Long.parseLong(i.get("v").n()));
        }

        /** Writes {@code after} if the item is still {@code seen}: null when written, else the item as it is now. */
        private Map<String, AttributeValue> write(String key, BucketState seen, BucketState after) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(KEY, AttributeValue.fromS(key));
            item.put("tokens", AttributeValue.fromN(Double.toString(after.tokens())));
            item.put("at", AttributeValue.fromN(Long.toString(after.at())));
            item.put("v", AttributeValue.fromN(Long.toString(after.version())));
            item.put("limit", AttributeValue.fromN(Integer.toString(budget.limit())));
            item.put("windowSeconds", AttributeValue.fromN(Double.toString(budget.window().toMillis() / 1000.0)));
            Map<String, AttributeValue> current = conditionalPut(budget.label(), item, seen.exists(), seen.version());
            // A table that does not hand back the item with the failure: read it.
            return current != null && current.isEmpty() ? asItem(read(key)) : current;
        }

        private Map<String, AttributeValue> asItem(BucketState s) {
            if (!s.exists()) return Map.of(KEY, AttributeValue.fromS(budget.key()));
            return Map.of("tokens", AttributeValue.fromN(Double.toString(s.tokens())), "at", AttributeValue.fromN(Long.toString(s.at())),
                    "v", AttributeValue.fromN(Long.toString(s.version())));
        }
    }

    // --- connection caps ---------------------------------------------------------------------------------------------

    private final class SharedSlots implements ConnectionLimit {
        private final String key;
        private final int cap;
        /** One request at a time through this container's slot. */
        private final ReentrantLock inFlight = new ReentrantLock(true);
        private long slotUntil;

        SharedSlots(String key, int cap) {
            this.key = key;
            this.cap = cap;
        }

        @Override
        public void enter(Sleeper sleeper) throws InterruptedException {
            inFlight.lockInterruptibly();
            try {
                while (clock.millis() + slotLease.toMillis() / 2 > slotUntil) {
                    long wait = takeOrRenew();
                    if (wait == 0) break;
                    sleeper.sleep(Duration.ofMillis(wait + ThreadLocalRandom.current().nextLong(1 + wait / 10 + 2)));
                }
            } catch (RuntimeException | InterruptedException e) {
                inFlight.unlock();
                throw e;
            }
        }

        @Override
        public void exit() {
            inFlight.unlock();
        }

        /** Takes a slot or renews ours; 0 when held, else how long until the first other holder's lease runs out. */
        private long takeOrRenew() {
            String holder = holder();
            for (int round = 0; round < MAX_ROUNDS; round++) {
                GetItemResponse r = call(key, () -> dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                        .key(Map.of(KEY, AttributeValue.fromS(key)))));
                boolean exists = r.hasItem() && !r.item().isEmpty();
                long version = exists ? Long.parseLong(r.item().get("v").n()) : 0;
                long now = clock.millis();
                Map<String, AttributeValue> live = new HashMap<>();
                long firstExpiry = Long.MAX_VALUE;
                if (exists && r.item().containsKey("holders")) {
                    for (var h : r.item().get("holders").m().entrySet()) {
                        long until = Long.parseLong(h.getValue().n());
                        if (until <= now || h.getKey().equals(holder)) continue; // lapsed (a dead holder's comes back), or ours
                        live.put(h.getKey(), h.getValue());
                        firstExpiry = Math.min(firstExpiry, until);
                    }
                }
                if (live.size() >= cap) return Math.max(1, firstExpiry - now);
                long until = now + slotLease.toMillis();
                live.put(holder, AttributeValue.fromN(Long.toString(until)));
                Map<String, AttributeValue> item = new HashMap<>();
                item.put(KEY, AttributeValue.fromS(key));
                item.put("holders", AttributeValue.fromM(live));
                item.put("cap", AttributeValue.fromN(Integer.toString(cap)));
                item.put("v", AttributeValue.fromN(Long.toString(version + 1)));
                if (conditionalPut(key, item, exists, version) == null) {
                    slotUntil = until;
                    return 0;
                }
            }
            throw new BudgetUnavailableException("connection slots " + key + ": still contended after " + MAX_ROUNDS
                    + " rounds in table " + table + "; not calling the API without one", null);
        }
    }

    // --- the table ---------------------------------------------------------------------------------------------------

    /**
     * Puts {@code item} if the stored one is still at {@code version} (or absent, when {@code exists} is false): null
     * when it was written, else the item as it is now (empty when the table did not say).
     */
    private Map<String, AttributeValue> conditionalPut(String what, Map<String, AttributeValue> item, boolean exists, long version) {
        try {
            call(what, () -> dynamo.putItem(b -> {
                b.tableName(table).item(item).returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                if (exists) {
                    b.conditionExpression("#v = :v").expressionAttributeNames(Map.of("#v", "v"))
                            .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(version))));
                } else {
                    b.conditionExpression("attribute_not_exists(#k)").expressionAttributeNames(Map.of("#k", KEY));
                }
            }));
            return null;
        } catch (ConditionalCheckFailedException e) {
            return e.hasItem() ? e.item() : Map.of();
        }
    }

    private <T> T call(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw new BudgetUnavailableException("the shared budget '" + what + "' cannot be reached in table " + table + " ("
                    + e.getClass().getSimpleName() + "): not calling the API without it", e);
        }
    }
}
