package org.appban.work;

/**
 * The durable cursor of a round that runs across invocations: the message a function hands to its own work queue
 * when it runs short of time, and that invokes it again (the message's format, {@link ContinuationFormat}, is an
 * adapter's). A round is cut into {@code parts} (independent, so that workers run them at once); each part is a
 * chain of steps, and each step's message names where the part stands ({@code cursor}, the last item done; null at
 * the start).
 *
 * @param kind   what the round is ({@code notify-round}, ...): a function refuses another kind
 * @param queue  the queue it was handed to (the stage's own: a message from another stage's queue, or forged, names
 *               another and is refused)
 * @param round  which round ({@code notify-daily/2026-12-07}): with part and step, the message's identity, so a
 *               replayed message is recognised
 * @param step   1 for the message that starts a part, one more for each hand-on; bounded by {@link #MAX_STEPS}
 * @param tally  what the part has counted so far, carried from step to step (names of at most 32 lowercase letters
 *               to non-negative counts, at most {@link #MAX_TALLIES}): e.g. the quarantines a network-access part has
 *               made, which a cap for the whole round bounds. Empty for a round that counts nothing; left out of the
 *               message when empty.
 */
public record Continuation(String kind, String queue, String round, int part, int parts, int step, String cursor,
                           java.util.Map<String, Long> tally) {
    /** More steps than this for one part is not progress but a loop: the part stops, on record. */
    public static final int MAX_STEPS = 500;
    /** Most counts a part carries. */
    public static final int MAX_TALLIES = 8;
    private static final java.util.regex.Pattern TALLY_NAME = java.util.regex.Pattern.compile("[a-z][a-zA-Z]{0,31}");

    /** A tally's name: a short lowercase word (what a message may carry, refused otherwise). */
    public static boolean isTallyName(String name) {
        return name != null && TALLY_NAME.matcher(name).matches();
    }

    public Continuation {
        if (parts < 1 || part < 0 || part >= parts) throw new IllegalArgumentException("part " + part + " of " + parts);
        if (step < 1) throw new IllegalArgumentException("step must be 1 or more, was " + step);
        tally = tally == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(tally));
        if (tally.size() > MAX_TALLIES) throw new IllegalArgumentException("at most " + MAX_TALLIES + " tallies, was " + tally.size());
        tally.forEach((name, count) -> {
            if (!isTallyName(name)) throw new IllegalArgumentException("tally name '" + name + "' is not a short lowercase word");
            if (count == null || count < 0) throw new IllegalArgumentException("tally " + name + " must be 0 or more, was " + count);
        });
    }

    /** A step that carries no counts. */
    public Continuation(String kind, String queue, String round, int part, int parts, int step, String cursor) {
        this(kind, queue, round, part, parts, step, cursor, java.util.Map.of());
    }

    /** The first step of each part of a round. */
    public static Continuation start(String kind, String queue, String round, int part, int parts) {
        return new Continuation(kind, queue, round, part, parts, 1, null);
    }

    /** The step after this one, standing at {@code cursor}, with this step's counts. */
    public Continuation next(String cursor) {
        return next(cursor, tally);
    }

    /** The step after this one, standing at {@code cursor}, carrying {@code tally} (the part's counts so far). */
    public Continuation next(String cursor, java.util.Map<String, Long> tally) {
        return new Continuation(kind, queue, round, part, parts, step + 1, cursor, tally);
    }

    /** A count the part carries; 0 when it has none of that name. */
    public long tally(String name) {
        return tally.getOrDefault(name, 0L);
    }

    /** The message's identity: one step of one part of one round. */
    public String id() {
        return kind + "/" + round + "/" + part + "-of-" + parts + "/" + step;
    }
}
