package org.appban.store.dynamo;

/**
 * The shared budgets' pure decisions about one container's batches (no I/O, no clock: every moment is passed in, in
 * epoch milliseconds): how big a batch to ask for, and when to ask for the next one so that it is there before the
 * current one runs out. {@link DynamoRateLimits} does the writes.
 *
 * <p>None of these decisions can take a budget over its limit: the table grants every batch from the one bucket,
 * whatever size or moment a container asks for ({@code Budget.atMostIn}). They decide only how much of the budget a
 * container idles away waiting on the table, and how many permits lapse unused.
 */
final class BatchPacing {
    private BatchPacing() {
    }

    /**
     * A container's first batch of a budget after its first permit (one, at once), before it has a pace of its own:
     * its share of the bucket among the containers that drew on the budget lately (counting itself), at least one
     * and at most the burst. Fifteen containers on ISE's burst of twelve get one each (and so two in line at once,
     * with the first permit); the two workers and the deciding run on Graph's device writes, a burst of five, one
     * each too, and the two workers alone two each. Alone, one: a single webhook's request needs no more, and the
     * container's pace sizes the next.
     */
    static int firstBatch(int burst, int drawers) {
        if (drawers <= 1) return 1;
        return Math.max(1, Math.min(burst, burst / drawers));
    }

    /**
     * The next batch after one of {@code granted} that was used up ({@code held == 0}) after {@code tookMillis} of its
     * lease, or lapsed with {@code used} taken: what this container uses in one lease at its own pace. One used up
     * after {@code d} of the lease shows a pace of {@code granted / d}, so the next is {@code granted * lease / d}, at
     * most twice the last (one quick moment is not a pace) and never beyond the burst; one that lapsed with permits
     * left shows what was used. (Doubling until a batch lapses and falling back let a third of the permits lapse
     * whenever a container's pace was below the burst per lease: a slow API, a busy machine.)
     *
     * <p>When the last batch found the bucket with room ({@code room}: its permits started the moment they were
     * asked for, nobody's reservations ahead of them), the pace alone sizes the next, without the doubling's cap:
     * a bucket with room is one whose refill runs over when nobody takes it (most of all when many containers start
     * together on a full bucket, and each would otherwise climb 1, 2, 4, 8 with a round trip to the table each), and
     * the pace still keeps the batch to what the container showed it uses in a lease.
     */
    static int nextBatch(int burst, long leaseMillis, int granted, int used, long tookMillis, boolean room) {
        if (used < granted) return Math.max(1, used);
        long fits = (long) Math.floor(granted * (double) leaseMillis / Math.max(1, tookMillis));
        long most = room ? burst : 2L * granted;
        return (int) Math.max(1, Math.min(burst, Math.min(most, fits)));
    }

    /**
     * When this container will want a permit its current batch cannot give, at its pace ({@code intervalMillis}
     * from a permit to the next ask, measured; any wait in take comes on top, so this is the soonest): its
     * {@code held + 1}-th take from {@code now}, or, when the lease runs out first (the rest lapses), its first take
     * after {@code leaseEnd}.
     */
    static long neededAt(long now, int held, long leaseEnd, double intervalMillis) {
        double iv = Math.max(1, intervalMillis);
        long takes = held + 1;
        if (now + takes * iv > leaseEnd) takes = Math.max(1, (long) Math.ceil((leaseEnd - now) / iv));
        return now + (long) Math.ceil(takes * iv);
    }

    /**
     * When to ask the table for the next batch so that its answer is in before {@code neededAt}: a write's time
     * ahead, with half again as margin (a write's time varies) and a few milliseconds for the thread handing it over.
     * Asking earlier gains nothing and holds permits longer (a prefetched batch lapses if the work stops meanwhile).
     */
    static long askAt(long neededAt, double writeMillis) {
        return neededAt - (long) Math.ceil(1.5 * writeMillis) - 5;
    }

    /**
     * The batch to ask for ahead of need: what this container takes in one lease at its pace, at most twice the
     * current batch (or, when the current one found the bucket with room, as {@link #nextBatch} says, up to the
     * burst) and never beyond the burst. A container whose takes are spaced wider than the lease gets one.
     */
    static int aheadBatch(int burst, long leaseMillis, int granted, double intervalMillis, boolean room) {
        long fits = Math.round(leaseMillis / Math.max(1, intervalMillis));
        long most = room ? burst : 2L * Math.max(1, granted);
        return (int) Math.max(1, Math.min(burst, Math.min(most, fits)));
    }

    /**
     * The moving average of the time from a permit to the caller's next ask ({@code previous} below zero: none
     * measured yet): recent takes weigh more, and a gap counts at most a window.
     */
    static double interval(double previous, long sinceLastTake, long windowMillis) {
        double sample = Math.max(0, Math.min(sinceLastTake, windowMillis));
        return previous < 0 ? sample : 0.7 * previous + 0.3 * sample;
    }
}
