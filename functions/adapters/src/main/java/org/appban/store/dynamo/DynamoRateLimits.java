package org.appban.store.dynamo;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * increment; see {@code grant}), reserved ahead when the budget is busy, and may use them only within the budget's lease
 * from their start; what it has not used by then lapses (nothing goes back to the table, so a container that dies
 * holding permits takes nothing with it: the bucket keeps refilling). So the requests of all containers in any span T are at
 * most {@code burst + rate * (T + lease)}, which is the limit for the budget's window ({@link Budget#atMostIn}). The
 * batch follows the container's own pace, never beyond the burst, so a busy budget is many requests per write and
 * few permits lapse; a new container's first permit comes at once, its share among those that drew on the budget
 * lately right behind it. The next batch is asked for ahead, in the background, timed by the pace to arrive as the
 * current one runs out, so a container with work does not stop for the table's round trip ({@link BatchPacing}
 * decides sizes and moments). The waits are computed, not polled.
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
    private final Prefetcher prefetcher;
    private final Map<Budget, SharedBucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, SharedSlots> slots = new ConcurrentHashMap<>();

    /** Runs a batch's request ahead of need after a delay, off the caller's thread (tests run it on their clock). */
    interface Prefetcher {
        void later(Runnable ask, long delayMillis);

        /**
         * Two daemon threads, started at the first prefetch and gone after half a minute without one: nothing runs
         * before a SnapStart snapshot, and an idle container keeps no thread.
         */
        static Prefetcher background() {
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
                Thread t = new Thread(r, "budget-prefetch");
                t.setDaemon(true);
                return t;
            });
            pool.setKeepAliveTime(30, TimeUnit.SECONDS);
            pool.allowCoreThreadTimeOut(true);
            return (ask, delayMillis) -> pool.schedule(ask, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** @param holder this container's name in connection slots and among a budget's drawers (unique per container) */
    public DynamoRateLimits(DynamoDbClient dynamo, String table, Clock clock, String holder, Duration slotLease) {
        this(dynamo, table, clock, () -> holder, slotLease, Prefetcher.background());
    }

    /** With the prefetches run by {@code prefetcher} (a test's, on its clock). */
    DynamoRateLimits(DynamoDbClient dynamo, String table, Clock clock, String holder, Duration slotLease, Prefetcher prefetcher) {
        this(dynamo, table, clock, () -> holder, slotLease, prefetcher);
    }

    private DynamoRateLimits(DynamoDbClient dynamo, String table, Clock clock, java.util.function.Supplier<String> holderName, Duration slotLease,
                             Prefetcher prefetcher) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.holderName = holderName;
        this.slotLease = slotLease;
        this.prefetcher = prefetcher;
    }

    /**
     * A container's limits: slots leased for a minute (three times a request's timeout), under a random name drawn
     * when the container first takes a slot, not when it is built: containers restored from one SnapStart snapshot
     * must not share a name.
     */
    public static DynamoRateLimits forContainer(DynamoDbClient dynamo, String table, Clock clock) {
        return new DynamoRateLimits(dynamo, table, clock, () -> UUID.randomUUID().toString(), Duration.ofSeconds(60), Prefetcher.background());
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
     * {@link RateLimit#take} (waiting for a refill, or for the table), the batches it asked for ahead of need, and
     * how often and how long its callers waited on the table itself (a batch not there yet when the last one ran out;
     * the first batch always is). For benches and diagnosis: a budget whose
     * permits lapse or whose callers wait on the table rather than on the refill is being wasted.
     */
    public record BucketStats(String label, long writes, long lostWrites, long writeMillis, long granted, long used, long lapsed,
                              long waits, long takeMillis, long prefetched, long tableWaits, long tableMillis) {
    }

    /** Every budget this container has drawn on, as of now. */
    public List<BucketStats> stats() {
        return buckets.values().stream().map(SharedBucket::stats).toList();
    }

    /**
     * One of a container's first grants of a budget, for diagnosing how a container starts: when it was asked for
     * and answered (epoch ms), the permits and the moment their lease starts, the writes it took (and how many
     * lost), whether it was asked for ahead of need, and whether it found the bucket full (its refill running over).
     */
    public record EarlyGrant(long askedAt, long answeredAt, int permits, long leaseStart, int writes, int lost, boolean ahead,
                             boolean foundFull) {
    }

    /**
     * How a container started on a budget: its first take (epoch ms), its first permit, its first grants, and the
     * refill it saw run over: the time the bucket had been full when this container's grant found it so (the
     * permits of that time were lost to everyone), summed, and how many grants found it full.
     */
    public record BucketStart(String label, long firstTakeAt, long firstPermitAt, List<EarlyGrant> grants, long fullMillis, int fullGrants) {
    }

    /** How this container started on every budget it has drawn on (benches and diagnosis). */
    public List<BucketStart> starts() {
        return buckets.values().stream().map(SharedBucket::start).toList();
    }

    // --- rate budgets ------------------------------------------------------------------------------------------------

    /**
     * What a grant gave: permits and the moment their lease starts, or how long to wait before asking again; and
     * whether the bucket had room (the permits start when asked for: no reservations ahead of them).
     */
    private record Grant(int permits, long at, long waitMillis, boolean room) {
        Grant(int permits, long at, long waitMillis) {
            this(permits, at, waitMillis, false);
        }
    }

    /**
     * A batch asked for ahead of need (see {@code prefetch}): scheduled, then in flight, then answered. Whoever sets
     * {@code started} first does the asking: the prefetch when its moment comes, or the caller when it needs the
     * batch sooner (then the prefetch, when its moment comes, does nothing). So there is one grant at a time per
     * budget and container, and the table-side fields of a bucket are only ever written by that one.
     */
    private static final class Ahead {
        final AtomicBoolean started = new AtomicBoolean();
        final CompletableFuture<Grant> answer = new CompletableFuture<>();
        final int permits;
        /** When it is to be asked for (epoch ms). */
        final long askAt;

        Ahead(int permits, long askAt) {
            this.permits = permits;
            this.askAt = askAt;
        }
    }

    private final class SharedBucket implements RateLimit {
        private final Budget budget;
        private final long leaseMillis;
        private final long windowMillis;
        /** The refill's step: one permit comes back every this many microseconds. */
        private final double microsPerPermit;
        /** The bucket's depth in refill time: a full bucket is this far behind its full-again time. */
        private final long depthMicros;
        /** How far ahead of now a reservation may start (see grant). */
        private final long horizonMillis;
        // The table side, written by the one grant under way (the caller's or a prefetch's: see Ahead).
        /** The bucket's full-again time (epoch µs) as this container last saw it: which of the two writes to try first. */
        private volatile long knownTat = Long.MIN_VALUE;
        /** How long a grant's write takes, on average (ms): a batch is granted for when its answer is expected. */
        private volatile double writeMillis;
        /** How many containers drew on this budget lately (this one included), as the item said at the first grant. */
        private volatile int drawers;
        /** When the item last told {@link #drawers} (epoch ms). */
        private volatile long drawersSeenAt;
        /** The drawers sets of windows before the last that the item last showed: the next grant removes them. */
        private volatile List<String> staleDrawers = List.of();
        private volatile long writes, lostWrites, writeMillisTotal, grantedTotal, prefetched;
        // The caller side, under the bucket's lock.
        private int held;
        private int granted;
        private long leaseStart;
        private long leaseEnd;
        private int usedOfBatch;
        /** The next batch's size; 0 before the first grant (see shareAhead). */
        private int batch;
        /** Whether the batch held found the bucket with room (see BatchPacing.nextBatch). */
        private boolean room;
        /** Which batch the held permits belong to, and which one each caller's last permit came from (giveBack). */
        private long batchSeq;
        private final ThreadLocal<long[]> takenFrom = ThreadLocal.withInitial(() -> new long[]{-1});
        /**
         * This container's pace on this budget: the moving average of the time its callers spend between taking a
         * permit and asking for the next (ms; -1: not known yet). Time spent in take itself is left out: a container
         * held up by the table or the budget would otherwise look slow and ask for its batches later still.
         */
        private double interval = -1;
        /** When the last permit was handed out, and when the caller now in take asked. */
        private long lastTake = Long.MIN_VALUE;
        private long askedAt;
        private Ahead ahead;
        private long usedTotal, lapsedTotal, waits, takeNanos, tableWaits, tableNanos;
        // How the container started (diagnosis only): the first take and permit, the first grants, the overflow seen.
        private static final int EARLY = 12;
        private final List<EarlyGrant> early = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        private volatile long firstTakeAt = -1, firstPermitAt = -1;
        private volatile long fullMillis;
        private volatile int fullGrants;

        SharedBucket(Budget budget) {
            this.budget = budget;
            this.leaseMillis = Math.max(1, budget.lease().toMillis());
            this.windowMillis = Math.max(1, budget.window().toMillis());
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
            askedAt = clock.millis();
            if (firstTakeAt < 0) firstTakeAt = askedAt;
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
            // Permits whose lease has run out are lapsed whether or not this container came back for more: a batch
            // held or asked for ahead when the work stopped counts here, not only when the next take finds it.
            long now = clock.millis();
            long lapsed = lapsedTotal + (granted > 0 && now >= leaseEnd ? held : 0);
            Ahead a = ahead;
            if (a != null && a.answer.isDone() && !a.answer.isCompletedExceptionally()) {
                Grant g = a.answer.join();
                if (g.permits() > 0 && now >= g.at() + leaseMillis) lapsed += g.permits();
            }
            return new BucketStats(budget.label(), writes, lostWrites, writeMillisTotal, grantedTotal, usedTotal, lapsed, waits,
                    takeNanos / 1_000_000, prefetched, tableWaits, tableNanos / 1_000_000);
        }

        synchronized BucketStart start() {
            return new BucketStart(budget.label(), firstTakeAt, firstPermitAt, List.copyOf(early), fullMillis, fullGrants);
        }

        @Override
        public synchronized boolean takeNow() {
            askedAt = clock.millis();
            if (firstTakeAt < 0) firstTakeAt = askedAt;
            return useOrGrant() == null;
        }

        @Override
        public synchronized void giveBack() {
            // Only a permit of the batch still held, within its lease, taken by this caller: it goes back as if never
            // taken (nothing was sent on it), so the batch hands out no more than it was granted.
            long[] from = takenFrom.get();
            if (from[0] != batchSeq || held >= granted || clock.millis() >= leaseEnd) return;
            from[0] = -1;
            held++;
            usedOfBatch--;
            usedTotal--;
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
                    takenFrom.get()[0] = batchSeq;
                    if (firstPermitAt < 0) firstPermitAt = now;
                    prefetch(now);
                    return null;
                }
                if (granted > 0) {
                    batch = BatchPacing.nextBatch(budget.burst(), leaseMillis, granted, granted - held,
                            Math.min(now, leaseEnd) - leaseStart, room);
                    lapsedTotal += held;
                    granted = 0;
                    held = 0;
                }
                boolean first = batch == 0;
                if (first) batch = 1;
                Grant g = next();
                if (g.permits() == 0) return g;
                granted = g.permits();
                room = g.room();
                held = granted;
                usedOfBatch = 0;
                batchSeq++;
                leaseStart = g.at();
                leaseEnd = g.at() + leaseMillis;
                if (first) shareAhead(now);
            }
        }

        /**
         * After the first grant (one permit, at once: a single webhook's request needs no more): this container's
         * share of the bucket among those that drew on the budget in this window and the last, as the item named
         * them in answer to that grant, asked for ahead at once when it is more than one, so the container starts
         * at its share without waiting for its pace to show. A share of one is what the pace would ask for anyway,
         * a take later: asking for it at once only adds a write when every container starts together (which on
         * the bench's emulator, one process for every container's writes, delays every first permit). Alone, the
         * pace sizes the next batch.
         */
        private void shareAhead(long now) {
            batch = BatchPacing.firstBatch(budget.burst(), drawers);
            if (batch > 1) ask(batch, now, now);
        }

        /**
         * The next batch: the one asked for ahead if there is one (waiting for its answer if it is still on its way),
         * else one asked for now. Time spent here is time the caller waited on the table, not on the budget.
         */
        private Grant next() {
            long t0 = System.nanoTime();
            try {
                Ahead a = ahead;
                ahead = null;
                if (a != null && !a.started.compareAndSet(false, true)) {
                    if (!a.answer.isDone()) tableWaits++;
                    try {
                        return a.answer.join();
                    } catch (CompletionException e) {
                        if (e.getCause() instanceof RuntimeException r) throw r;
                        throw e;
                    }
                }
                tableWaits++;
                return grant(batch, false);
            } finally {
                tableNanos += System.nanoTime() - t0;
            }
        }

        /**
         * Asks for the next batch ahead of need, so that it is there when this one runs out and the caller does not
         * wait on the table while it has work: at this container's pace (its callers' time between a permit and the
         * next ask), the moment it
         * will want a permit this batch cannot give, less a write's time and a margin. Not before the pace is known
         * (a second take), and one batch ahead at most: a batch asked for ahead that the container does not come
         * back for lapses, so it is sized by the pace too (what the container takes in one lease). The bound is
         * untouched: the batch is granted from the one bucket like any other.
         */
        private void prefetch(long now) {
            if (lastTake != Long.MIN_VALUE) interval = BatchPacing.interval(interval, askedAt - lastTake, windowMillis);
            lastTake = now;
            if (interval < 0) return;
            long askAt = Math.max(now, BatchPacing.askAt(BatchPacing.neededAt(now, held, leaseEnd, interval), writeMillis));
            if (ahead != null) {
                // One ahead at most; one planned for later than the pace now says is asked for sooner instead.
                if (ahead.askAt <= askAt || !ahead.started.compareAndSet(false, true)) return;
            }
            ask(BatchPacing.aheadBatch(budget.burst(), leaseMillis, granted, interval, room), askAt, now);
        }

        /** Has {@code permits} asked for ahead at {@code askAt}, off the caller's thread. */
        private void ask(int permits, long askAt, long now) {
            Ahead a = new Ahead(permits, askAt);
            ahead = a;
            long delay = askAt - now;
            prefetcher.later(() -> {
                if (!a.started.compareAndSet(false, true)) return; // the caller needed it sooner and asked itself
                try {
                    Grant g = grant(a.permits, true);
                    if (g.permits() > 0) prefetched++;
                    a.answer.complete(g);
                } catch (RuntimeException | Error e) {
                    a.answer.completeExceptionally(e);
                }
            }, delay);
        }

        /**
         * Counts the containers the item names as drawing in this window and the last (this one among them), and
         * notes the sets of older windows for the next grant to remove.
         */
        private void see(Map<String, AttributeValue> item, long now) {
            long epoch = Math.floorDiv(now, windowMillis);
            Set<String> names = new HashSet<>();
            List<String> old = new java.util.ArrayList<>();
            for (var e : item.entrySet()) {
                long of = drawersEpoch(e.getKey());
                if (of == Long.MIN_VALUE) continue;
                if (of == epoch || of == epoch - 1) {
                    if (e.getValue().hasSs()) names.addAll(e.getValue().ss());
                } else if (of < epoch - 1) {
                    old.add(e.getKey());
                }
            }
            names.add(drawerName());
            drawers = names.size();
            drawersSeenAt = now;
            staleDrawers = List.copyOf(old);
        }

        /** This container's name among a budget's drawers: short, since every grant writes it. */
        private String drawerName() {
            return Integer.toHexString(holder().hashCode());
        }

        /**
         * The item's set of the containers that drew in the window {@code epoch}, named by the window itself: sets
         * named in turn by the window's number modulo three counted, after a quiet spell, names from windows long
         * gone as drawing now, whenever nobody drew in the window before to clear them (then a new container took a
         * share of the burst and the busy update first, on a full bucket it was alone on).
         */
        private String drawersAttribute(long epoch) {
            return "d" + epoch;
        }

        /** The window a drawers set is named for, or Long.MIN_VALUE when {@code attribute} is not one. */
        private static long drawersEpoch(String attribute) {
            if (attribute.length() < 2 || attribute.charAt(0) != 'd') return Long.MIN_VALUE;
            for (int i = 1; i < attribute.length(); i++) if (!Character.isDigit(attribute.charAt(i))) return Long.MIN_VALUE;
            try {
                return Long.parseLong(attribute.substring(1));
            } catch (NumberFormatException e) {
                return Long.MIN_VALUE;
            }
        }

        /**
         * What a grant in the window {@code epoch} removes: the sets of the two windows before the last (so a budget
         * drawn on steadily keeps at most three), and any older one the item last showed (so it does not grow with
         * quiet spells either).
         */
        private String removedDrawers(long epoch) {
            Set<String> removed = new java.util.LinkedHashSet<>(List.of(drawersAttribute(epoch - 2), drawersAttribute(epoch - 3)));
            for (String stale : staleDrawers) {
                long of = drawersEpoch(stale);
                if (of < epoch - 1 && removed.size() < 8) removed.add(stale);
            }
            return String.join(", ", removed);
        }

        @Override
        public synchronized void drain() {
            held = 0;
            granted = 0;
            Ahead a = ahead; // asked for before the API said we are over: let it lapse, and ask anew from the empty bucket
            ahead = null;
            if (a != null && !a.started.compareAndSet(false, true)) {
                try {
                    Grant g = a.answer.join();
                    lapsedTotal += g.permits();
                } catch (CompletionException e) {
                    // the table could not be reached for it; the update below says so if it still cannot
                }
            }
            // The API says we are over: the bucket is empty now, whatever it held (unless it is emptier still).
            long empty = clock.millis() * 1000 + depthMicros;
            Long tat = update("SET tat = :tat, #lim = :lim, #ws = :ws ADD v :one", "attribute_not_exists(tat) OR tat < :tat",
                    Map.of(":tat", AttributeValue.fromN(Long.toString(empty))));
            if (tat != null) knownTat = tat;
        }

        /**
         * One grant, one write that never loses to another container's. The item holds the bucket as the time it is
         * full again ({@code tat}, epoch µs; GCRA): taking n permits moves it n steps on from itself, or from now
         * when it is already past (the bucket is full). Both are a single conditional update: an atomic increment
         * while the bucket is not full (or not there yet: it is created full), a SET from now when it is; the
         * condition only picks between them, so containers writing at once on a busy or a new bucket all succeed,
         * one after the other, each getting the next permits in line. On a full bucket exactly one update from now
         * can win, and the others, having lost it, take the increment (a conditional write has no max()).
         *
         * <p>When the budget is busy the permits are reserved ahead: they start when the bucket will have had them,
         * {@code tat - depth}, and the caller sleeps until then. Nobody waits for a refill and races for it (which
         * made every container write for the same permits, and all but one lose), and the bucket never fills and
         * overflows while containers are on their way back to the table: the reservations in line cover it. A
         * container reserves at most one batch ahead of the one it uses; a start beyond the horizon (a quarter of
         * the window: far more than a batch from every container in line) means waiting before writing. What a dead
         * container reserved lapses with its lease; the bucket keeps refilling, so nothing is held forever.
         *
         * <p>Each grant also puts this container's name in the item's set of this window's drawers (and removes the
         * sets of older windows), and reads the whole item back (a few hundred bytes): who draws on it lately
         * sizes a new container's first batches and tells which update to try first.
         *
         * <p>The bound is the token bucket's: permits whose leases start in any span S are at most
         * {@code burst + perSecond * S}, so the requests in any span T are at most {@link Budget#atMostIn}(T).
         */
        private Grant grant(int wanted, boolean ahead) {
            int n = Math.max(1, Math.min(wanted, budget.burst()));
            long cost = (long) Math.ceil(n * microsPerPermit);
            Boolean add = null; // which update: decided on the first round, the other one after a failed one
            long askedAt = clock.millis();
            int lost = 0;
            for (int round = 0; round < MAX_ROUNDS; round++) {
                long now = clock.millis();
                if (knownTat != Long.MIN_VALUE) {
                    long nextStart = Math.floorDiv(knownTat - depthMicros, 1000);
                    if (nextStart - now > horizonMillis) return new Grant(0, now, nextStart - now - horizonMillis);
                }
                // Granted for when the write's answer is expected, so the lease is not spent waiting for the table.
                long t = (now + Math.round(writeMillis)) * 1000;
                long epoch = Math.floorDiv(now, windowMillis);
                String drawn = " " + drawersAttribute(epoch) + " :me REMOVE " + removedDrawers(epoch);
                Map<String, AttributeValue> values = Map.of(":t", AttributeValue.fromN(Long.toString(t)),
                        ":cost", AttributeValue.fromN(Long.toString(cost)), ":me", AttributeValue.fromSs(List.of(drawerName())));
                Long tat;
                // The ADD unless the bucket was last seen full a while ago by a container drawing on it alone: while
                // a budget is busy this container's last sight of it is mostly behind (its own grant, a lease ago,
                // or seconds on a slow table), and the ADD is right anyway.
                // Others drawing, as the item said within the window (older news is not: a warm container coming back
                // after a quiet spell finds the bucket full, and its ADD would only fail first).
                boolean others = drawers > 1 && now - drawersSeenAt < windowMillis;
                if (add == null) add = knownTat == Long.MIN_VALUE || others || knownTat + depthMicros + leaseMillis * 1000 >= t;
                if (add) {
                    // Also the item's first write (no bucket yet: full, so the permits start now): the containers that
                    // first draw on a new budget together all take this update, one after the other, none losing.
                    tat = update("SET tat = if_not_exists(tat, :t) + :cost, #lim = :lim, #ws = :ws ADD v :one," + drawn,
                            "attribute_not_exists(tat) OR tat >= :t", values);
                } else {
                    // The item as it was (so the time the bucket had been full is known exactly), and the tat written.
                    Map<String, AttributeValue> was = update("SET tat = :from, #lim = :lim, #ws = :ws ADD v :one," + drawn,
                            "attribute_not_exists(tat) OR tat < :t", Map.of(":t", values.get(":t"), ":me", values.get(":me"),
                                    ":from", AttributeValue.fromN(Long.toString(t + cost))), ReturnValue.ALL_OLD);
                    tat = was == null ? null : t + cost;
                    if (was != null && was.containsKey("tat")) {
                        // Full since tat: the refill of that time ran over (counted from this container's first take,
                        // not over the idle time before it; an item just created counts nothing).
                        fullMillis += Math.max(0, t / 1000 - Math.max(firstTakeAt, Long.parseLong(was.get("tat").n()) / 1000));
                        fullGrants++;
                    }
                }
                long took = clock.millis() - now;
                writeMillis = writeMillis == 0 ? took : 0.8 * writeMillis + 0.2 * took;
                writes++;
                writeMillisTotal += took;
                if (tat == null) {
                    lostWrites++; // the bucket was full (or busy), not as last seen: the other update, on what it is now
                    lost++;
                    add = !add;
                    continue;
                }
                knownTat = tat;
                grantedTotal += n;
                long reservedFrom = Math.floorDiv(tat - depthMicros + 999, 1000);
                long start = Math.max(t / 1000, reservedFrom);
                if (early.size() < EARLY) early.add(new EarlyGrant(askedAt, clock.millis(), n, start, lost + 1, lost, ahead, !add));
                return new Grant(n, start, 0, reservedFrom <= t / 1000);
            }
            return new Grant(0, clock.millis(), ThreadLocalRandom.current().nextLong(50, 200));
        }

        private Map<String, AttributeValue> common() {
            return Map.of(":one", AttributeValue.fromN("1"), ":lim", AttributeValue.fromN(Integer.toString(budget.limit())),
                    ":ws", AttributeValue.fromN(Double.toString(budget.window().toMillis() / 1000.0)));
        }

        /**
         * Updates the bucket's item if {@code condition} holds: its {@code tat} after the update, or null when the
         * condition failed (then {@link #knownTat} is the item's as it is).
         */
        private Long update(String expression, String condition, Map<String, AttributeValue> values) {
            Map<String, AttributeValue> item = update(expression, condition, values, ReturnValue.ALL_NEW);
            return item == null ? null : Long.parseLong(item.get("tat").n());
        }

        /**
         * Updates the bucket's item if {@code condition} holds: the item as {@code returned} says (after the update,
         * or before it), or null when the condition failed (then {@link #knownTat} is the item's as it is).
         */
        private Map<String, AttributeValue> update(String expression, String condition, Map<String, AttributeValue> values, ReturnValue returned) {
            Map<String, AttributeValue> all = new HashMap<>(values);
            all.putAll(common());
            try {
                var r = call(budget.label(), () -> dynamo.updateItem(b -> b.tableName(table).key(Map.of(KEY, AttributeValue.fromS(budget.key())))
                        .updateExpression(expression).conditionExpression(condition)
                        .expressionAttributeNames(Map.of("#lim", "limit", "#ws", "windowSeconds")).expressionAttributeValues(all)
                        .returnValues(returned).returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
                see(r.attributes(), clock.millis()); // the whole item, a few hundred bytes: who draws on it now
                return r.attributes();
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> old = e.hasItem() ? e.item() : Map.of();
                knownTat = old.containsKey("tat") ? Long.parseLong(old.get("tat").n()) : 0; // no item yet: a full bucket
                see(old, clock.millis());
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
