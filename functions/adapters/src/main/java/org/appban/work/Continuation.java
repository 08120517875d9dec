package org.appban.work;

import com.fasterxml.jackson.databind.JsonNode;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.json.Json;

/**
 * The durable cursor of a round that runs across invocations: the message a function hands to its own work queue
 * when it runs short of time, and that invokes it again. A round is cut into {@code parts} (independent, so that
 * workers run them at once); each part is a chain of steps, and each step's message names where the part stands
 * ({@code cursor}, the last item done; null at the start).
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

    public Continuation {
        if (parts < 1 || part < 0 || part >= parts) throw new IllegalArgumentException("part " + part + " of " + parts);
        if (step < 1) throw new IllegalArgumentException("step must be 1 or more, was " + step);
        tally = tally == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(tally));
        if (tally.size() > MAX_TALLIES) throw new IllegalArgumentException("at most " + MAX_TALLIES + " tallies, was " + tally.size());
        tally.forEach((name, count) -> {
            if (!TALLY_NAME.matcher(name).matches()) throw new IllegalArgumentException("tally name '" + name + "' is not a short lowercase word");
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

    public String toJson() {
        var o = Json.object().put("continue", kind).put("queue", queue).put("round", round)
                .put("part", part).put("parts", parts).put("step", step);
        if (cursor != null) o.put("cursor", cursor);
        if (!tally.isEmpty()) {
            var t = o.putObject("tally");
            tally.forEach(t::put);
        }
        return Json.write(o);
    }

    /** Parses a message body strictly: every field present and of its type, no other field, the numbers in range. */
    public static Continuation parse(String body, String source) {
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (java.io.IOException | RuntimeException e) {
            throw new InvalidInputException(source, "", "not a continuation: " + e.getMessage());
        }
        if (node == null || !node.isObject()) throw new InvalidInputException(source, "", "not a continuation: not a JSON object");
        StrictObject.Problems problems = new StrictObject.Problems(source);
        StrictObject o = StrictObject.root(node, problems);
        String kind = o.text("continue");
        String queue = o.text("queue");
        String round = o.text("round");
        Integer part = o.integer("part");
        Integer parts = o.integer("parts");
        Integer step = o.integer("step");
        String cursor = o.has("cursor") ? o.text("cursor") : null;
        java.util.Map<String, Long> tally = new java.util.TreeMap<>();
        JsonNode t = node.get("tally");
        if (t != null) {
            o.has("tally");
            if (!t.isObject()) {
                o.problem("tally", "must be an object of counts");
            } else if (t.size() > MAX_TALLIES) {
                o.problem("tally", "must hold at most " + MAX_TALLIES + " counts");
            } else {
                t.properties().forEach(e -> {
                    if (!TALLY_NAME.matcher(e.getKey()).matches()) o.problem("tally." + e.getKey(), "is not a short lowercase word");
                    else if (!e.getValue().canConvertToLong() || !e.getValue().isIntegralNumber() || e.getValue().asLong() < 0) {
                        o.problem("tally." + e.getKey(), "must be a whole number, 0 or more");
                    } else tally.put(e.getKey(), e.getValue().asLong());
                });
            }
        }
        o.rejectUnknownFields();
        if (parts != null && (parts < 1 || parts > 1000)) o.problem("parts", "must be from 1 to 1000");
        if (part != null && parts != null && (part < 0 || part >= parts)) o.problem("part", "must be from 0 to parts - 1");
        if (step != null && step < 1) o.problem("step", "must be 1 or more");
        problems.throwIfAny();
        return new Continuation(kind, queue, round, part, parts, step, cursor, tally);
    }
}
