package org.appban.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;
import org.appban.enforce.EnforceRequestJson;
import org.appban.exemption.ExemptionView;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.json.Json;
import org.appban.notice.commands.NotifyCommands;
import org.appban.policy.BanPolicy;
import org.appban.roster.RosterImport;

/**
 * The admin request's JSON ({@link AdminRequest} lists the operations and their fields): read strictly (unknown
 * fields, wrong types and missing fields are all reported, with their names, before anything runs), and the manual
 * runs' requests checked as their functions read them.
 */
public final class AdminRequestJson implements AdminRequestFormat {
    private static final Pattern REQUEST_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,100}$");
    private static final int MAX_TEXT = 2000;

    private final BanPolicy policy;

    /** @param policy what notify-members' manual requests are checked against (its stages) */
    public AdminRequestJson(BanPolicy policy) {
        this.policy = policy;
    }

    /** @throws InvalidInputException naming every problem */
    public static AdminRequest parse(JsonNode json) {
        StrictObject.Problems problems = new StrictObject.Problems(AdminRequest.SOURCE);
        StrictObject o = StrictObject.root(json, problems);
        String operation = o.text("operation");
        if (operation == null) {
            problems.throwIfAny();
        }
        if (!AdminRequest.OPERATIONS.contains(operation)) {
            o.problem("operation", "unknown operation '" + operation + "'; expected one of " + String.join(", ", AdminRequest.OPERATIONS));
            problems.throwIfAny();
        }
        AdminRequest request = switch (operation) {
            case "exemption.request" -> new AdminRequest.ExemptionRequest(o.text("member"), o.texts("devices", false),
                    text(o, "reason", true), requestId(o));
            case "exemption.grant" -> new AdminRequest.ExemptionGrant(o.text("id"), o.instant("expires", true), text(o, "note", false));
            case "exemption.refuse" -> new AdminRequest.ExemptionRefuse(o.text("id"), text(o, "reason", true));
            case "exemption.revoke" -> new AdminRequest.ExemptionRevoke(o.text("id"), text(o, "reason", true));
            case "exemption.list" -> new AdminRequest.ExemptionList(o.optionalText("member").orElse(null), state(o));
            case "exemption.sweep" -> new AdminRequest.ExemptionSweep();
            case "status" -> new AdminRequest.Status(Boolean.TRUE.equals(o.bool("includeMembers", false)),
                    Boolean.TRUE.equals(o.bool("export", false)));
            case "tally.check" -> new AdminRequest.TallyCheckRequest(Boolean.TRUE.equals(o.bool("repair", false)));
            case "preview" -> new AdminRequest.Preview(days(o), o.instant("from", false));
            case "killswitch.on" -> new AdminRequest.KillSwitchSet(true, text(o, "reason", true));
            case "killswitch.off" -> new AdminRequest.KillSwitchSet(false, text(o, "reason", true));
            case "ledger.verify" -> new AdminRequest.LedgerVerify(o.optionalText("chain").orElse(null), digestsFrom(o));
            case "ledger.export" -> export(o);
            case "approval.list" -> new AdminRequest.ApprovalList(approvalState(o));
            case "enforce.run" -> manualRun(json, o, operation, "enforce-removal");
            case "access.run" -> manualRun(json, o, operation, "network-access");
            case "notify.run" -> manualRun(json, o, operation, "notify-members");
            case "roster.run" -> manualRun(json, o, operation, "roster-import");
            case "approval.approve" -> new AdminRequest.ApprovalApprove(o.text("id"));
            default -> throw new IllegalStateException("operation listed but not parsed: " + operation);
        };
        o.rejectUnknownFields();
        problems.throwIfAny();
        return request;
    }

    /** The operation named by a request, when it names a known one (for the record of a rejected request). */
    public static String operationOf(JsonNode json) {
        JsonNode op = json == null ? null : json.get("operation");
        return op != null && op.isTextual() && AdminRequest.OPERATIONS.contains(op.textValue()) ? op.textValue() : null;
    }

    /** The request as it was sent, as the ledger keeps it for a second approval: compact JSON, its fields in their order. */
    public static String text(JsonNode json) {
        return Json.write(json);
    }

    @Override
    public AdminRequest read(String text) {
        return parse(tree(text, "a stored admin request"));
    }

    /** The function checks the request again in full; what can be checked here is, before anything is recorded. */
    @Override
    public void checkManualRun(AdminRequest.ManualRun r) {
        JsonNode request = tree(r.request(), "a manual run's request");
        if (r.function().equals("enforce-removal")) {
            EnforceRequestJson.parseManual(request);
            return;
        }
        if (r.function().equals(NotifyCommands.FUNCTION)) {
            new NotifyCommands(policy).parseManual(request);
            return;
        }
        if (r.function().equals(RosterImport.FUNCTION)) {
            StrictObject.Problems problems = new StrictObject.Problems(r.operation() + " request");
            StrictObject o = StrictObject.root(request, problems);
            o.text("bucket");
            o.text("key");
            o.bool("dryRun", true);
            Integer confirm = o.has("confirm") ? o.integer("confirm") : null;
            if (confirm != null && confirm < 0) o.problem("confirm", "must be a number of members, 0 or more");
            o.rejectUnknownFields();
            problems.throwIfAny();
            return;
        }
        String action = request.path("action").asText("");
        if (!List.of("reconcile", "quarantine", "release", "ingest").contains(action)) {
            throw new InvalidInputException(r.operation(), "request.action", "'" + action + "' is not reconcile, quarantine, release or ingest");
        }
    }

    /** Text this codec wrote (a stored request, a manual run's request) reads back; if it does not, the store is at fault. */
    private static JsonNode tree(String text, String what) {
        try {
            return Json.parse(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(what + " is not JSON: " + Json.problem(e), e);
        }
    }

    /** ledger.verify's {@code from}: absent or "checkpoint" (null), "start", or a digest number from 1 (as text). */
    private static String digestsFrom(StrictObject o) {
        String v = o.optionalText("from").orElse("checkpoint");
        if (v.equals("checkpoint")) return null;
        if (v.equals("start") || v.matches("[1-9][0-9]{0,9}")) return v;
        o.problem("from", "must be \"checkpoint\" (the latest full digest), \"start\" (every digest) or a full digest's number");
        return null;
    }

    private static String text(StrictObject o, String field, boolean required) {
        String s = required ? o.text(field) : o.optionalText(field).orElse(null);
        if (s != null && s.length() > MAX_TEXT) {
            o.problem(field, "is longer than " + MAX_TEXT + " characters");
            return null;
        }
        return s;
    }

    private static String requestId(StrictObject o) {
        String id = o.optionalText("requestId").orElse(null);
        if (id != null && !REQUEST_ID.matcher(id).matches()) {
            o.problem("requestId", "must be 1 to 100 letters, digits or ._:-");
            return null;
        }
        return id;
    }

    private static String state(StrictObject o) {
        String state = o.optionalText("state").orElse(null);
        if (state != null && !ExemptionView.STATES.contains(state)) {
            o.problem("state", "'" + state + "' is not one of " + String.join(", ", ExemptionView.STATES));
            return null;
        }
        return state;
    }

    /**
     * The run's own request goes on as its JSON text (what the authorisation records, byte for byte as before the
     * service moved out of adapters), with the two facts the two-person rule reads from it.
     */
    private static AdminRequest.ManualRun manualRun(JsonNode json, StrictObject o, String operation, String function) {
        o.object("request", true);
        JsonNode request = json.get("request");
        if (request == null || !request.isObject()) request = Json.object();
        Boolean dryRun = request.path("dryRun").isBoolean() ? request.path("dryRun").booleanValue() : null;
        return new AdminRequest.ManualRun(operation, function, Json.write(request), dryRun, request.has("confirm"), requestId(o));
    }

    private static String approvalState(StrictObject o) {
        String state = o.optionalText("state").orElse(null);
        if (state != null && !SecondApprovals.STATES.contains(state)) {
            o.problem("state", "'" + state + "' is not one of " + String.join(", ", SecondApprovals.STATES));
            return null;
        }
        return state;
    }

    private static int days(StrictObject o) {
        int days = o.integer("days", 14);
        if (days < 1 || days > 366) {
            o.problem("days", "must be between 1 and 366, found " + days);
            return 14;
        }
        return days;
    }

    private static AdminRequest.LedgerExport export(StrictObject o) {
        int before = o.problems().list().size();
        String member = o.optionalText("member").orElse(null);
        String device = o.optionalText("device").orElse(null);
        boolean all = o.bool("all", false);
        boolean typeProblems = o.problems().list().size() > before;
        if (!typeProblems && (member == null ? 0 : 1) + (device == null ? 0 : 1) + (all ? 1 : 0) != 1) {
            o.problem(null, "name exactly one of \"member\", \"device\" or \"all\": true to export");
        }
        return new AdminRequest.LedgerExport(member, device, all);
    }
}
