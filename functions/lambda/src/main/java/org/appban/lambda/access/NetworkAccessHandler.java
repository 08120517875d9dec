package org.appban.lambda.access;

import org.appban.access.AccessNotices;
import org.appban.access.AccessRules;
import org.appban.access.NetworkAccessService;
import org.appban.access.AccessFunction;
import org.appban.access.AccessRequest;
import org.appban.access.AttestationEvents;
import org.appban.access.FunctionUrlRequest;
import org.appban.access.MdmWebhook;
import org.appban.access.TelemetryObjects;
import org.appban.access.TelemetryReader;
import org.appban.access.TelemetryRecord;
import org.appban.access.TelemetryReport;
import org.appban.access.WebhookSignature;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.appban.domain.Actor;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.inventory.DeviceStatusChanged;
import org.appban.inventory.DeviceStatusChangedJson;
import org.appban.identity.DirectInvocation;
import org.appban.identity.RunAuthorisation;
import org.appban.lambda.Trigger;
import org.appban.json.Json;
import org.appban.lambda.JsonHandler;
import org.appban.aws.SdkPriming;
import org.appban.lambda.Priming;
import org.appban.wiring.AdapterPriming;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * The network-access function. One entry point for all its triggers, told apart by shape:
 * <ul>
 *   <li>the daily schedule: {@code {"trigger":"schedule", "schedule"?: name}} (the rules decide whether the grace
 *       period is over); deployed, it hands the run on to the function's own queue as a round of steps
 *       ({@link org.appban.access.AccessRound}), whose messages come back here as SQS batches;</li>
 *   <li>EventBridge {@code DeviceStatusChanged} (inventory sync), {@code MemberAttested} (the attestation function),
 *       {@code NetworkTelemetry} ({@code detail: {"batch": id, "records": [...]}}, records as in
 *       {@link TelemetryRecord}): the devices concerned are evaluated at once;</li>
 *   <li>S3 object created in the telemetry bucket (DNS or firewall logs, {@code .jsonl}/{@code .csv}, optionally
 *       gzipped): matched, kept as sightings, the devices seen evaluated;</li>
 *   <li>the MDM webhook on a function URL (signed, replay-proof: {@link MdmWebhook}), where one is wired in (the
 *       rehearsal's in-process world); deployed, the webhook is a function of its own ({@link MdmWebhookHandler});</li>
 *   <li>manual requests, dry run unless {@code "dryRun": false}:
 *       {@code {"action":"reconcile"|"quarantine"|"release", "devices"?:[ids] | "members"?:[ids], "dryRun"?, "confirm"?: n}}
 *       (no devices or members: the whole fleet; {@code confirm}: the number of quarantines over the blast-radius
 *       cap the administrator agrees to), or {@code {"action":"ingest","bucket":..,"key":..,"dryRun"?}} to read a log
 *       object again.</li>
 * </ul>
 */
public final class NetworkAccessHandler extends JsonHandler {
    /** A run starts no new action with less than this left of the Lambda's time. */
    static final long RESERVE_MILLIS = 60_000;

    private final AccessFunction function;

    public NetworkAccessHandler() {
        this(new Production(Settings.fromEnvironment()));
    }

    private NetworkAccessHandler(Production production) {
        this(production.networkAccess());
        Priming.register("network-access", () -> warmUp(production.policy()));
    }

    /**
     * SnapStart priming: the SDK calls, the NAC's path against canned answers, the trigger events read, the stores'
     * items written and read back, and the MDM webhook run to its end on sample records in memory (a signed delivery
     * checked, parsed, claimed, the device updated, recorded and re-evaluated, its access released through the NAC
     * on canned answers); neither the NAC nor a table is touched.
     */
    static void warmUp(org.appban.policy.BanPolicy policy) {
        AdapterPriming.networkAccess();
        org.appban.store.dynamo.StorePriming.run();
        webhookOnSamples(policy);
        SdkPriming.dynamoDb();
        SdkPriming.s3();
        SdkPriming.ssm();
        SdkPriming.secretsManager();
        SdkPriming.eventBridge();
        SdkPriming.sns();
        FunctionUrlRequest.is(JsonHandler.warmUp("{\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"body\":\"{}\"}"));
        DeviceStatusChangedJson.fromDetail(StrictObject.root(JsonHandler.warmUp("{\"policy\":\"p\",\"device\":\"d\",\"member\":\"m\","
                + "\"change\":\"new-device\",\"at\":\"2023-04-04T14:25:00+12:00\",\"after\":{\"appPresence\":\"unknown\",\"compliance\":\"noncompliant\"}}"),
                new StrictObject.Problems("priming")));
        FunctionUrlRequest.response(200, Map.of("Content-Type", "application/json"), "{}");
    }

    private static final String EXPECTED = "its schedule, S3 telemetry logs, EventBridge events, the MDM webhook on its URL and manual requests";

    /**
     * A quarantined private device after the grace period (the daily run quarantines it) whose MDM then reports it
     * compliant through the webhook (which releases it): the webhook's path and the service's, in memory, with the
     * NAC on canned answers and the notices and alerts kept. Returns the webhook's answer.
     */
    public static MdmWebhook.Answer webhookOnSamples(org.appban.policy.BanPolicy policy) {
        java.time.Instant now = AccessRules.of(policy).graceEnds().plus(java.time.Duration.ofDays(1));
        java.time.Clock clock = java.time.Clock.fixed(now, java.time.ZoneOffset.UTC);
        try (var stores = org.appban.store.dynamo.StorePriming.stores(java.time.Duration.ofDays(30));
             var ssm = SdkPriming.ssmAnswering("off")) {
            var devices = stores.devices();
            var ledger = stores.ledger();
            var claims = stores.claims();
            // Compliant bystanders, so that one quarantine stays within the blast radius's share of the fleet.
            for (int i = 0; i < 12; i++) {
                devices.save(new org.appban.domain.Device("intune:bystander-" + i, "priming-" + i, org.appban.domain.Ownership.PRIVATE,
                        org.appban.domain.Platform.IOS, "iPhone", false, org.appban.domain.MdmKind.INTUNE, "bystander-" + i,
                        org.appban.domain.MacAddress.parse(String.format("02:00:00:00:01:%02X", i)), org.appban.domain.AppPresence.UNKNOWN, org.appban.domain.ComplianceState.COMPLIANT,
                        now.minus(java.time.Duration.ofDays(2)), false));
            }
            devices.save(new org.appban.domain.Device("intune:priming", "priming-member", org.appban.domain.Ownership.PRIVATE,
                    org.appban.domain.Platform.IOS, "iPhone", false, org.appban.domain.MdmKind.INTUNE, "priming", org.appban.domain.MacAddress.parse("02:00:00:00:00:01"),
                    org.appban.domain.AppPresence.UNKNOWN, org.appban.domain.ComplianceState.NONCOMPLIANT, now.minus(java.time.Duration.ofDays(2)), false));
            NetworkAccessService service = new NetworkAccessService(policy, devices, stores.exemptions(),
                    org.appban.notice.Attestations.fromLedger(ledger), stores.evidence(), AdapterPriming.cannedNac(),
                    new org.appban.safety.SsmKillSwitch(ssm, "/priming"), claims, ledger, AccessNotices.none(), (subject, body, facts) -> { }, clock);
            service.run(AccessRequest.schedule(), Actor.schedule("priming"), "priming-run");
            WebhookSignature signature = new WebhookSignature(new org.appban.remote.Secret("priming-webhook-secret-0123456789abcdef01234567"));
            String body = "{\"id\":\"priming-1\",\"type\":\"" + MdmWebhook.TYPE + "\",\"occurredAt\":\"" + now.minusSeconds(30)
                    + "\",\"device\":{\"mdm\":\"intune\",\"mdmId\":\"priming\"},\"compliance\":\"compliant\"}";
            MdmWebhook webhook = new MdmWebhook(signature, claims, devices, ledger, service, clock);
            MdmWebhook.Answer answer = webhook.receive(signature.sign(body, now), body, "priming-webhook");
            FunctionUrlRequest.response(answer.status(), Map.of("Content-Type", "application/json"), json(answer.body()));
            return answer;
        }
    }

    public NetworkAccessHandler(AccessFunction function) {
        this.function = function;
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        String runId = context != null && context.getAwsRequestId() != null ? context.getAwsRequestId() : UUID.randomUUID().toString();
        BooleanSupplier timeLeft = () -> context == null || context.getRemainingTimeInMillis() > RESERVE_MILLIS;
        return switch (Trigger.of(event)) {
            case Trigger.FunctionUrlCall url -> webhook(FunctionUrlRequest.from(url.event()), runId);
            case Trigger.S3Objects logs -> logObjects(event, runId, timeLeft);
            case Trigger.EventBridgeEvent e -> eventBridge(event, runId, timeLeft);
            case Trigger.Schedule s -> schedule(event, runId, timeLeft, context);
            case Trigger.DirectInvocation direct -> manual(event, null, runId, timeLeft);
            case Trigger.SqsMessages t when function.round() != null -> function.round().steps(t.work(), runId,
                    context == null ? 0 : context.getRemainingTimeInMillis(), timeLeft, line -> log(Json.write(line), context));
            case Trigger.SqsMessages t -> throw Trigger.notHandled("network-access", t, EXPECTED);
            case Trigger.StreamRecords t -> throw Trigger.notHandled("network-access", t, EXPECTED);
        };
    }

    private Object webhook(FunctionUrlRequest request, String runId) {
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Cache-Control", "no-store");
        if (function.webhook() == null) {
            // Deployed, the MDM webhook is a function of its own (MdmWebhookHandler), so that its public URL cannot
            // take the containers network access's own runs need.
            return FunctionUrlRequest.response(404, headers, "{\"status\":\"refused\",\"reason\":\"the MDM webhook has its own "
                    + "function: post to the stack output MdmWebhookUrl\"}");
        }
        if (!request.method().equals("POST")) {
            return FunctionUrlRequest.response(405, Map.of("Content-Type", "application/json", "Allow", "POST"), "{\"status\":\"refused\",\"reason\":\"POST only\"}");
        }
        MdmWebhook.Answer answer = function.webhook().receive(request.header(WebhookSignature.HEADER), request.body(), runId);
        return FunctionUrlRequest.response(answer.status(), headers, json(answer.body()));
    }

    private Object schedule(JsonNode event, String runId, BooleanSupplier timeLeft, Context context) {
        StrictObject.Problems problems = new StrictObject.Problems("scheduled event");
        StrictObject o = StrictObject.root(event, problems);
        String trigger = o.text("trigger");
        String name = o.scheduleName("schedule", "network-access-daily");
        o.rejectUnknownFields();
        if (trigger != null && !trigger.equals("schedule")) o.problem("trigger", "must be schedule");
        problems.throwIfAny();
        // Deployed, the daily run is a round of queued steps (AccessRound), for a fleet no invocation reads whole.
        if (function.round() != null) return function.round().start(name);
        return function.service().run(AccessRequest.schedule(), Actor.schedule(name), runId, timeLeft);
    }

    private static void log(String line, Context context) {
        if (context != null && context.getLogger() != null) context.getLogger().log(line + "\n");
        else System.out.println(line);
    }

    private Object eventBridge(JsonNode event, String runId, BooleanSupplier timeLeft) {
        String type = event.path("detail-type").asText();
        String eventId = event.path("id").asText(runId);
        Actor actor = Actor.event(event.path("source").asText("eventbridge") + ":" + eventId);
        StrictObject.Problems problems = new StrictObject.Problems(type + " event " + eventId + " (detail)");
        StrictObject d = StrictObject.root(event.get("detail"), problems);
        switch (type) {
            case DeviceStatusChanged.DETAIL_TYPE -> {
                DeviceStatusChanged change = DeviceStatusChangedJson.fromDetail(d);
                problems.throwIfAny();
                if (!change.policy().equals(function.service().policyId())) {
                    return Map.of("status", "ignored", "reason", "the event is about policy " + change.policy() + ", this function runs " + function.service().policyId());
                }
                return function.service().run(AccessRequest.devices("device-status-changed", List.of(change.device())), actor, runId, timeLeft);
            }
            case AttestationEvents.DETAIL_TYPE -> {
                String member = d.text("member");
                d.instant("at", true);
                d.rejectUnknownFields();
                problems.throwIfAny();
                return function.service().run(AccessRequest.members("member-attested", List.of(member)), actor, runId, timeLeft);
            }
            case "NetworkTelemetry" -> {
                String batch = d.text("batch");
                boolean hasRecords = d.has("records");
                d.rejectUnknownFields();
                JsonNode records = event.path("detail").path("records");
                if (hasRecords && !records.isArray()) d.problem("records", "must be a list");
                if (!hasRecords) d.problem("records", "is required");
                problems.throwIfAny();
                TelemetryReport ingested = function.telemetry().ingest("event:" + batch, batch, TelemetryReader.records(records), actor, false);
                return telemetryRun(List.of(ingested), actor, runId, timeLeft);
            }
            case RunAuthorisation.DETAIL_TYPE -> {
                // Handed on by the admin function: the request and its administrator come from the ledger, not the event.
                RunAuthorisation.Redeemed run = RunAuthorisation.parsed(function.service().redeem(event.path("detail").path("authorisation").asText(null), eventId));
                return manual(run.request(), run.actor(), runId, timeLeft);
            }
            default -> {
                throw new InvalidInputException("event " + eventId, "detail-type",
                        "'" + type + "' is not an event this function handles (DeviceStatusChanged, MemberAttested, NetworkTelemetry, RunAuthorised)");
            }
        }
    }

    private Object logObjects(JsonNode event, String runId, BooleanSupplier timeLeft) {
        JsonNode records = event.get("Records");
        if (!records.isArray()) throw new InvalidInputException("event", "Records", "must be a list");
        List<TelemetryReport> reports = new ArrayList<>();
        Actor actor = null;
        for (int i = 0; i < records.size(); i++) {
            JsonNode s3 = records.get(i).path("s3");
            String bucket = s3.path("bucket").path("name").asText("");
            String rawKey = s3.path("object").path("key").asText("");
            if (bucket.isEmpty() || rawKey.isEmpty()) {
                reports.add(TelemetryReport.failed("Records[" + i + "]", "not an S3 object-created record (no bucket name or object key)"));
                continue;
            }
            // S3 event keys are URL-encoded, with '+' for spaces.
            String key = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
            Actor a = Actor.event("s3:" + bucket + "/" + key);
            if (actor == null) actor = a;
            reports.add(ingestObject(bucket, key, a, false));
        }
        return telemetryRun(reports, actor == null ? Actor.event("s3") : actor, runId, timeLeft);
    }

    private TelemetryReport ingestObject(String bucket, String key, Actor actor, boolean dryRun) {
        String source = "s3://" + bucket + "/" + key;
        TelemetryReader.Format format = TelemetryReader.formatOf(key);
        if (format == null) return TelemetryReport.failed(source, "not a log this function reads: name it .jsonl, .ndjson, .json, .log or .csv (optionally .gz)");
        try (TelemetryObjects.LogObject log = function.logs().open(bucket, key)) {
            return function.telemetry().ingest(source, log.contentTag(), TelemetryReader.log(log.lines(), format), actor, dryRun);
        } catch (InvalidInputException e) {
            return TelemetryReport.failed(source, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object telemetryRun(List<TelemetryReport> ingested, Actor actor, String runId, BooleanSupplier timeLeft) {
        Set<String> seen = new LinkedHashSet<>();
        ingested.forEach(r -> seen.addAll(r.devices()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "done");
        out.put("telemetry", ingested);
        if (!seen.isEmpty()) out.put("access", function.service().run(AccessRequest.devices("telemetry", seen), actor, runId, timeLeft));
        return out;
    }

    /**
     * @param authorised the administrator of a run the admin function authorised; null for a direct invocation, which
     *                   proves nobody: it may dry-run (recorded as the unproven invoker it is) or re-read a log object
     *                   (what its S3 event does), and quarantine or release in someone's name goes through the admin
     *                   function URL (access.run)
     */
    private Object manual(JsonNode event, Actor authorised, String runId, BooleanSupplier timeLeft) {
        StrictObject.Problems problems = new StrictObject.Problems("network access request");
        StrictObject o = StrictObject.root(event, problems);
        String action = o.text("action");
        Boolean dryRun = o.bool("dryRun", true);
        Actor actor = authorised == null ? DirectInvocation.ACTOR : authorised;
        if ("ingest".equals(action)) {
            String bucket = o.text("bucket");
            String key = o.text("key");
            o.rejectUnknownFields();
            problems.throwIfAny();
            TelemetryReport r = ingestObject(bucket, key, actor, dryRun);
            if (dryRun) return r;
            return telemetryRun(List.of(r), actor, runId, timeLeft);
        }
        AccessRequest.Mode mode = action == null ? null : parseMode(o, action);
        if (authorised == null && !dryRun && mode != null) throw function.service().refuseUnproven("'" + action + "' (not a dry run)", "access.run");
        List<String> devices = o.has("devices") ? o.texts("devices", true) : null;
        List<String> members = o.has("members") ? o.texts("members", true) : null;
        Integer confirm = o.has("confirm") ? o.integer("confirm") : null;
        o.rejectUnknownFields();
        if (devices != null && members != null) o.problem(null, "name devices or members, not both");
        if (devices != null && devices.isEmpty()) o.problem("devices", "must not be empty (leave it out for the whole fleet)");
        if (members != null && members.isEmpty()) o.problem("members", "must not be empty (leave it out for the whole fleet)");
        if (confirm != null && confirm < 1) o.problem("confirm", "must be 1 or more: the number of quarantines you agree to");
        problems.throwIfAny();
        AccessRequest.Scope scope = devices != null ? AccessRequest.Scope.DEVICES : members != null ? AccessRequest.Scope.MEMBERS : AccessRequest.Scope.FLEET;
        List<String> ids = devices != null ? devices : members != null ? members : List.of();
        return function.service().run(new AccessRequest("manual", scope, ids, mode, dryRun, confirm), actor, runId, timeLeft);
    }

    private static AccessRequest.Mode parseMode(StrictObject o, String action) {
        try {
            return AccessRequest.Mode.parse(action);
        } catch (IllegalArgumentException e) {
            o.problem("action", "'" + action + "' is not reconcile, quarantine, release or ingest");
            return null;
        }
    }

    private static String json(Object body) {
        return Json.write(body);
    }
}
