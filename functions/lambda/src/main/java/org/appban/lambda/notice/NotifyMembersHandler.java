package org.appban.lambda.notice;

import org.appban.notice.commands.NotifyCommand;
import org.appban.notice.commands.NotifyCommands;
import org.appban.notice.DueNotice;
import org.appban.notice.MailFeedbackRecorder;
import org.appban.notice.MemberSnapshot;
import org.appban.notice.NoticeDecision;
import org.appban.notice.NoticePlanner;
import org.appban.notice.NoticeRequest;
import org.appban.notice.NoticeRound;
import org.appban.notice.NotifyMembers;
import org.appban.notice.NotifyReport;
import org.appban.notice.RunBudget;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.appban.digest.AdminDigest;
import org.appban.domain.Actor;
import org.appban.inventory.DeviceStatusChanged;
import org.appban.identity.DirectInvocation;
import org.appban.json.Json;
import org.appban.lambda.JsonHandler;
import org.appban.aws.SdkPriming;
import org.appban.lambda.Priming;
import org.appban.lambda.Trigger;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * The notify-members function. One entry point for its triggers and manual requests (see {@link NotifyCommands}
 * for the event forms):
 * <ul>
 *   <li>the daily schedule sends every member what is due to them;</li>
 *   <li>{@code DeviceStatusChanged} brings that member's notices up to date at once (the catch-up);</li>
 *   <li>{@code NoticeRequested} sends the event-driven notice another function asked for;</li>
 *   <li>an SES bounce or complaint blocks the address, records it and tells the administrators;</li>
 *   <li>manual {@code preview} and {@code send} (what is due), recorded as {@link DirectInvocation#ACTOR}: a direct
 *       invocation proves nobody;</li>
 *   <li>{@code resend} (forced, with a reason) and {@code unblock}, an administrator's decisions: refused on a direct
 *       invocation (recorded, nothing done) and run when the admin function hands them on authorised
 *       ({@code RunAuthorised}, {@link org.appban.identity.RunAuthorisation}), in the proven administrator's name.</li>
 * </ul>
 *
 * <h2>A round longer than an invocation</h2>
 * With a work queue (on AWS), the daily schedule does not send: it hands the round on ({@link NoticeRound}), and the
 * queue's batches are its steps. A step the provider stopped (daily quota used up, sending paused) returns after the
 * queue's visibility timeout; three such deliveries and it lands in NotifyMembersFailedEvents, whose alarm calls an
 * administrator. Every step's line is logged.
 *
 * <h2>Failing on purpose (no work queue)</h2>
 * Without a work queue (the rehearsal), the triggers arrive as asynchronous invocations, which Lambda retries (same
 * request id, so the run re-enters its own claims). A triggered run that could not finish (out of time before the
 * Lambda timeout, or throttled, unknown or failed sends) logs its report and then throws {@link IncompleteRun}, so
 * the retry carries on where it stopped; everything already sent is skipped. Manual requests are synchronous: they
 * return the report instead.
 */
public final class NotifyMembersHandler extends JsonHandler {
    /**
     * Left of the invocation's time when a run stops starting members: one send with all its throttling retries
     * (at most a quarter of the time, for short timeouts).
     */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(90);
    private static final Set<String> RETRYABLE = Set.of("throttled", "unknown", "error");

    private final NotifyMembers notify;
    private final MailFeedbackRecorder feedback;
    private final NotifyCommands commands;
    /** The administrators' digest and the day's metrics, on the {@value AdminDigest#SCHEDULE} schedule; null: none. */
    private final AdminDigest digest;
    /** Where the daily round is handed on; null: the round runs in the invocation (and fails on purpose to go on). */
    private final NoticeRound round;

    public NotifyMembersHandler() {
        this(new Production(Settings.fromEnvironment()));
    }

    private NotifyMembersHandler(Production production) {
        this(production, production.notifyMembers());
    }

    private NotifyMembersHandler(Production production, NotifyMembers notify) {
        this(notify, production.mailFeedbackRecorder(), production.adminDigest(), production.noticeRound(notify));
        Priming.register("notify-members", this::warmUp);
    }

    /**
     * SnapStart priming: the SDK calls, a schedule event parsed, and the announcement planned, rendered and written
     * as MIME for a made-up member (nothing is sent, claimed or recorded).
     */
    void warmUp() {
        SdkPriming.dynamoDb();
        SdkPriming.sesV2();
        SdkPriming.sns();
        command(Trigger.of(JsonHandler.warmUp("{\"trigger\":\"schedule\",\"schedule\":\"notify-daily\"}")));
        org.appban.policy.BanPolicy policy = notify.policy();
        org.appban.domain.Member member = org.appban.domain.Member.active("priming", "Priming Person", "priming@example.org",
                org.appban.domain.Role.STAFF);
        java.time.Instant at = policy.announcementInstant().plusSeconds(3600);
        NoticeDecision decision = new NoticePlanner(policy).due(new MemberSnapshot(member, List.of(), List.of(), Set.of(), null), at);
        // With the function's own composer: its links are signed, so the signing key is read before the snapshot.
        for (DueNotice due : decision.due()) notify.compose(due, at);
    }

    public NotifyMembersHandler(NotifyMembers notify, MailFeedbackRecorder feedback) {
        this(notify, feedback, null);
    }

    public NotifyMembersHandler(NotifyMembers notify, MailFeedbackRecorder feedback, AdminDigest digest) {
        this(notify, feedback, digest, null);
    }

    /** @param round the daily round on its work queue, or null to run it in one invocation */
    public NotifyMembersHandler(NotifyMembers notify, MailFeedbackRecorder feedback, AdminDigest digest, NoticeRound round) {
        this.notify = notify;
        this.feedback = feedback;
        this.digest = digest;
        this.round = round;
        this.commands = new NotifyCommands(notify.policy());
    }

    /** A triggered run that must be retried to finish; its report was logged. */
    public static final class IncompleteRun extends RuntimeException {
        public IncompleteRun(String message) {
            super(message);
        }
    }

    private static final String EXPECTED = "its schedules, EventBridge events (DeviceStatusChanged, NoticeRequested, RunAuthorised,"
            + " SES feedback), its work queue's SQS batches and manual requests";

    @Override
    protected Object handle(JsonNode event, Context context) {
        Trigger trigger = Trigger.of(event);
        if (trigger instanceof Trigger.SqsMessages batch && round != null) {
            long remaining = context == null || context.getRemainingTimeInMillis() <= 0 ? 15 * 60_000 : context.getRemainingTimeInMillis();
            return round.steps(batch.work(), runId(context), remaining, continuing(context), line -> log(Json.write(line), context));
        }
        NotifyCommand command = command(trigger);
        String runId = runId(context);
        return switch (command) {
            case NotifyCommand.Scheduled s when AdminDigest.SCHEDULE.equals(s.schedule()) -> digest(s, runId, context);
            case NotifyCommand.Scheduled s when round != null -> {
                Map<String, Object> out = round.start(s.schedule());
                log(Json.write(out), context);
                yield out;
            }
            case NotifyCommand.Scheduled s -> triggered(reply("schedule", notify.runScheduled(Actor.schedule(s.schedule()), runId, budget(context)), true)
                    .with("schedule", s.schedule()), context);
            case NotifyCommand.DeviceChanged d -> deviceChanged(d, runId, context);
            case NotifyCommand.Requested r -> triggered(reply("notice-requested", requested(r, runId), false)
                    .with("source", r.source()).with("occasion", r.request().occasion()), context);
            case NotifyCommand.FeedbackReceived f -> {
                Reply reply = new Reply("ses-" + f.feedback().kind().wireName(), "done");
                reply.with("feedbackId", f.feedback().feedbackId())
                        .with("addresses", feedback.record(f.feedback(), Actor.event(NotifyCommands.SES_SOURCE + ":" + f.eventId())));
                // Logged like every triggered run's report; it names addresses by their keyed hashes only.
                yield triggered(reply, context);
            }
            case NotifyCommand.Preview p -> preview(p);
            // A direct invocation proves nobody: it may send what is due (the schedule's own decision, brought
            // forward, each notice once), recorded as the unproven invoker it is, never as a name it wrote.
            case NotifyCommand.Send s -> reply("send", notify.runFor(s.members(), DirectInvocation.ACTOR, runId), false).map;
            // A forced resend and an unblock are an administrator's decisions: only through the admin function URL
            // (notify.run), which proves who asked and hands the request on authorised.
            case NotifyCommand.Resend r -> throw notify.refuseUnproven("a forced resend", "notify.run");
            case NotifyCommand.Unblock u -> throw notify.refuseUnproven("an unblock", "notify.run");
            case NotifyCommand.Authorised a -> authorised(a, runId);
        };
    }

    /** The command the trigger's content reads as; a kind of trigger this function is not wired to is refused. */
    private NotifyCommand command(Trigger trigger) {
        return switch (trigger) {
            case Trigger.Schedule s -> commands.schedule(s.event());
            case Trigger.EventBridgeEvent e -> commands.eventBridge(e.event());
            case Trigger.DirectInvocation d -> commands.direct(d.event());
            // Without a work queue (the rehearsal), nothing sends this function SQS batches.
            case Trigger.SqsMessages t -> throw Trigger.notHandled("notify-members", t, EXPECTED);
            case Trigger.S3Objects t -> throw Trigger.notHandled("notify-members", t, EXPECTED);
            case Trigger.StreamRecords t -> throw Trigger.notHandled("notify-members", t, EXPECTED);
            case Trigger.FunctionUrlCall t -> throw Trigger.notHandled("notify-members", t, EXPECTED);
        };
    }

    /** A manual request handed on by the admin function: the request and its administrator come from the ledger. */
    private Map<String, Object> authorised(NotifyCommand.Authorised a, String runId) {
        org.appban.identity.RunAuthorisation.Redeemed run = org.appban.identity.RunAuthorisation.parsed(notify.redeem(a.authorisation(), a.eventId() == null ? runId : a.eventId()));
        return switch (commands.parseManual(run.request())) {
            case NotifyCommand.Send s -> reply("send", notify.runFor(s.members(), run.actor(), runId), false)
                    .with("authorisation", run.id()).map;
            // The authorisation is the default request id: a retried event resends nothing twice.
            case NotifyCommand.Resend r -> {
                String requestId = r.requestId() == null ? run.id() : r.requestId();
                yield reply("resend", notify.resend(r.member(), r.stage(), r.reason(), requestId, run.actor()), false)
                        .with("stage", r.stage()).with("requestId", requestId).with("authorisation", run.id()).map;
            }
            case NotifyCommand.Unblock u -> new Reply("unblock", "done").with("member", u.member())
                    .with("result", feedback.unblock(u.member(), u.reason(), run.actor())).with("authorisation", run.id()).map;
            default -> throw new IllegalStateException("parseManual let through " + run.request());
        };
    }

    /**
     * A step's budget, read from the invocation's own clock at every check (Lambda's context counts down to its
     * deadline): stop starting members with a send's worth of time left (at most a quarter of the time at the start).
     */
    private static RunBudget continuing(Context context) {
        if (context == null || context.getRemainingTimeInMillis() <= 0) return RunBudget.unlimited();
        long margin = Math.min(SAFETY_MARGIN.toMillis(), Math.max(1, context.getRemainingTimeInMillis() / 4));
        return () -> context.getRemainingTimeInMillis() <= margin;
    }

    /** The digest's run: its metric lines logged one per line (each is one EMF document), then its report. */
    private Object digest(NotifyCommand.Scheduled s, String runId, Context context) {
        if (digest == null) {
            return new Reply("schedule", "ignored").with("schedule", s.schedule()).with("reason", "this function has no digest").map;
        }
        AdminDigest.Report report = digest.run(Actor.schedule(s.schedule()), runId);
        for (String line : report.metrics()) log(line, context);
        Reply reply = new Reply("schedule", report.status()).with("schedule", s.schedule()).with("at", report.at().toString())
                .with("day", report.day().toString()).with("results", report.results()).with("changes", report.changes())
                .with("attention", report.attention());
        if (report.incomplete()) reply.retry = "admin digest incomplete: " + report.results();
        return triggered(reply, context);
    }

    private static void log(String line, Context context) {
        if (context != null && context.getLogger() != null) context.getLogger().log(line + "\n");
        else System.out.println(line);
    }

    private Object deviceChanged(NotifyCommand.DeviceChanged d, String runId, Context context) {
        if (!d.change().policy().equals(notify.policy().id())) {
            return new Reply("device-status-changed", "ignored").with("reason", "the event is for policy " + d.change().policy()
                    + "; this function runs " + notify.policy().id()).map;
        }
        NotifyReport report = notify.runFor(List.of(d.change().member()), Actor.event(DeviceStatusChanged.SOURCE + ":" + d.eventId()), runId);
        return triggered(reply("device-status-changed", report, false).with("member", d.change().member())
                .with("device", d.change().device()).with("change", d.change().change().wireName()), context);
    }

    private Map<String, Object> preview(NotifyCommand.Preview p) {
        NotifyReport report = notify.preview(p.members());
        Reply reply = new Reply("preview", "preview").with("at", report.at().toString()).with("counts", report.counts());
        List<Map<String, Object>> notices = new ArrayList<>();
        List<Map<String, Object>> others = new ArrayList<>();
        int omitted = 0;
        for (NotifyReport.MemberResult m : report.members()) {
            if (m.preview() == null) {
                if (!p.members().isEmpty()) others.add(NoticeRound.line(m));
                continue;
            }
            if (notices.size() == p.limit()) {
                omitted++;
                continue;
            }
            Map<String, Object> n = NoticeRound.line(m);
            n.put("to", m.preview().mail().recipient().value());
            n.put("subject", m.preview().rendered().subject());
            n.put("text", m.preview().rendered().text());
            notices.add(n);
        }
        reply.with("notices", notices);
        if (omitted > 0) reply.with("omitted", omitted);
        if (!others.isEmpty()) reply.with("members", others);
        return reply.map;
    }

    /**
     * A requested notice; one that cannot be honoured (on the ledger already) is also put before the administrators,
     * since the campaign has acted on a member who may not be told: a retry could not change it.
     */
    private NotifyReport requested(NotifyCommand.Requested r, String runId) {
        NotifyReport report = notify.request(r.request(), Actor.event(r.source() + ":" + r.eventId()), runId);
        for (NotifyReport.MemberResult m : report.members()) {
            if (!m.result().equals(NotifyMembers.UNDELIVERABLE)) continue;
            NoticeRequest q = r.request();
            feedback.alerts().alert(new org.appban.alerts.AdminAlert(
                    "appban: a " + q.kind().wireName() + " notice could not be sent to member " + q.member(),
                    "The " + r.source() + " function asked for a " + q.kind().wireName() + " notice to member " + q.member()
                            + " (occasion " + q.occasion() + "), and it cannot be sent: " + m.detail() + ".\nIt is recorded in the"
                            + " member's ledger chain (notice.undeliverable). Tell the member yourself, and correct the policy or"
                            + " the data the request names.",
                    Map.of("member", q.member(), "kind", q.kind().wireName(), "occasion", q.occasion(), "source", r.source())));
        }
        return report;
    }

    /** Logs the report of a triggered run and throws when a retry must finish it. */
    private Map<String, Object> triggered(Reply reply, Context context) {
        String json = Json.write(reply.map);
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(json + "\n");
        } else {
            System.out.println(json);
        }
        if (reply.retry != null) throw new IncompleteRun(reply.retry);
        return reply.map;
    }

    private static Reply reply(String trigger, NotifyReport report, boolean summarise) {
        Reply reply = new Reply(trigger, report.stoppedBy() != null ? "stopped" : "done")
                .with("at", report.at().toString()).with("counts", report.counts());
        if (report.stoppedBy() != null) reply.with("stoppedBy", report.stoppedBy());
        List<Map<String, Object>> lines = new ArrayList<>();
        int omitted = 0;
        boolean retry = NotifyMembers.OUT_OF_TIME.equals(report.stoppedBy());
        for (NotifyReport.MemberResult m : report.members()) {
            if (RETRYABLE.contains(m.result())) retry = true;
            if (summarise && NoticeRound.routine(m)) continue;
            if (summarise && lines.size() == NoticeRound.ATTENTION_LINES) {
                omitted++;
                continue;
            }
            lines.add(NoticeRound.line(m));
        }
        reply.with(summarise ? "attention" : "results", lines);
        if (omitted > 0) reply.with("attentionOmitted", omitted);
        if (retry) reply.retry = trigger + " run incomplete " + report.counts() + (report.stoppedBy() == null ? "" : ": " + report.stoppedBy());
        return reply;
    }

    private static String runId(Context context) {
        String id = context == null ? null : context.getAwsRequestId();
        return id == null || id.isBlank() ? "local-" + UUID.randomUUID() : id;
    }

    private static RunBudget budget(Context context) {
        if (context == null || context.getRemainingTimeInMillis() <= 0) return RunBudget.unlimited();
        Duration remaining = Duration.ofMillis(context.getRemainingTimeInMillis());
        Duration quarter = remaining.dividedBy(4);
        return RunBudget.of(remaining, quarter.compareTo(SAFETY_MARGIN) < 0 ? quarter : SAFETY_MARGIN, System::nanoTime);
    }

    /** The JSON reply: {@code trigger} or {@code action}, {@code status}, then what the run did. */
    private static final class Reply {
        final Map<String, Object> map = new LinkedHashMap<>();
        String retry;

        Reply(String what, String status) {
            map.put(isManual(what) ? "action" : "trigger", what);
            map.put("status", status);
        }

        Reply with(String key, Object value) {
            map.put(key, value);
            return this;
        }

        private static boolean isManual(String what) {
            return Set.of("preview", "send", "resend", "unblock").contains(what);
        }
    }
}
