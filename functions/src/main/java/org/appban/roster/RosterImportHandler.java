package org.appban.roster;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.lambda.Invoker;
import org.appban.lambda.JsonHandler;
import org.appban.wiring.Production;

/**
 * Roster import. Triggers: an object created in the roster bucket (S3 event, one or more records), or a manual
 * request {@code {"bucket": "...", "key": "...", "dryRun": true|false}} (dry-run by default).
 */
public final class RosterImportHandler extends JsonHandler {
    private final RosterImport rosterImport;
    private final RosterFiles files;

    public RosterImportHandler() {
        this(Production.rosterImport(), Production.rosterFiles());
    }

    public RosterImportHandler(RosterImport rosterImport, RosterFiles files) {
        this.rosterImport = rosterImport;
        this.files = files;
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        if (event.has("Records")) return s3Event(event);
        return manual(event, context);
    }

    private Object s3Event(JsonNode event) {
        List<RosterImportReport> reports = new ArrayList<>();
        JsonNode records = event.get("Records");
        if (!records.isArray()) throw new InvalidInputException("event", "Records", "must be a list");
        for (int i = 0; i < records.size(); i++) {
            JsonNode s3 = records.get(i).path("s3");
            String bucket = s3.path("bucket").path("name").asText("");
            String rawKey = s3.path("object").path("key").asText("");
            if (bucket.isEmpty() || rawKey.isEmpty()) {
                reports.add(RosterImportReport.failed("Records[" + i + "]", "not an S3 object-created record (no bucket name or object key)"));
                continue;
            }
            // S3 event keys are URL-encoded, with '+' for spaces.
            String key = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
            reports.add(importObject(bucket, key, Actor.event("s3:" + bucket + "/" + key), false));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "done");
        out.put("imports", reports);
        return out;
    }

    private Object manual(JsonNode event, Context context) {
        StrictObject.Problems problems = new StrictObject.Problems("roster import request");
        StrictObject request = StrictObject.root(event, problems);
        String bucket = request.text("bucket");
        String key = request.text("key");
        boolean dryRun = request.bool("dryRun", true);
        request.rejectUnknownFields();
        problems.throwIfAny();
        return importObject(bucket, key, Invoker.administrator(context), dryRun);
    }

    private RosterImportReport importObject(String bucket, String key, Actor actor, boolean dryRun) {
        String source = bucket + "/" + key;
        RosterFiles.RosterFile file;
        try {
            file = files.read(bucket, key);
        } catch (InvalidInputException e) {
            return RosterImportReport.failed(source, e.getMessage());
        }
        return rosterImport.importFile(source, file.contentTag(), file.content(), actor, dryRun);
    }
}
