package org.appban.lambda.roster;

import org.appban.roster.RosterContinuation;
import org.appban.roster.RosterFiles;
import org.appban.roster.RosterImport;
import org.appban.roster.RosterImportReport;
import org.appban.roster.RosterParser;
import org.appban.roster.RosterWork;
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
import org.appban.identity.RunAuthorisation;
import org.appban.lambda.Trigger;
import org.appban.json.Json;
import org.appban.lambda.JsonHandler;
import org.appban.aws.SdkPriming;
import org.appban.lambda.Priming;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * Roster import. Triggers: an object created in the roster bucket (S3 event, one or more records), or a manual
 * request {@code {"bucket": "...", "key": "...", "dryRun": true|false, "confirm": N}} (dry-run by default; {@code confirm}
 * lets the import deactivate up to N members when that is more than one import may on its own). A confirm is an
 * administrator's decision: refused on a direct invocation (recorded, nothing done), it comes through the admin
 * function URL ({@code roster.run}), which hands it on as a {@code RunAuthorised} event
 * ({@link org.appban.identity.RunAuthorisation}).
 */
public final class RosterImportHandler extends JsonHandler {
    private final RosterImport rosterImport;
    private final RosterFiles files;
    private final RosterWork work;

    public RosterImportHandler() {
        this(new Production(Settings.fromEnvironment()));
    }

    private RosterImportHandler(Production production) {
        this(production.rosterImport(), production.rosterFiles(), production.rosterWork());
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

    /** Without a work queue: every import runs to the end in one invocation (the rehearsal, small rosters in tests). */
    public RosterImportHandler(RosterImport rosterImport, RosterFiles files) {
        this(rosterImport, files, RosterWork.NONE);
    }

    /**
     * @param work where an import that runs short of time hands the rest on ({@link RosterContinuation}); the
     *             import stops between steps with {@link #SAFETY_MARGIN} of the invocation left
     */
    public RosterImportHandler(RosterImport rosterImport, RosterFiles files, RosterWork work) {
        this.rosterImport = rosterImport;
        this.files = files;
        this.work = work;
    }

    private static final String EXPECTED = "S3 object-created events of the roster bucket, its work queue's SQS batches, administrators' runs handed on by the admin function (RunAuthorised) and manual requests";

    /** Left of the invocation when an import stops starting steps: a step (250 members) with room to hand on. */
    static final long SAFETY_MARGIN_MILLIS = 60_000;

    @Override
    protected Object handle(JsonNode event, Context context) {
        return switch (Trigger.of(event)) {
            case Trigger.SqsMessages work -> continuations(event, context);
            case Trigger.S3Objects created -> s3Event(event, context);
            case Trigger.DirectInvocation direct -> manual(event, null, context);
            // Roster import has no schedule: such an event goes where it always went, to the manual request's strict reading.
            case Trigger.Schedule s -> manual(event, null, context);
            case Trigger.EventBridgeEvent t -> authorised(event, context);
            case Trigger.FunctionUrlCall t -> throw Trigger.notHandled("roster-import", t, EXPECTED);
            case Trigger.StreamRecords t -> throw Trigger.notHandled("roster-import", t, EXPECTED);
        };
    }

    /**
     * An import an administrator asked for through the admin function URL ({@code roster.run}), handed on as the id of
     * its run authorisation: the request and the administrator come from the ledger, not from the event.
     */
    private Object authorised(JsonNode event, Context context) {
        StrictObject.Problems problems = new StrictObject.Problems("EventBridge event");
        StrictObject o = StrictObject.root(event, problems);
        String source = o.text("source");
        String type = o.text("detail-type");
        String id = o.text("id");
        StrictObject detail = o.object("detail", true);
        if (type != null && !type.equals(RunAuthorisation.DETAIL_TYPE)) o.problem("detail-type", "'" + type + "' is not " + RunAuthorisation.DETAIL_TYPE);
        if (source != null && !source.equals(RunAuthorisation.SOURCE)) o.problem("source", "'" + source + "' is not " + RunAuthorisation.SOURCE);
        String function = detail == null ? null : detail.text("function");
        String authorisation = detail == null ? null : detail.text("authorisation");
        if (function != null && !function.equals(RosterImport.FUNCTION)) {
            detail.problem("function", "'" + function + "' is not " + RosterImport.FUNCTION + ": the run was authorised for another function");
        }
        problems.throwIfAny();
        RunAuthorisation.Redeemed run = RunAuthorisation.parsed(rosterImport.redeem(authorisation, id));
        return manual(run.request(), run.actor(), context);
    }

    private java.util.function.BooleanSupplier timeLeft(Context context) {
        if (work == RosterWork.NONE || context == null) return () -> true;
        return () -> context.getRemainingTimeInMillis() > SAFETY_MARGIN_MILLIS;
    }

    /** The work queue's messages: each continues an import where the members table says it stands. */
    private Object continuations(JsonNode event, Context context) {
        List<RosterImportReport> reports = new ArrayList<>();
        JsonNode records = event.get("Records");
        for (int i = 0; i < records.size(); i++) {
            RosterContinuation c = RosterContinuation.parse(records.get(i).path("body").asText(""), "Records[" + i + "].body");
            String source = c.bucket() + "/" + c.key();
            if (c.step() >= RosterContinuation.MAX_STEPS) {
                throw new IllegalStateException("roster import of " + source + " did not finish in " + c.step() + " invocations ("
                        + c.remaining() + " changes left): stopped; see the function's log");
            }
            Actor actor = Actor.event("s3:" + source);
            RosterFiles.RosterFile file;
            try {
                file = files.read(c.bucket(), c.key());
            } catch (InvalidInputException e) {
                reports.add(refuse(RosterImportReport.failed(source, e.getMessage()), context));
                continue;
            }
            if (!file.contentTag().equals(c.contentTag())) {
                // A newer upload of the same key has its own trigger and imports itself; this version is history.
                reports.add(new RosterImportReport("superseded", source, 0, List.of(), List.of(), 0, List.of(), List.of(), List.of(),
                        "the object changed since this import started (ETag " + c.contentTag() + ", now " + file.contentTag()
                                + "): the newer upload is imported by its own trigger", false));
                continue;
            }
            RosterImportReport r = rosterImport.importFile(source, file.contentTag(), file.content(), actor, false, c.confirm(), timeLeft(context));
            reports.add(handOn(r, c.bucket(), c.key(), file.contentTag(), c.confirm(), c.step() + 1));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "done");
        out.put("imports", reports);
        log(context, out);
        return out;
    }

    /** A report that says {@code continuing} is handed on as the next step; any report is returned as it is. */
    private RosterImportReport handOn(RosterImportReport r, String bucket, String key, String contentTag, Integer confirm, int step) {
        if (r.status().equals("continuing")) work.handOn(new RosterContinuation(bucket, key, contentTag, confirm, step, r.remaining()));
        return r;
    }

    /**
     * A roster refused as a whole (unreadable, empty, every row rejected, the object gone) from a trigger: on record
     * (the ledger and the log) and then a failed invocation, so the function's Errors alarm reaches an administrator;
     * S3's trigger discards the answer, and a success would tell nobody. Lambda's retries meet the same refusal (the
     * ledger keeps one record of it) and the event ends in RosterImportFailedEvents.
     */
    private RosterImportReport refuse(RosterImportReport r, Context context) {
        if (!r.status().equals("rejected") && !r.status().equals("nothing-imported")) return r;
        log(context, Map.of("status", "refused", "imports", List.of(r)));
        String error = r.error() == null ? "" : r.error();
        throw new RosterRefused("roster import " + r.status() + ": " + (error.startsWith(r.source()) ? error : r.source() + ": " + error)
                + (r.rejected().isEmpty() ? "" : " (" + r.rejected().size() + " rows, every one rejected; the first: " + r.rejected().get(0) + ")"));
    }

    /** A roster refused as a whole by a triggered import: the invocation fails, on purpose, for the alarm. */
    public static final class RosterRefused extends RuntimeException {
        public RosterRefused(String message) {
            super(message);
        }
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
            reports.add(refuse(importObject(bucket, key, Actor.event("s3:" + bucket + "/" + key), false, null, context), context));
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

    /** @param authorised the administrator a redeemed run authorisation names; null for a direct invocation */
    private Object manual(JsonNode event, Actor authorised, Context context) {
        StrictObject.Problems problems = new StrictObject.Problems("roster import request");
        StrictObject request = StrictObject.root(event, problems);
        String bucket = request.text("bucket");
        String key = request.text("key");
        boolean dryRun = request.bool("dryRun", true);
        Integer confirm = request.has("confirm") ? request.integer("confirm") : null;
        if (confirm != null && confirm < 0) request.problem("confirm", "must be a number of members, 0 or more");
        request.rejectUnknownFields();
        problems.throwIfAny();
        // A direct invocation proves nobody. It may import what the bucket holds (what the upload's own trigger does),
        // recorded as the unproven invoker it is; but a confirm lets the import deactivate members past the limit in
        // someone's name: only through the admin function URL (roster.run), which proves who agreed.
        if (authorised == null && !dryRun && confirm != null) {
            throw rosterImport.refuseUnproven("a confirm of " + confirm + " deactivations", "roster.run");
        }
        return importObject(bucket, key, authorised == null ? DirectInvocation.ACTOR : authorised, dryRun, confirm, context);
    }

    private RosterImportReport importObject(String bucket, String key, Actor actor, boolean dryRun, Integer confirm, Context context) {
        String source = bucket + "/" + key;
        RosterFiles.RosterFile file;
        try {
            file = files.read(bucket, key);
        } catch (InvalidInputException e) {
            return RosterImportReport.failed(source, e.getMessage());
        }
        RosterImportReport r = rosterImport.importFile(source, file.contentTag(), file.content(), actor, dryRun, confirm, timeLeft(context));
        return handOn(r, bucket, key, file.contentTag(), confirm, 1);
    }

    private static void log(Context context, Object line) {
        String text = Json.write(line);
        if (context != null && context.getLogger() != null) context.getLogger().log(text + "\n");
        else System.out.println(text);
    }
}
