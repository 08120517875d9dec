package org.appban.notice.commands;

import org.appban.notice.NoticeRequestJson;
import org.appban.notice.EventBridgeNoticeRequests;
import org.appban.notice.NoticeRequest;
import org.appban.notice.NoticeRequests;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.inventory.DeviceStatusChanged;
import org.appban.mail.MailFeedback;
import org.appban.mail.SesFeedbackEvent;
import org.appban.policy.BanPolicy;
import org.appban.policy.NoticeStage;

/**
 * Reads the events notify-members is invoked with, one method per kind of trigger (the handler tells the kinds apart
 * by their envelope, {@code org.appban.lambda.Trigger}). Pure: JSON in, a {@link NotifyCommand} out, or an
 * {@link InvalidInputException} naming every problem with its path.
 *
 * <ul>
 *   <li><b>Schedule</b> (EventBridge Scheduler's fixed Input): {@code {"trigger":"schedule","schedule":"notify-daily"}}, and
 *       the administrators' digest's {@code {"trigger":"schedule","schedule":"admin-digest"}}.</li>
 *   <li><b>EventBridge events</b> (recognised by {@code source}, {@code detail-type} and {@code detail}):
 *     <ul>
 *       <li>{@code appban.inventory} / {@value DeviceStatusChanged#DETAIL_TYPE};</li>
 *       <li>{@code appban.<function>} / {@value NoticeRequest#DETAIL_TYPE} (see {@link NoticeRequests});</li>
 *       <li>{@code aws.ses} / {@value #SES_BOUNCE} or {@value #SES_COMPLAINT}, from the SES configuration set's
 *           EventBridge destination.</li>
 *     </ul></li>
 *   <li><b>Manual requests</b> ({@code action}): {@code preview}, {@code send}, {@code resend}, {@code unblock}.</li>
 * </ul>
 *
 * <p>Strictness: payloads this project writes (the schedule's, manual requests, the {@code detail} of
 * DeviceStatusChanged and NoticeRequested) reject unknown fields. The EventBridge envelope and SES's event record
 * are written by AWS, which adds fields over time (e.g. {@code replay-name} on replayed events), so there only the
 * fields read are checked; rejecting an unknown one would drop a real bounce.
 */
public final class NotifyCommands {
    public static final String SES_SOURCE = "aws.ses";
    public static final String SES_BOUNCE = "Email Bounced";
    public static final String SES_COMPLAINT = "Email Complaint Received";
    /** Most members one manual request may name; a larger send is the schedule's job. */
    public static final int MAX_LISTED = 1000;
    public static final int MAX_PREVIEWS = 200;
    /** This function's name in run authorisations (the admin function's {@code notify.run}). */
    public static final String FUNCTION = org.appban.notice.NotifyMembers.FUNCTION;
    /** The daily schedule's name, as template.yaml's NotifyDailySchedule sends it. */
    public static final String SCHEDULE = "notify-daily";
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    private static final Pattern REQUEST_ID = Pattern.compile("^[A-Za-z0-9._:/#@+=-]{1,128}$");

    private final BanPolicy policy;

    public NotifyCommands(BanPolicy policy) {
        this.policy = policy;
    }

    /**
     * A manual request as an administrator may hand it on authorised ({@code notify.run}): {@code send}, {@code resend}
     * or {@code unblock}, read as strictly as a direct one.
     *
     * @throws InvalidInputException naming the field when it is not one of those, or not well formed
     */
    public NotifyCommand parseManual(JsonNode request) {
        if (request == null || !request.isObject() || !request.has("action")) {
            throw new InvalidInputException("manual request", "action", "is required: send, resend or unblock");
        }
        NotifyCommand command = manual(request);
        if (command instanceof NotifyCommand.Preview) {
            throw new InvalidInputException("manual request", "action", "a preview changes nothing: ask notify-members directly, "
                    + "or the admin function's preview");
        }
        return command;
    }

    /** A schedule's fixed input, {@code {"trigger":"schedule","schedule":...}}, read strictly. */
    public NotifyCommand schedule(JsonNode event) {
        StrictObject.Problems problems = new StrictObject.Problems("schedule payload");
        StrictObject o = StrictObject.root(event, problems);
        String trigger = o.text("trigger");
        if (trigger != null && !trigger.equals("schedule")) o.problem("trigger", "'" + trigger + "' is not 'schedule'");
        String schedule = o.text("schedule");
        if (schedule != null && !NAME.matcher(schedule).matches()) o.problem("schedule", "must be 1 to 64 letters, digits, '.', '_' or '-'");
        else if (schedule != null && !schedule.equals(org.appban.digest.AdminDigest.SCHEDULE)) schedule = o.scheduleName("schedule", SCHEDULE);
        o.rejectUnknownFields();
        problems.throwIfAny();
        return new NotifyCommand.Scheduled(schedule);
    }

    /** An EventBridge event delivered by a rule: the envelope's fields as AWS writes them, the detail strictly. */
    public NotifyCommand eventBridge(JsonNode event) {
        StrictObject.Problems problems = new StrictObject.Problems("EventBridge event");
        StrictObject o = StrictObject.root(event, problems);
        String id = o.text("id");
        String source = o.text("source");
        String detailType = o.text("detail-type");
        o.instant("time", true);
        o.optionalText("version");
        o.optionalText("account");
        o.optionalText("region");
        o.texts("resources", false);
        StrictObject detail = o.object("detail", true);
        if (source == null || detailType == null || detail == null) {
            problems.throwIfAny();
        }
        NotifyCommand command = null;
        if (DeviceStatusChanged.SOURCE.equals(source) && DeviceStatusChanged.DETAIL_TYPE.equals(detailType)) {
            DeviceStatusChanged change = DeviceStatusChanged.fromDetail(detail);
            if (change.policy() != null && change.member() != null) command = new NotifyCommand.DeviceChanged(id, change);
        } else if (NoticeRequest.DETAIL_TYPE.equals(detailType)) {
            if (!EventBridgeNoticeRequests.SOURCE.matcher(source).matches()) {
                o.problem("source", "'" + source + "' may not request notices; requests come from appban.<function>");
            } else {
                problems.throwIfAny();
                command = new NotifyCommand.Requested(id, source, NoticeRequestJson.parse(event.get("detail"), "NoticeRequested detail"));
            }
        } else if (org.appban.identity.RunAuthorisation.SOURCE.equals(source) && org.appban.identity.RunAuthorisation.DETAIL_TYPE.equals(detailType)) {
            String function = detail.text("function");
            String authorisation = detail.text("authorisation");
            detail.rejectUnknownFields();
            if (function != null && !function.equals(FUNCTION)) {
                detail.problem("function", "'" + function + "' is not " + FUNCTION + ": the run was authorised for another function");
            }
            problems.throwIfAny();
            command = new NotifyCommand.Authorised(id, authorisation);
        } else if (SES_SOURCE.equals(source) && (SES_BOUNCE.equals(detailType) || SES_COMPLAINT.equals(detailType))) {
            MailFeedback.Kind expected = SES_BOUNCE.equals(detailType) ? MailFeedback.Kind.BOUNCE : MailFeedback.Kind.COMPLAINT;
            MailFeedback feedback = SesFeedbackEvent.read(detail, expected);
            if (feedback != null) command = new NotifyCommand.FeedbackReceived(id, feedback);
        } else {
            o.problem("detail-type", "no notify-members trigger for source '" + source + "' and detail-type '" + detailType
                    + "'; expected appban.inventory/DeviceStatusChanged, appban.<function>/NoticeRequested, appban.admin/RunAuthorised, or aws.ses/"
                    + SES_BOUNCE + " or " + SES_COMPLAINT);
        }
        problems.throwIfAny();
        if (command == null) throw new InvalidInputException("EventBridge event", "detail", "could not be read");
        return command;
    }

    /**
     * A direct invocation: a manual request, {@code {"action": ...}}; an invocation that names no action is not one
     * of this function's events at all.
     */
    public NotifyCommand direct(JsonNode event) {
        if (!event.has("action")) {
            throw new InvalidInputException("notify-members event", "", "not a notify-members event: expected a schedule"
                    + " payload {\"trigger\":\"schedule\",...}, an EventBridge event (source, detail-type, detail), or a"
                    + " manual request {\"action\":\"preview|send|resend|unblock\",...}");
        }
        return manual(event);
    }

    private NotifyCommand manual(JsonNode event) {
        StrictObject.Problems problems = new StrictObject.Problems("manual request");
        StrictObject o = StrictObject.root(event, problems);
        String action = o.text("action");
        NotifyCommand command = null;
        switch (action == null ? "" : action) {
            case "preview" -> {
                List<String> members = members(o, false);
                int limit = o.integer("limit", 20);
                if (limit < 1 || limit > MAX_PREVIEWS) o.problem("limit", "must be from 1 to " + MAX_PREVIEWS);
                command = new NotifyCommand.Preview(members, limit);
            }
            case "send" -> command = new NotifyCommand.Send(members(o, true));
            case "resend" -> {
                String member = o.text("member");
                String stage = o.text("stage");
                Boolean force = o.bool("force");
                String reason = reason(o);
                String requestId = o.optionalText("requestId").orElse(null);
                if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
                    o.problem("requestId", "must be 1 to 128 characters from letters, digits and ._:/#@+=-");
                }
                if (force != null && !force) {
                    o.problem("force", "must be true: a resend sends the stage again whatever was sent before");
                }
                if (stage != null && policy.notices().stage(stage).filter(s -> s.kind().isScheduled()).isEmpty()) {
                    o.problem("stage", "'" + stage + "' is not a scheduled stage of policy " + policy.id() + " ("
                            + String.join(", ", policy.notices().stages().stream().filter(s -> s.kind().isScheduled())
                            .map(NoticeStage::id).toList()) + ")");
                }
                command = new NotifyCommand.Resend(member, stage, reason, requestId);
            }
            case "unblock" -> command = new NotifyCommand.Unblock(o.text("member"), reason(o));
            case "" -> {
            }
            default -> o.problem("action", "'" + action + "' is not one of preview, send, resend, unblock");
        }
        o.rejectUnknownFields();
        problems.throwIfAny();
        return command;
    }

    private static List<String> members(StrictObject o, boolean required) {
        int before = o.problems().list().size();
        List<String> members = o.texts("members", required);
        if (required && members.isEmpty() && o.problems().list().size() == before) {
            o.problem("members", "must list at least one member");
        }
        if (members.size() > MAX_LISTED) o.problem("members", "lists " + members.size() + " members; at most " + MAX_LISTED);
        return members;
    }

    private static String reason(StrictObject o) {
        String reason = o.text("reason");
        if (reason != null && reason.strip().length() < 5) o.problem("reason", "must say why (at least 5 characters)");
        if (reason != null && reason.length() > 500) o.problem("reason", "must be at most 500 characters");
        return reason == null ? null : reason.strip();
    }
}
