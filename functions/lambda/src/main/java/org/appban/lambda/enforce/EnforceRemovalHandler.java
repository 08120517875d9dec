package org.appban.lambda.enforce;

import org.appban.enforce.DeviceWork;
import org.appban.enforce.DeviceWorkJson;
import org.appban.enforce.EnforceRemoval;
import org.appban.enforce.EnforceRequest;
import org.appban.enforce.EnforceRequestJson;
import org.appban.enforce.EnforcementRound;
import org.appban.enforce.EnforcementReport;
import org.appban.enforce.WorkOutcome;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.appban.domain.Actor;
import org.appban.input.InvalidInputException;
import org.appban.identity.DirectInvocation;
import org.appban.identity.RunAuthorisation;
import org.appban.json.Json;
import org.appban.lambda.JsonHandler;
import org.appban.lambda.Trigger;
import org.appban.aws.SdkPriming;
import org.appban.lambda.Priming;
import org.appban.wiring.AdapterPriming;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * The enforce-removal function. One entry point for its triggers:
 * <ul>
 *   <li>{@code {"trigger":"deadline"}} (one-time schedule at the policy's deadline) and {@code {"trigger":"reconcile"}}
 *       (daily schedule): deployed, the deciding run is handed on to the function's round queue as a round of steps
 *       ({@link EnforcementRound}), whose messages come back here as SQS batches; without a round (the rehearsal), one
 *       run over the whole fleet. Either way the device actions fan out to the work queue;</li>
 *   <li>an SQS batch of device work from that queue: answered with {@code batchItemFailures}, so only the items
 *       that failed for now are delivered again;</li>
 *   <li>an administrator's request ({@link EnforceRequest}): dry-run unless it says otherwise.</li>
 * </ul>
 */
public final class EnforceRemovalHandler extends JsonHandler {
    /**
     * How many queue workers may run at once (the event source mapping's MaximumConcurrency in template.yaml).
     * Together with one deciding run they make {@link #CONTAINERS}; all of them draw on the MDM's budget shared with
     * every other caller of the MDM (RATE_BUDGETS_TABLE), so together they never exceed it.
     */
    public static final int WORKERS = 2;
    /**
     * How many steps of the deciding round may run at once (its queue's mapping's MaximumConcurrency): the round's
     * parts ({@code Production.ENFORCE_ROUND_PARTS}).
     */
    public static final int ROUND_WORKERS = 2;
    /** The function's reserved concurrency in template.yaml: the device workers plus the round's. */
    public static final int CONTAINERS = WORKERS + ROUND_WORKERS;
    /** Time a round's step keeps in hand: it starts no page after this (a page of 100 devices, placed and recorded). */
    static final long RESERVE_MILLIS = 120_000;

    private final EnforceRemoval service;
    /** The deciding run as a round on its own queue; null where the run is one invocation (rehearsal, tests). */
    private final EnforcementRound round;
    /** The stack's DeadlineConfirm (the only confirm a schedule's event may carry); null: none. */
    private final Integer deadlineConfirm;

    public EnforceRemovalHandler() {
        this(new Production(Settings.fromEnvironment()));
    }

    private EnforceRemovalHandler(Production production) {
        this(production.enforceRemoval(), production.deadlineConfirm(), production.enforcementRound());
        Priming.register("enforce-removal", EnforceRemovalHandler::warmUp);
    }

    /**
     * SnapStart priming: the SDK calls, each MDM's check-in request against canned answers, and the trigger events
     * read; nothing is sent, queued or recorded.
     */
    static void warmUp() {
        AdapterPriming.enforcement();
        SdkPriming.dynamoDb();
        SdkPriming.ssm();
        SdkPriming.secretsManager();
        SdkPriming.sqs();
        SdkPriming.eventBridge();
        JsonHandler.warmUp("{\"trigger\":\"reconcile\"}");
        JsonHandler.warmUp("{\"Records\":[{\"messageId\":\"m\",\"eventSource\":\"aws:sqs\",\"body\":\"{}\"}]}");
    }

    /** A handler whose schedule events carry no confirm (none is honoured). */
    public EnforceRemovalHandler(EnforceRemoval service) {
        this(service, null);
    }

    /** @param deadlineConfirm the confirm the stack's deadline schedule was deployed with (DeadlineConfirm); null for none */
    public EnforceRemovalHandler(EnforceRemoval service, Integer deadlineConfirm) {
        this(service, deadlineConfirm, null);
    }

    /** @param round the deciding run as a round of queued steps (null: one run per schedule) */
    public EnforceRemovalHandler(EnforceRemoval service, Integer deadlineConfirm, EnforcementRound round) {
        this.service = service;
        this.deadlineConfirm = deadlineConfirm;
        this.round = round;
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        String runId = context != null && context.getAwsRequestId() != null ? context.getAwsRequestId() : "local-" + UUID.randomUUID();
        Trigger trigger = Trigger.of(event);
        if (trigger instanceof Trigger.SqsMessages batch) {
            if (round != null && fromQueue(event.get("Records"), round.queue())) {
                BooleanSupplier timeLeft = () -> context == null || context.getRemainingTimeInMillis() > RESERVE_MILLIS;
                return round.steps(batch.work(), runId, context == null ? 0 : context.getRemainingTimeInMillis(), timeLeft,
                        line -> System.out.println(Json.write(line)));
            }
            return workBatch(event.get("Records"));
        }
        if (trigger instanceof Trigger.Schedule) {
            EnforceRequest request = EnforceRequestJson.parseTrigger(event);
            // A schedule's event is whatever its sender wrote: anyone who may invoke the function can send one. Its
            // confirm (a go-ahead past the blast-radius cap) is honoured only when it is the one the stack was deployed
            // with (DeadlineConfirm, chosen by whoever deployed it); any other is a decision in someone's name, which
            // goes through the admin function URL (enforce.run with "confirm").
            if (request.confirm() != null && !request.confirm().equals(deadlineConfirm)) {
                throw service.refuseUnproven("a " + request.trigger().wireName() + " schedule event with \"confirm\": " + request.confirm()
                        + (deadlineConfirm == null ? " (this stack was deployed with no DeadlineConfirm)"
                        : " (this stack was deployed with DeadlineConfirm " + deadlineConfirm + ")"), "enforce.run");
            }
            if (round != null) {
                // Deployed, the deciding run is a round of queued steps: it never fails on purpose (the cap and the
                // kill switch are recorded in the ledger), and its steps' lines are the log's.
                Map<String, Object> started = round.start(request.trigger(), request.confirm());
                log(started);
                return started;
            }
            EnforcementReport report = service.run(request, Actor.schedule(request.trigger().wireName()), runId);
            // A schedule discards the answer: the log is where administrators read it.
            log(summary(report));
            if (report.failed() || report.status().equals("needs-confirmation")) {
                // Thrown so that the function's Errors alarm tells administrators: a failed fleet-wide step is retried
                // (the run is idempotent), and a schedule stopped by the blast-radius cap waits for their "confirm".
                throw new IllegalStateException("enforce-removal " + request.trigger().wireName() + " run " + runId + " " + report.status()
                        + ": " + report.message());
            }
            return report;
        }
        if (trigger instanceof Trigger.EventBridgeEvent e && RunAuthorisation.DETAIL_TYPE.equals(e.detailType())) {
            // Handed on by the admin function: the request and its administrator come from the ledger, not the event.
            RunAuthorisation.Redeemed run = RunAuthorisation.parsed(service.redeem(event.path("detail").path("authorisation").asText(null), event.path("id").asText(runId)));
            return service.run(EnforceRequestJson.parseManual(run.request()), run.actor(), runId);
        }
        if (trigger instanceof Trigger.DirectInvocation && event.has("request")) {
            EnforceRequest request = EnforceRequestJson.parseManual(event);
            // A direct invocation proves nobody (Lambda gives the function no caller; the client context is the
            // invoker's own words): it may dry-run, recorded as the unproven invoker it is; removal in someone's name
            // goes through the admin function URL (enforce.run), which hands it on authorised.
            if (!request.dryRun()) throw service.refuseUnproven(request.trigger().wireName() + " (not a dry run)", "enforce.run");
            return service.run(request, DirectInvocation.ACTOR, runId);
        }
        throw new InvalidInputException("enforce-removal event", "", "not for this function (" + trigger.describe() + "): "
                + "expected a schedule event {\"trigger\": ...}, an SQS batch {\"Records\": [...]}, a manual request {\"request\": ...} "
                        + "or a RunAuthorised event from the admin function");
    }

    /**
     * True when the batch came from the queue at {@code queueUrl}: an SQS record names its queue's ARN, whose last part
     * is the queue's name, as is its URL's last part. Each event source mapping delivers one queue's messages.
     */
    static boolean fromQueue(JsonNode records, String queueUrl) {
        if (records == null || !records.isArray() || records.isEmpty()) return false;
        String name = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        for (JsonNode r : records) {
            String arn = r.path("eventSourceARN").asText("");
            if (!arn.substring(arn.lastIndexOf(':') + 1).equals(name)) return false;
        }
        return true;
    }

    private Map<String, Object> workBatch(JsonNode records) {
        if (!records.isArray()) throw new InvalidInputException("SQS event", "Records", "must be a list");
        List<Map<String, String>> failures = new ArrayList<>();
        Map<WorkOutcome.Result, Integer> tally = new EnumMap<>(WorkOutcome.Result.class);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            String messageId = r.path("messageId").asText("");
            if (messageId.isEmpty()) {
                // Without its id the item cannot be reported back; failing the whole batch gets it delivered again.
                throw new InvalidInputException("SQS event", "Records[" + i + "].messageId", "is required");
            }
            WorkOutcome outcome;
            try {
                DeviceWork work = DeviceWorkJson.parse(r.path("body").asText(""), "SQS message " + messageId);
                outcome = service.work(work, messageId);
            } catch (InvalidInputException e) {
                // Malformed work never becomes valid: failing it sends it to the dead-letter queue, whose alarm
                // tells administrators, instead of dropping it unseen.
                notes.add(e.getMessage());
                failures.add(Map.of("itemIdentifier", messageId));
                continue;
            } catch (RuntimeException e) {
                notes.add("SQS message " + messageId + ": " + e);
                failures.add(Map.of("itemIdentifier", messageId));
                continue;
            }
            tally.merge(outcome.result(), 1, Integer::sum);
            if (outcome.retry()) {
                failures.add(Map.of("itemIdentifier", messageId));
                notes.add(outcome.device() + ": " + outcome.detail());
            } else if (outcome.result() == WorkOutcome.Result.FAILED) {
                notes.add(outcome.device() + ": " + outcome.detail());
            }
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("enforceRemovalBatch", records.size());
        line.put("outcomes", tally);
        line.put("retried", failures.size());
        line.put("notes", notes.size() > 50 ? notes.subList(0, 50) : notes);
        log(line);
        // Exactly the shape Lambda reads when ReportBatchItemFailures is on.
        return Map.of("batchItemFailures", failures);
    }

    private static Map<String, Object> summary(EnforcementReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enforceRemovalRun", r.runId());
        m.put("trigger", r.trigger());
        m.put("status", r.status());
        m.put("message", r.message());
        m.put("counts", r.counts());
        if (r.blastRadius() != null) m.put("blastRadius", r.blastRadius());
        if (r.fleet() != null) m.put("fleet", r.fleet());
        if (r.actions() != null) m.put("actions", Map.of("sync", r.actions().sync(), "escalate", r.actions().escalate(), "enqueued", r.actions().enqueued()));
        m.put("escalations", r.escalations());
        m.put("notBlockable", r.notBlockable().size());
        return m;
    }

    private static void log(Object line) {
        System.out.println(Json.write(line));
    }
}
