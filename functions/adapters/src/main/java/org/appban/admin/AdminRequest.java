package org.appban.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.appban.exemption.ExemptionView;
import org.appban.input.StrictObject;
import org.appban.json.Json;

/**
 * A request to the admin function: {@code {"operation": "...", ...}}, read strictly (unknown fields, wrong types and
 * missing fields are all reported, with their names, before anything runs).
 *
 * <pre>
 * exemption.request  member, reason, [devices: [ids]], [requestId]
 * exemption.grant    id, expires (date-time with offset), [note]
 * exemption.refuse   id, reason
 * exemption.revoke   id, reason
 * exemption.list     [member], [state: requested|active|expired|refused|revoked]
 * exemption.sweep    (asks for the exemption notices that are due)
 * status             [export: false], [includeMembers: false]  (either reads the whole campaign and writes the report)
 * tally.check        [repair: false]
 * preview            [days: 14 (1..366)], [from: date-time with offset; default now]
 * killswitch.on      reason
 * killswitch.off     reason
 * ledger.verify      [chain], [from: "checkpoint" (default: the latest full digest) | "start" (every digest) | a full digest's number, as text]
 * ledger.export      member | device | all (true: the whole ledger and its digests, for an auditor)
 * enforce.run        request: an enforce-removal manual request ({"request":"enforce",...}), [requestId]
 * access.run         request: a network-access manual request ({"action":"quarantine",...}), [requestId]
 * notify.run         request: a notify-members manual request ({"action":"resend"|"unblock"|"send",...}), [requestId]
 * roster.run         request: a roster-import manual request ({"bucket":..,"key":..,"dryRun":false,"confirm":n}), [requestId]
 * approval.list      [state: pending|approved|expired]
 * approval.approve   id   (the second administrator's approval of a pending request)
 * </pre>
 */
public sealed interface AdminRequest {
    String operation();

    record ExemptionRequest(String member, List<String> devices, String reason, String requestId) implements AdminRequest {
        public String operation() {
            return "exemption.request";
        }
    }

    record ExemptionGrant(String id, Instant expires, String note) implements AdminRequest {
        public String operation() {
            return "exemption.grant";
        }
    }

    record ExemptionRefuse(String id, String reason) implements AdminRequest {
        public String operation() {
            return "exemption.refuse";
        }
    }

    record ExemptionRevoke(String id, String reason) implements AdminRequest {
        public String operation() {
            return "exemption.revoke";
        }
    }

    record ExemptionList(String member, String state) implements AdminRequest {
        public String operation() {
            return "exemption.list";
        }
    }

    record ExemptionSweep() implements AdminRequest {
        public String operation() {
            return "exemption.sweep";
        }
    }

    /**
     * Without either flag, the campaign's counters (a few items, {@link CountedStatus}); with {@code export} or
     * {@code includeMembers}, also the full report read from the whole campaign and written to the reports store.
     */
    record Status(boolean includeMembers, boolean export) implements AdminRequest {
        public Status(boolean includeMembers) {
            this(includeMembers, false);
        }

        public boolean full() {
            return includeMembers || export;
        }

        public String operation() {
            return "status";
        }
    }

    /** Reconciles the campaign's counters with the ledger ({@link TallyCheck}); {@code repair} corrects a drift found. */
    record TallyCheckRequest(boolean repair) implements AdminRequest {
        public String operation() {
            return "tally.check";
        }
    }

    record Preview(int days, Instant from) implements AdminRequest {
        public String operation() {
            return "preview";
        }
    }

    record KillSwitchSet(boolean engage, String reason) implements AdminRequest {
        public String operation() {
            return engage ? "killswitch.on" : "killswitch.off";
        }
    }

    /** @param from null: from the latest checkpoint; {@code start}: every digest; else a full digest's number */
    record LedgerVerify(String chain, String from) implements AdminRequest {
        public String operation() {
            return "ledger.verify";
        }
    }

    /** @param all the whole ledger with the anchored digests, for an auditor (member and device are then null) */
    record LedgerExport(String member, String device, boolean all) implements AdminRequest {
        public String operation() {
            return "ledger.export";
        }
    }

    /**
     * A manual run of another function, handed on with a proven actor ({@link org.appban.identity.RunAuthorisation}).
     *
     * @param function enforce-removal, network-access, notify-members or roster-import
     * @param request  the function's own manual request, as it would take it directly
     */
    record ManualRun(String operation, String function, JsonNode request, String requestId) implements AdminRequest {
        public boolean dryRun() {
            // notify-members' requests have no dry run (its preview is read-only, and not handed on).
            if (function.equals("notify-members")) return false;
            return !request.path("dryRun").isBoolean() || request.path("dryRun").booleanValue();
        }

        public boolean confirms() {
            return request.has("confirm");
        }
    }

    record ApprovalList(String state) implements AdminRequest {
        public String operation() {
            return "approval.list";
        }
    }

    record ApprovalApprove(String id) implements AdminRequest {
        public String operation() {
            return "approval.approve";
        }
    }

    List<String> OPERATIONS = List.of("exemption.request", "exemption.grant", "exemption.refuse", "exemption.revoke",
            "exemption.list", "exemption.sweep", "status", "tally.check", "preview", "killswitch.on", "killswitch.off", "ledger.verify",
            "ledger.export", "approval.list", "approval.approve", "enforce.run", "access.run", "notify.run", "roster.run");

    String SOURCE = "admin request";

    /** @throws org.appban.input.InvalidInputException naming every problem */
    static AdminRequest parse(JsonNode json) {
        return Parser.parse(json);
    }

    /** The operation named by a request, when it names a known one (for the record of a rejected request). */
    static String operationOf(JsonNode json) {
        JsonNode op = json == null ? null : json.get("operation");
        return op != null && op.isTextual() && OPERATIONS.contains(op.textValue()) ? op.textValue() : null;
    }

    final class Parser {
        private static final Pattern REQUEST_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,100}$");
        private static final int MAX_TEXT = 2000;

        private Parser() {
        }

        /** ledger.verify's {@code from}: absent or "checkpoint" (null), "start", or a digest number from 1 (as text). */
        private static String digestsFrom(StrictObject o) {
            String v = o.optionalText("from").orElse("checkpoint");
            if (v.equals("checkpoint")) return null;
            if (v.equals("start") || v.matches("[1-9][0-9]{0,9}")) return v;
            o.problem("from", "must be \"checkpoint\" (the latest full digest), \"start\" (every digest) or a full digest's number");
            return null;
        }

        static AdminRequest parse(JsonNode json) {
            StrictObject.Problems problems = new StrictObject.Problems(SOURCE);
            StrictObject o = StrictObject.root(json, problems);
            String operation = o.text("operation");
            if (operation == null) {
                problems.throwIfAny();
            }
            if (!OPERATIONS.contains(operation)) {
                o.problem("operation", "unknown operation '" + operation + "'; expected one of " + String.join(", ", OPERATIONS));
                problems.throwIfAny();
            }
            AdminRequest request = switch (operation) {
                case "exemption.request" -> new ExemptionRequest(o.text("member"), o.texts("devices", false),
                        text(o, "reason", true), requestId(o));
                case "exemption.grant" -> new ExemptionGrant(o.text("id"), o.instant("expires", true), text(o, "note", false));
                case "exemption.refuse" -> new ExemptionRefuse(o.text("id"), text(o, "reason", true));
                case "exemption.revoke" -> new ExemptionRevoke(o.text("id"), text(o, "reason", true));
                case "exemption.list" -> new ExemptionList(o.optionalText("member").orElse(null), state(o));
                case "exemption.sweep" -> new ExemptionSweep();
                case "status" -> new Status(Boolean.TRUE.equals(o.bool("includeMembers", false)), Boolean.TRUE.equals(o.bool("export", false)));
                case "tally.check" -> new TallyCheckRequest(Boolean.TRUE.equals(o.bool("repair", false)));
                case "preview" -> new Preview(days(o), o.instant("from", false));
                case "killswitch.on" -> new KillSwitchSet(true, text(o, "reason", true));
                case "killswitch.off" -> new KillSwitchSet(false, text(o, "reason", true));
                case "ledger.verify" -> new LedgerVerify(o.optionalText("chain").orElse(null), digestsFrom(o));
                case "ledger.export" -> export(o);
                case "approval.list" -> new ApprovalList(approvalState(o));
                case "enforce.run" -> manualRun(json, o, operation, "enforce-removal");
                case "access.run" -> manualRun(json, o, operation, "network-access");
                case "notify.run" -> manualRun(json, o, operation, "notify-members");
                case "roster.run" -> manualRun(json, o, operation, "roster-import");
                case "approval.approve" -> new ApprovalApprove(o.text("id"));
                default -> throw new IllegalStateException("operation listed but not parsed: " + operation);
            };
            o.rejectUnknownFields();
            problems.throwIfAny();
            return request;
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

        private static ManualRun manualRun(JsonNode json, StrictObject o, String operation, String function) {
            o.object("request", true);
            JsonNode request = json.get("request");
            return new ManualRun(operation, function, request != null && request.isObject() ? request : Json.object(), requestId(o));
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

        private static LedgerExport export(StrictObject o) {
            int before = o.problems().list().size();
            String member = o.optionalText("member").orElse(null);
            String device = o.optionalText("device").orElse(null);
            boolean all = o.bool("all", false);
            boolean typeProblems = o.problems().list().size() > before;
            if (!typeProblems && (member == null ? 0 : 1) + (device == null ? 0 : 1) + (all ? 1 : 0) != 1) {
                o.problem(null, "name exactly one of \"member\", \"device\" or \"all\": true to export");
            }
            return new LedgerExport(member, device, all);
        }
    }
}
