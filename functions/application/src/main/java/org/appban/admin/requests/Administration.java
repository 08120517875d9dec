package org.appban.admin.requests;

import org.appban.admin.AdminRequest;
import org.appban.admin.AdminRequestFormat;
import org.appban.admin.Caller;
import org.appban.admin.CampaignStatus;
import org.appban.admin.CountedStatus;
import org.appban.admin.FleetSnapshot;
import org.appban.admin.LedgerAudit;
import org.appban.admin.ManualRuns;
import org.appban.admin.NetworkAccessLookup;
import org.appban.admin.SecondApprovals;
import org.appban.admin.StatusReport;
import org.appban.admin.StatusReportExport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.appban.admin.preview.CampaignPreview;
import org.appban.admin.preview.PreviewReport;
import org.appban.domain.LedgerRecord;
import org.appban.exemption.ExemptionOutcome;
import org.appban.exemption.ExemptionService;
import org.appban.exemption.ExemptionView;
import org.appban.exemption.SweepReport;
import org.appban.identity.AuthorisedRuns;
import org.appban.identity.PrincipalPattern;
import org.appban.identity.ProvenPrincipal;
import org.appban.input.InvalidInputException;
import org.appban.policy.BanPolicy;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;
import org.appban.safety.KillSwitch;

/**
 * The administrators' operations behind the admin function (and callable in-process, e.g. by the rehearsal). Every
 * call, accepted or rejected, is answered with a report and recorded in the fleet's ledger chain as
 * {@code admin.<operation>} with the caller's identity and how it was established. Operations that change the
 * campaign or act in someone's name need a proven caller ({@link Caller#proven}, from the function URL's IAM
 * authorisation) whom the policy names as an administrator or approver; a direct invocation may only read
 * ({@link #READ_ONLY}), and anything else it asks is refused, recorded with the reason, and changes nothing.
 *
 * <p>It takes typed requests ({@link AdminRequest}) and answers an {@link AdminAnswer}; their JSON (the request
 * read strictly, the answer's envelope) is the edge's, {@code AdministrationJson} in adapters, and what the service
 * must itself read back in a wire format (a request stored for its second approval, a manual run's request) goes
 * through the port {@link AdminRequestFormat}. Failures of the world (a store that does not answer) are thrown, for
 * the platform to retry.
 */
public final class Administration {
    static final int MAX_DETAIL = 500;

    private final BanPolicy policy;
    private final AdminRequestFormat format;
    private final MemberStore members;
    private final DeviceStore devices;
    private final ExemptionStore exemptions;
    private final Ledger ledger;
    private final ExemptionService exemptionService;
    private final KillSwitch killSwitch;
    private final StatusReportExport statusExport;
    private final LedgerAudit audit;
    private final CampaignPreview preview;
    private final NetworkAccessLookup network;
    private final Clock clock;
    private final List<PrincipalPattern> administrators;
    private final SecondApprovals secondApprovals;
    private final ManualRuns runs;

    /**
     * @param format       reads a request stored for its second approval back, checks a manual run's request
     * @param statusExport where a full status report is written (the reports store)
     * @param audit        the ledger's verification and exports (with the stack's anchored digests, where it has them)
     * @param runs         hands manual runs on to their functions, authorised ({@link AuthorisedRuns}); {@link
     *                     ManualRuns#unavailable()} where nothing is wired to carry them out
     */
    public Administration(BanPolicy policy, AdminRequestFormat format, MemberStore members, DeviceStore devices,
                          ExemptionStore exemptions, Ledger ledger, ExemptionService exemptionService, KillSwitch killSwitch,
                          StatusReportExport statusExport, LedgerAudit audit, CampaignPreview preview,
                          NetworkAccessLookup network, ManualRuns runs, Clock clock) {
        this.policy = policy;
        this.format = format;
        this.members = members;
        this.devices = devices;
        this.exemptions = exemptions;
        this.ledger = ledger;
        this.exemptionService = exemptionService;
        this.killSwitch = killSwitch;
        this.statusExport = statusExport;
        this.audit = audit;
        this.preview = preview;
        this.network = network;
        this.runs = runs;
        this.clock = clock;
        this.administrators = PrincipalPattern.parseAll(policy.administration().administrators());
        this.secondApprovals = new SecondApprovals(policy.administration().secondApproval(), policy.zone(), ledger, clock);
    }

    /**
     * Runs and records one request.
     *
     * @param asSent       the request as it was sent (its wire text): what a pending approval keeps, to carry out later
     * @param invocationId unique per invocation (Lambda's request id): the call's ledger key, and the default request
     *                     key of an {@code exemption.request}, so a retried invocation repeats nothing
     */
    public AdminAnswer handle(AdminRequest request, String asSent, Caller caller, String invocationId) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(invocationId, "invocationId");
        Instant at = clock.instant();
        try {
            Outcome outcome = run(request, asSent, caller, invocationId);
            String status = outcome.pending() ? "pending" : "done";
            record(at, caller, request.operation(), outcome.pending() ? "pending" : "ok", invocationId, outcome.summary());
            return new AdminAnswer(status, request.operation(), caller, at, outcome.result(), null);
        } catch (InvalidInputException e) {
            return rejected(e, request.operation(), caller, invocationId, at);
        }
    }

    /**
     * Records and answers a request that could not be read (a function URL body that is not JSON, a request the
     * edge refused).
     *
     * @param operation the operation it named, when it named one the service knows; else null
     */
    public AdminAnswer rejected(InvalidInputException e, String operation, Caller caller, String invocationId) {
        return rejected(e, operation, caller, invocationId, clock.instant());
    }

    private AdminAnswer rejected(InvalidInputException e, String operation, Caller caller, String invocationId, Instant at) {
        record(at, caller, operation, "rejected", invocationId, e.getMessage());
        return new AdminAnswer("rejected", operation, caller, at, null, e);
    }

    /** @param pending the act waits for a second administrator ({@link SecondApprovals}) */
    private record Outcome(Object result, String summary, boolean pending) {
        Outcome(Object result, String summary) {
            this(result, summary, false);
        }
    }

    /** The operations a caller nobody proved (a direct invocation) may run: they change nothing and name no one. */
    public static final Set<String> READ_ONLY = Set.of("exemption.list", "status", "preview", "ledger.verify", "ledger.export",
            "approval.list");

    /**
     * The proven caller a changing operation needs, who must also be an administrator or an approver.
     *
     * @throws InvalidInputException naming the caller when the call is a direct invocation or the principal is
     *                               neither; nothing has been done
     */
    private ProvenPrincipal administrator(AdminRequest request, Caller caller) {
        ProvenPrincipal p = caller.principal().orElseThrow(() -> new InvalidInputException(request.operation(), "caller",
                "a direct invocation proves nobody, and " + request.operation() + " changes the campaign in someone's name: "
                        + "call it through the admin function URL (stack output AdminFunctionUrl, AuthType AWS_IAM), e.g. "
                        + "./appban admin --stack STACK ...; direct invocations may only run " + String.join(", ", new java.util.TreeSet<>(READ_ONLY))));
        if (!administrators.stream().anyMatch(a -> a.matches(p)) && !exemptionService.rules().approvers().mayDecide(p)) {
            throw new InvalidInputException(request.operation(), "caller", "'" + p.arn() + "' is not an administrator (the policy's "
                    + "administration.administrators: " + String.join(", ", policy.administration().administrators())
                    + "; exemptions.approvers: " + String.join(", ", policy.exemptions().approvers()) + ")");
        }
        return p;
    }

    private Outcome run(AdminRequest request, String asSent, Caller caller, String invocationId) {
        Instant now = clock.instant();
        ProvenPrincipal by = READ_ONLY.contains(request.operation()) ? null : administrator(request, caller);
        if (by != null && secondApprovals.needed(request, now)) {
            // The first administrator's part: checked as the act itself would be, then recorded as pending.
            if (request instanceof AdminRequest.ExemptionGrant g) {
                org.appban.domain.Exemption e = exemptions.find(g.id()).orElseThrow(() -> new InvalidInputException("exemption.grant", "id", "no exemption '" + g.id() + "'"));
                exemptionService.rules().grant("exemption.grant", e, members.find(e.member()).orElse(null), by, g.expires(), now);
            }
            SecondApprovals.Approval a = secondApprovals.request(request, asSent, by);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("approval", a);
            result.put("waitsFor", "a second administrator, before " + a.expires() + ": approval.approve with id " + a.id()
                    + " (./appban admin approve " + a.id() + "); " + secondApprovals.why(request));
            return new Outcome(result, "approval " + a.id() + " pending until " + a.expires(), true);
        }
        return execute(request, by, invocationId, now);
    }

    private Outcome execute(AdminRequest request, ProvenPrincipal by, String invocationId, Instant now) {
        return switch (request) {
            case AdminRequest.ExemptionRequest r -> {
                List<ExemptionOutcome> out = exemptionService.request(r.member(), r.devices(), r.reason(),
                        r.requestId() == null ? invocationId : r.requestId(), by);
                yield new Outcome(Map.of("exemptions", out), "member " + r.member() + ": "
                        + String.join(", ", out.stream().map(o -> o.result() + " " + o.exemption().id()).toList()));
            }
            case AdminRequest.ExemptionGrant r -> exemption(exemptionService.grant(r.id(), r.expires(), r.note(), by));
            case AdminRequest.ExemptionRefuse r -> exemption(exemptionService.refuse(r.id(), r.reason(), by));
            case AdminRequest.ExemptionRevoke r -> exemption(exemptionService.revoke(r.id(), r.reason(), by));
            case AdminRequest.ExemptionList r -> {
                if (r.member() != null && members.find(r.member()).isEmpty()) {
                    throw new InvalidInputException("exemption.list", "member", "no member '" + r.member() + "' on the roster");
                }
                List<ExemptionView> list = exemptionService.list(r.member(), r.state());
                yield new Outcome(Map.of("count", list.size(), "exemptions", list), list.size() + " exemptions");
            }
            case AdminRequest.ExemptionSweep r -> {
                SweepReport sweep = exemptionService.sweep(by.actor());
                yield new Outcome(sweep, sweep.notices().size() + " exemption notices asked for");
            }
            case AdminRequest.Status r -> status(r, now);
            case AdminRequest.TallyCheckRequest r -> {
                org.appban.admin.TallyCheck check = new org.appban.admin.tally.TallyReconciliation(ledger).run(now, r.repair());
                yield new Outcome(check, org.appban.admin.tally.TallyReconciliation.summary(check));
            }
            case AdminRequest.Preview r -> {
                Instant from = r.from() == null ? now : r.from();
                PreviewReport report = preview.preview(snapshot(now), from, from.plus(Duration.ofDays(r.days())));
                yield new Outcome(report, report.actions().size() + " actions, " + report.losesAccess().size() + " losing access, "
                        + r.days() + " days from " + from);
            }
            case AdminRequest.KillSwitchSet r -> {
                KillSwitch.State before = killSwitch.read();
                killSwitch.set(r.engage(), by.arn(), r.reason());
                KillSwitch.State after = killSwitch.read();
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("engaged", after.engaged());
                result.put("by", after.by());
                result.put("reason", after.reason());
                result.put("wasEngaged", before.engaged());
                yield new Outcome(result, (r.engage() ? "engaged" : "disengaged") + ": " + r.reason());
            }
            case AdminRequest.ApprovalList r -> {
                List<SecondApprovals.Approval> list = secondApprovals.list(r.state());
                yield new Outcome(Map.of("count", list.size(), "approvals", list), list.size() + " approvals");
            }
            case AdminRequest.ApprovalApprove r -> {
                SecondApprovals.Approval a = secondApprovals.approve(r.id(), by);
                AdminRequest original = format.read(a.request());
                // The second approval carries the act out, in the approver's name (the proven caller of this call).
                Outcome done = execute(original, administrator(original, Caller.proven(by)), invocationId, now);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("approval", a);
                result.put("operation", original.operation());
                result.put("result", done.result());
                yield new Outcome(result, "approved " + a.id() + " (" + original.operation() + " asked by " + a.requestedBy() + "): " + done.summary());
            }
            case AdminRequest.ManualRun r -> {
                format.checkManualRun(r);
                // A request id makes a repeated call (a client retry, a re-delivery) find the same authorisation.
                String id = "run-" + SecondApprovals.id(r.requestId() == null ? invocationId : by.person() + "\n" + r.requestId()).substring(4);
                AuthorisedRuns.authorise(ledger, now, id, r.function(), r.request(), by);
                runs.handOn(r.function(), id);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("authorisation", id);
                result.put("function", r.function());
                result.put("dryRun", r.dryRun());
                result.put("handedOn", "the run goes to " + r.function() + " as " + by.arn() + "; its report is in the function's log "
                        + "and its decisions in the ledger");
                yield new Outcome(result, "run " + id + " handed on to " + r.function() + (r.dryRun() ? " (dry run)" : ""));
            }
            case AdminRequest.LedgerVerify r -> {
                LedgerAudit.Verification v = audit.verify(r.chain(), r.from(), now);
                yield new Outcome(v, v.intact() ? v.chains() + " chains intact" + (v.digests() == null ? "" : ", " + v.digests().digests() + " digests agree")
                        : v.firstBreak() != null ? "BROKEN: " + v.firstBreak().chain() + " at " + v.firstBreak().seq()
                        : "BROKEN: " + v.digests().problems().get(0));
            }
            case AdminRequest.LedgerExport r -> {
                LedgerAudit.Export x;
                if (r.all()) {
                    if (!audit.anchored()) throw new InvalidInputException("ledger.export", "all", "this stack anchors no digests; export a member or a device");
                    x = audit.exportAll(now);
                } else if (r.member() != null) {
                    if (members.find(r.member()).isEmpty()) throw new InvalidInputException("ledger.export", "member", "no member '" + r.member() + "' on the roster");
                    x = audit.exportMember(r.member(), now);
                } else {
                    if (devices.find(r.device()).isEmpty()) throw new InvalidInputException("ledger.export", "device", "no device '" + r.device() + "' in the inventory");
                    x = audit.exportDevice(r.device(), now);
                }
                yield new Outcome(x, x.subject() + ": " + x.entries() + " entries to " + x.location());
            }
        };
    }

    private Outcome exemption(ExemptionOutcome o) {
        return new Outcome(o, o.result() + " " + o.exemption().id() + " (member " + o.exemption().member() + ")");
    }

    /**
     * The campaign's counters, read as a few items whatever its size ({@link CountedStatus}): what an administrator's
     * status request answers, quickly. With {@code export} (or {@code includeMembers}), the full report as well: the
     * whole campaign read (roster, inventory, exemptions, every member's chain), one row per member and device
     * written to the reports store as JSON and CSV, and its totals. That read grows with the campaign, so it is asked
     * for, never the default (README, "Status and the campaign's counters").
     */
    private Outcome status(AdminRequest.Status r, Instant now) {
        CountedStatus counted = CountedStatus.of(ledger.tally());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("policy", policy.id());
        result.put("at", now);
        result.put("counters", counted);
        if (!r.full()) {
            String summary = counted.counted() == null ? "counters " + counted.state()
                    : counted.counted().noticesSent() + " notices, " + counted.counted().offNetwork() + " off the network (counters " + counted.state() + ")";
            return new Outcome(result, summary);
        }
        StatusReport report = new CampaignStatus(network).build(snapshot(now));
        Map<String, String> where = statusExport.export(report);
        result.put("totals", report.totals());
        result.put("reports", where);
        if (r.includeMembers()) result.put("members", report.members());
        return new Outcome(result, report.totals().members() + " members, " + report.totals().devices() + " devices; " + where.get("json"));
    }

    /** The campaign as it stands, for the status report, the status page and previews. */
    public FleetSnapshot snapshot(Instant at) {
        return FleetSnapshot.load(policy, at, members, devices, exemptions, ledger);
    }

    private void record(Instant at, Caller caller, String operation, String outcome, String invocationId, String detail) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("operation", operation == null ? "(unknown)" : operation);
        details.put("callerSource", caller.source());
        details.put("invocation", invocationId);
        if (detail != null) details.put(outcome.equals("ok") ? "summary" : "error", truncate(detail));
        ledger.append(new LedgerRecord(at, caller.actor(), null, null, "admin." + (operation == null ? "unknown" : operation),
                outcome, false, "admin/" + invocationId, details));
    }

    static String truncate(String s) {
        return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL - 1) + "…";
    }
}
