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
import org.appban.identity.DirectInvocation;
import org.appban.lambda.Json;
import org.appban.lambda.JsonHandler;
import org.appban.aws.SdkPriming;
import org.appban.lambda.Priming;
import org.appban.wiring.Production;

/**
 * Roster import. Triggers: an object created in the roster bucket (S3 event, one or more records), or a manual
 * request {@code {"bucket": "...", "key": "...", "dryRun": true|false, "confirm": N}} (dry-run by default; {@code confirm}
 * lets the import deactivate up to N members when that is more than one import may on its own).
 */
public final class RosterImportHandler extends JsonHandler {
    private final RosterImport rosterImport;
    private final RosterFiles files;

    public RosterImportHandler() {
        this(Production.rosterImport(), Production.rosterFiles());
        Priming.register("roster-import", RosterImportHandler::warmUp);
    }

    /** SnapStart priming: the SDK calls, an S3 event read, a small roster parsed; nothing read or written. */
    static void warmUp() {
        SdkPriming.s3();
        SdkPriming.dynamoDb();
        JsonHandler.warmUp("{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"roster.csv\"}}}]}");
        new RosterParser().parse("priming.csv", "id,name,email,role\nm1,Priming Person,priming@example.org,staff\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public RosterImportHandler(RosterImport rosterImport, RosterFiles files) {
        this.rosterImport = rosterImport;
        this.files = files;
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        if (event.has("Records")) return s3Event(event, context);
        return manual(event, context);
    }

    private Object s3Event(JsonNode event, Context context) {
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
            reports.add(importObject(bucket, key, Actor.event("s3:" + bucket + "/" + key), false, null));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "done");
        out.put("imports", reports);
        List<RosterImportReport> held = reports.stream().filter(r -> r.status().equals("needs-confirmation")).toList();
        if (!held.isEmpty()) {
            // An S3 trigger discards the answer: the log carries the report, and the failure raises the function's
            // Errors alarm so that an administrator looks at the roster (a retry holds the same members again).
            log(context, out);
            throw new IllegalStateException("roster import held deactivations: " + held.stream().map(RosterImportReport::error).toList());
        }
        return out;
    }

    private Object manual(JsonNode event, Context context) {
        StrictObject.Problems problems = new StrictObject.Problems("roster import request");
        StrictObject request = StrictObject.root(event, problems);
        String bucket = request.text("bucket");
        String key = request.text("key");
        boolean dryRun = request.bool("dryRun", true);
        Integer confirm = request.has("confirm") ? request.integer("confirm") : null;
        if (confirm != null && confirm < 0) request.problem("confirm", "must be a number of members, 0 or more");
        request.rejectUnknownFields();
        problems.throwIfAny();
        // A direct invocation proves nobody: recorded as the unproven invoker it is, never as a name it wrote.
        return importObject(bucket, key, DirectInvocation.ACTOR, dryRun, confirm);
    }

    private RosterImportReport importObject(String bucket, String key, Actor actor, boolean dryRun, Integer confirm) {
        String source = bucket + "/" + key;
        RosterFiles.RosterFile file;
        try {
            file = files.read(bucket, key);
        } catch (InvalidInputException e) {
            return RosterImportReport.failed(source, e.getMessage());
        }
        return rosterImport.importFile(source, file.contentTag(), file.content(), actor, dryRun, confirm);
    }

    private static void log(Context context, Object line) {
        String text = Json.write(line);
        if (context != null && context.getLogger() != null) context.getLogger().log(text + "\n");
        else System.out.println(text);
    }
}
