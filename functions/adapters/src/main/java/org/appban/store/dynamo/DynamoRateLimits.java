package org.appban.store.dynamo;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The external APIs' budgets shared by every container of every function: one item per budget in the table
 * RATE_BUDGETS_TABLE, changed only by conditional writes (rate budgets: conditional updates; connection slots:
 * compare-and-set on the version the writer read).
 *
 * <p><b>Rate budgets</b> are token buckets shaped by {@link Budget}, kept as the time the bucket is full again
 * (GCRA): a container takes a batch of permits in one update that never loses to another container's (an atomic
 * ADD; see {@code grant}), reserved ahead when the budget is busy, and may use them only within the budget's lease
 * from their start; what it has not used by then lapses (nothing to give back, so a container that dies holding
 * permits takes nothing with it: the bucket keeps refilling). So the requests of all containers in any span T are at
 * most {@code burst + rate * (T + lease)}, which is the limit for the budget's window ({@link Budget#atMostIn}). The
 * batch follows the container's own pace (what it used in its last lease), never beyond the burst, so a busy budget
 * is many requests per write and few permits lapse. The waits are computed, not polled.
 *
 * <p><b>Connection caps</b> (Jamf Pro's five) are slots with a lease: a holder keeps its slot while it sends,
 * renewing it in one write when less than half the lease is left; a holder that dies loses its slot when the lease
 * runs out, and the next caller takes it.
 *
 * <p>The table is the only place a budget lives: when it cannot be read or written, callers get
 * {@link BudgetUnavailableException} before any request reaches the API. There is no fallback to going unlimited.
 * The clocks of the containers (NTP-synchronised on Lambda) are taken to agree within milliseconds; the stored
 * full-again time never goes backwards, so a clock behind the others' cannot refill a bucket twice.
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

    /**
     * How this container has drawn on one budget so far: its writes to the table (and how many lost to another
     * container's), the permits it was granted, used and let lapse, and the time its callers spent in
     * {@link RateLimit#take} (waiting for a refill, or for the table). For benches and diagnosis: a budget whose
     * permits lapse or whose callers wait on the table rather than on the refill is being wasted.
     */
    public record BucketStats(String label, long writes, long lostWrites, long writeMillis, long granted, long used, long lapsed,
                              long waits, long takeMillis) {
    }

    /** Every budget this container has drawn on, as of now. */
    public List<BucketStats> stats() {
        return buckets.values().stream().map(SharedBucket::stats).toList();
    }

    // --- rate budgets ------------------------------------------------------------------------------------------------

    /** What a grant gave: permits and the moment their lease starts, or how long to wait before asking again. */
    private record Grant(int permits, long at, long waitMillis) {
    }

    private final class SharedBucket implements RateLimit {
        private final Budget budget;
        private final long leaseMillis;
        /** The refill's step: one permit comes back every this many microseconds. */
        private final double microsPerPermit;
        /** The bucket's depth in refill time: a full bucket is this far behind its full-again time. */
        private final long depthMicros;
        /** How far ahead of now a reservation may start (see grant). */
        private final long horizonMillis;
        /** The bucket's full-again time (epoch µs) as this container last saw it: which of the two writes to try first. */
        private long knownTat = Long.MIN_VALUE;
        private int held;
        private int granted;
        private long leaseStart;
        private long leaseEnd;
        /** How long a grant's write takes, on average (ms): a batch is granted for when its answer is expected. */
        private double writeMillis;
        private int usedOfBatch;
        private int batch = 1;
        private long writes, lostWrites, writeMillisTotal, grantedTotal, usedTotal, lapsedTotal, waits, takeNanos;

        SharedBucket(Budget budget) {
            this.budget = budget;
            this.leaseMillis = Math.max(1, budget.lease().toMillis());
            this.microsPerPermit = 1e6 / budget.perSecond();
            this.depthMicros = (long) Math.floor(budget.burst() * microsPerPermit);
            this.horizonMillis = Math.max(leaseMillis, budget.window().toMillis() / 4);
        }

        @Override
        public Budget budget() {
            return budget;
        }

        @Override
        public synchronized void take(Sleeper sleeper) throws InterruptedException {
            long start = System.nanoTime();
            try {
                while (true) {
                    Grant g = useOrGrant();
                    if (g == null) return;
                    waits++;
                    // A reservation's start is exact; a wait for the horizon gets a little jitter, so that containers
                    // held back together do not all write at once.
                    long jitter = g.permits() > 0 ? 0 : ThreadLocalRandom.current().nextLong(1 + g.waitMillis() / 10 + 2);
                    sleeper.sleep(Duration.ofMillis(g.waitMillis() + jitter));
                }
            } finally {
                takeNanos += System.nanoTime() - start;
            }
        }

        synchronized BucketStats stats() {
            return new BucketStats(budget.label(), writes, lostWrites, writeMillisTotal, grantedTotal, usedTotal, lapsedTotal, waits,
                    takeNanos / 1_000_000);
        }

        @Override
        public synchronized boolean takeNow() {
            return useOrGrant() == null;
        }

        /** Uses a held permit, or takes a new batch and uses one of it: null when done, else how long to wait. */
        private Grant useOrGrant() {
            while (true) {
                long now = clock.millis();
                if (held > 0 && now < leaseEnd) {
                    if (now < leaseStart) return new Grant(held, now, leaseStart - now); // reserved from a moment ahead
                    held--;
                    usedOfBatch++;
                    usedTotal++;
                    return null;
                }
                if (granted > 0) {
                    batch = nextBatch(now);
                    lapsedTotal += held;
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

        /**
         * The next batch: what this container uses in one lease, measured on the last one. Permits that lapse are
         * lost to every container (nothing is given back), so the batch follows the container's own pace rather
         * than probing upwards: one used up after {@code d} of its lease (asked for more then) shows a pace of
         * {@code granted / d}, so the next is {@code granted * lease / d}, at most twice the last (one quick moment
         * is not a pace) and never beyond the burst; one that lapsed with permits left shows what was used.
         * (Doubling until a batch lapses and falling back, as this did before, let a third of the permits lapse
         * whenever a container's pace was below the burst per lease: a slow API, a busy machine.)
         */
        private int nextBatch(long now) {
            if (held > 0) return Math.max(1, usedOfBatch);
            long took = Math.max(1, Math.min(now, leaseEnd) - leaseStart);
            long fits = (long) Math.floor(granted * (double) leaseMillis / took);
            return (int) Math.max(1, Math.min(budget.burst(), Math.min(2L * granted, fits)));
        }

        @Override
        public synchronized void drain() {
            held = 0;
            granted = 0;
            // The API says we are over: the bucket is empty now, whatever it held (unless it is emptier still).
            long empty = clock.millis() * 1000 + depthMicros;
            Long tat = update("SET tat = :tat, #lim = :lim, #ws = :ws ADD v :one", "attribute_not_exists(tat) OR tat < :tat",
                    Map.of(":tat", AttributeValue.fromN(Long.toString(empty))));
            if (tat != null) knownTat = tat;
        }

        /**
         * One grant, one write that never loses to another container's. The item holds the bucket as the time it is
         * full again ({@code tat}, epoch µs; GCRA): taking n permits moves it n steps on from itself, or from now
         * when it is already past (the bucket is full). Both are a single conditional update: an atomic ADD while
         * the bucket is not full, a SET from now when it is; the condition only picks between them, so containers
         * writing at once all succeed, one after the other, each getting the next permits in line.
         *
         * <p>When the budget is busy the permits are reserved ahead: they start when the bucket will have had them,
         * {@code tat - depth}, and the caller sleeps until then. Nobody waits for a refill and races for it (which
         * made every container write for the same permits, and all but one lose), and the bucket never fills and
         * overflows while containers are on their way back to the table: the reservations in line cover it. A
         * container reserves one batch at a time; a start beyond the horizon (a quarter of the window: far more than
         * one batch from every container in line) means waiting before writing. What a dead container reserved
         * lapses with its lease; the bucket keeps refilling, so nothing is held forever.
         *
         * <p>The bound is the token bucket's: permits whose leases start in any span S are at most
         * {@code burst + perSecond * S}, so the requests in any span T are at most {@link Budget#atMostIn}(T).
         */
        private Grant grant(int wanted) {
            int n = Math.max(1, Math.min(wanted, budget.burst()));
            long cost = (long) Math.ceil(n * microsPerPermit);
            Boolean add = null; // which update: decided on the first round, the other one after a failed one
            for (int round = 0; round < MAX_ROUNDS; round++) {
                long now = clock.millis();
                if (knownTat != Long.MIN_VALUE) {
                    long nextStart = Math.floorDiv(knownTat - depthMicros, 1000);
                    if (nextStart - now > horizonMillis) return new Grant(0, now, nextStart - now - horizonMillis);
                }
                // Granted for when the write's answer is expected, so the lease is not spent waiting for the table.
                long t = (now + Math.round(writeMillis)) * 1000;
                Map<String, AttributeValue> values = Map.of(":t", AttributeValue.fromN(Long.toString(t)),
                        ":cost", AttributeValue.fromN(Long.toString(cost)));
                Long tat;
                // The ADD unless the bucket was last seen full a while ago: while a budget is busy this container's
                // last sight of it is mostly behind (its own grant, a lease ago), and the ADD is right anyway.
                if (add == null) add = knownTat == Long.MIN_VALUE || knownTat + depthMicros + leaseMillis * 1000 >= t;
                if (add) {
                    tat = update("SET #lim = :lim, #ws = :ws ADD tat :cost, v :one", "tat >= :t", values);
                } else {
                    tat = update("SET tat = :from, #lim = :lim, #ws = :ws ADD v :one", "attribute_not_exists(tat) OR tat < :t",
                            Map.of(":t", values.get(":t"), ":from", AttributeValue.fromN(Long.toString(t + cost))));
                }
                long took = clock.millis() - now;
                writeMillis = writeMillis == 0 ? took : 0.8 * writeMillis + 0.2 * took;
                writes++;
                writeMillisTotal += took;
                if (tat == null) {
                    lostWrites++; // the bucket was full (or busy), not as last seen: the other update, on what it is now
                    add = !add;
                    continue;
                }
                knownTat = tat;
                grantedTotal += n;
                long start = Math.max(t / 1000, Math.floorDiv(tat - depthMicros + 999, 1000));
                return new Grant(n, start, 0);
            }
            return new Grant(0, clock.millis(), ThreadLocalRandom.current().nextLong(50, 200));
        }

        /**
         * Updates the bucket's item if {@code condition} holds: its {@code tat} after the update, or null when the
         * condition failed (then {@link #knownTat} is the item's as it is).
         */
        private Long update(String expression, String condition, Map<String, AttributeValue> values) {
            Map<String, AttributeValue> all = new HashMap<>(values);
            all.put(":one", AttributeValue.fromN("1"));
            all.put(":lim", AttributeValue.fromN(Integer.toString(budget.limit())));
            all.put(":ws", AttributeValue.fromN(Double.toString(budget.window().toMillis() / 1000.0)));
            try {
                var r = call(budget.label(), () -> dynamo.updateItem(b -> b.tableName(table).key(Map.of(KEY, AttributeValue.fromS(budget.key())))
                        .updateExpression(expression).conditionExpression(condition)
                        .expressionAttributeNames(Map.of("#lim", "limit", "#ws", "windowSeconds")).expressionAttributeValues(all)
                        .returnValues(ReturnValue.UPDATED_NEW).returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
                return Long.parseLong(r.attributes().get("tat").n());
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> old = e.hasItem() ? e.item() : Map.of();
                knownTat = old.containsKey("tat") ? Long.parseLong(old.get("tat").n()) : 0; // no item yet: a full bucket
                return null;
            }
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
