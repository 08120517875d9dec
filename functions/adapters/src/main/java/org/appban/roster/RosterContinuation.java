package org.appban.roster;

import com.fasterxml.jackson.databind.JsonNode;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.json.Json;

/**
 * The durable cursor of an import that continues: which object, which version of it (its ETag: a newer upload has
 * its own trigger, so a continuation of an older one stops), how far it got and the administrator's confirmation.
 * Where it stands is the members table itself: rows written read back as unchanged, so the next invocation
 * carries on from what is stored, and {@code step} only counts invocations (a bound against a loop that never
 * finishes).
 */
public record RosterContinuation(String bucket, String key, String contentTag, Integer confirm, int step, int remaining) {
    /** More invocations than this for one file is not progress but a loop: the import stops and fails. */
    public static final int MAX_STEPS = 50;

    public String toJson() {
        var o = Json.object().put("continue", "roster-import").put("bucket", bucket).put("key", key).put("contentTag", contentTag)
                .put("step", step).put("remaining", remaining);
        if (confirm != null) o.put("confirm", confirm);
        return Json.write(o);
    }

    public static RosterContinuation parse(String body, String source) {
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (java.io.IOException e) {
            throw new InvalidInputException(source, "", "not a roster continuation: " + e.getMessage());
        }
        StrictObject.Problems problems = new StrictObject.Problems(source);
        StrictObject o = StrictObject.root(node, problems);
        String kind = o.text("continue");
        if (kind != null && !kind.equals("roster-import")) o.problem("continue", "must be roster-import");
        String bucket = o.text("bucket");
        String key = o.text("key");
        String tag = o.text("contentTag");
        Integer step = o.integer("step");
        Integer remaining = o.integer("remaining");
        Integer confirm = o.has("confirm") ? o.integer("confirm") : null;
        o.rejectUnknownFields();
        problems.throwIfAny();
        return new RosterContinuation(bucket, key, tag, confirm, step, remaining);
    }
}
