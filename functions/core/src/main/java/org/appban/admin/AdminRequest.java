package org.appban.admin;

import java.time.Instant;
import java.util.List;

/**
 * A request to the admin function, as the service runs it. Its wire form is {@code {"operation": "...", ...}},
 * read strictly at the edge by {@code AdminRequestJson} in adapters (unknown fields, wrong types and missing fields
 * are all reported, with their names, before anything runs):
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
     * A manual run of another function, handed on with a proven actor ({@link org.appban.identity.AuthorisedRuns}).
     *
     * @param function the function: enforce-removal, network-access, notify-members or roster-import
     * @param request  the function's own manual request, as it would take it directly: its JSON text as written back
     *                 from the admin request, which the authorisation records and the function reads
     * @param dryRunAsked the request's {@code dryRun} when it is a boolean, else null (read at the edge with the text)
     * @param confirms whether the request has a {@code confirm} (a count past the policy's blast-radius cap)
     */
    record ManualRun(String operation, String function, String request, Boolean dryRunAsked, boolean confirms,
                     String requestId) implements AdminRequest {
        public boolean dryRun() {
            // notify-members' requests have no dry run (its preview is read-only, and not handed on).
            if (function.equals("notify-members")) return false;
            return dryRunAsked == null || dryRunAsked;
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
}
