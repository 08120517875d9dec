package org.appban.work;

import com.fasterxml.jackson.databind.JsonNode;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.json.Json;

/**
 * A {@link Continuation} as its queue message carries it: a JSON object ({@code continue}, {@code queue}, {@code round},
 * {@code part}, {@code parts}, {@code step}, and {@code cursor} and {@code tally} when there are any). The format of
 * every round's messages, so a message one function wrote is one the others read the same way.
 */
public final class ContinuationJson implements ContinuationFormat {
    /** The one instance: the format has no settings. */
    public static final ContinuationJson JSON = new ContinuationJson();

    private ContinuationJson() {
    }

    @Override
    public String write(Continuation c) {
        return toJson(c);
    }

    @Override
    public Continuation read(String body, String source) {
        return parse(body, source);
    }

    public static String toJson(Continuation c) {
        var o = Json.object().put("continue", c.kind()).put("queue", c.queue()).put("round", c.round())
                .put("part", c.part()).put("parts", c.parts()).put("step", c.step());
        if (c.cursor() != null) o.put("cursor", c.cursor());
        if (!c.tally().isEmpty()) {
            var t = o.putObject("tally");
            c.tally().forEach(t::put);
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
            } else if (t.size() > Continuation.MAX_TALLIES) {
                o.problem("tally", "must hold at most " + Continuation.MAX_TALLIES + " counts");
            } else {
                t.properties().forEach(e -> {
                    if (!Continuation.isTallyName(e.getKey())) o.problem("tally." + e.getKey(), "is not a short lowercase word");
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
