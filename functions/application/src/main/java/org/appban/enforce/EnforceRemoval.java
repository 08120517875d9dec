package org.appban.enforce;

import org.appban.fleet.MdmCapabilities;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MdmKind;
import org.appban.fleet.EnforcementStep;
import org.appban.fleet.FleetEnforcement;
import org.appban.fleet.SyncOutcome;
import org.appban.notice.NoticeRequest;
import org.appban.policy.BanPolicy;
import org.appban.policy.StageKind;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.remote.RemoteFailure;
import org.appban.safety.BlastRadius;
import org.appban.safety.KillSwitch;

/**
 * Enforces the removal on corporate devices through the MDM, and keeps it enforced.
 *
 * <p>A <em>run</em> ({@link #run}: the deadline schedule, the daily reconcile, an administrator) reads the kill
 * switch, loads the snapshot, asks the {@link EnforcementPlanner}, checks the blast-radius cap, reconciles each MDM's
 * fleet-wide state (uninstall assignment with exemptions excluded, reinstall block, compliance rule) and hands the
 * per-device actions to the work queue, or does them itself when a request names a few devices.
 *
 * <p>A <em>work item</em> ({@link #work}) is one device action. It reads the kill switch again and checks the
 * device and its exemptions again before it acts, because time has passed since the run decided; its command is
 * guarded by a claim, so a retried or duplicated delivery never sends it twice.
 *
 * <p>Nothing reaches the MDM before the kill switch and the cap have been checked, in a dry run nothing reaches it
 * at all, and every action lands in the ledger with the state before and after.
 */
public final class EnforceRemoval {
    /** Longer than the function's timeout: a live worker's claim is never taken over. */
    static final Duration CLAIM_LEASE = Duration.ofMinutes(16);

    private final BanPolicy policy;
    private final DeviceStore devices;
    private final ExemptionStore exemptions;
    private final Ledger ledger;
    private final Claims claims;
    private final KillSwitch killSwitch;
    private final LazyMdms mdms;
    private final WorkQueue queue;
    private final EnforcementNotices notices;
    private final Clock clock;
    private final EnforcementPlanner planner = new EnforcementPlanner();
    private final EnforcementHistory history;

    /**
     * @param mdms the MDM adapters, by the MDM they drive (one in production, from MDM_SECRET_ARN; both in the
     *             rehearsal)
     */
    public EnforceRemoval(BanPolicy policy, DeviceStore devices, ExemptionStore exemptions, Ledger ledger, Claims claims,
                          KillSwitch killSwitch, Map<MdmKind, FleetEnforcement> mdms, WorkQueue queue,
                          EnforcementNotices notices, Clock clock) {
        this(policy, devices, exemptions, ledger, claims, killSwitch, () -> mdms, queue, notices, clock);
    }

    /**
     * As above, with the adapters built on first use: the Lambda builds them from the MDM secret only when a run or
     * a work item gets as far as needing the MDM.
     */
    public EnforceRemoval(BanPolicy policy, DeviceStore devices, ExemptionStore exemptions, Ledger ledger, Claims claims,
                          KillSwitch killSwitch, Supplier<Map<MdmKind, FleetEnforcement>> mdms, WorkQueue queue,
                          EnforcementNotices notices, Clock clock) {
        this.policy = policy;
        this.devices = devices;
        this.exemptions = exemptions;
        this.ledger = ledger;
        this.claims = claims;
        this.killSwitch = killSwitch;
        this.mdms = new LazyMdms(mdms);
        this.queue = queue;
        this.notices = notices;
        this.clock = clock;
        this.history = new EnforcementHistory(ledger, claims);
    }

    /** Records and returns the refusal of a direct request that needs a proven caller ({@link org.appban.identity.DirectInvocation}). */
    public org.appban.input.InvalidInputException refuseUnproven(String request, String instead) {
        return org.appban.identity.DirectInvocation.refuse(ledger, clock.instant(), "enforce-removal", request, instead);
    }

    /** The manual run an administrator authorised through the admin function URL ({@link org.appban.identity.AuthorisedRuns}). */
    public org.appban.identity.AuthorisedRuns.Redeemed redeem(String authorisation, String eventId) {
        return org.appban.identity.AuthorisedRuns.redeem(ledger, clock.instant(), "enforce-removal", authorisation, eventId);
    }

    public BanPolicy policy() {
        return policy;
    }

    // ---------------------------------------------------------------------------------------------------------
    // A run
    // ---------------------------------------------------------------------------------------------------------

    public EnforcementReport run(EnforceRequest request, Actor actor, String runId) {
        Instant now = clock.instant();
        ZoneId zone = policy.zone();
        Run run = new Run(request, actor, runId, now);
        KillSwitch.State ks = killSwitch.read();
        run.killSwitch = new EnforcementReport.KillSwitchView(ks.engaged(), ks.by(), ks.reason());
        if (ks.engaged() && !request.dryRun()) {
            String why = "kill switch engaged" + (ks.by() == null ? "" : " by " + ks.by()) + (ks.reason() == null ? "" : ": " + ks.reason());
            record(run, null, null, "enforce.stopped", "stopped", EnforcementKeys.run(runId, "stopped"), Map.of("reason", why));
            return run.report("stopped", why + "; nothing was sent to any MDM and nothing was queued", null, List.of(), null);
        }
        List<Device> all = devices.all();
        List<Exemption> allExemptions = exemptions.all();
        checkScope(request.scope(), all, run.problems);
        Set<MdmKind> connected = mdms.keySet();
        Map<String, DeviceHistory> past = history.load(all, allExemptions, policy.deadlineInstant(), now, zone);
        EnforcementPlan plan = planner.plan(new EnforcementSnapshot(policy, all, allExemptions, past, connected, now), request.scope());
        if (plan.beforeDeadline()) {
            String why = "before the deadline (" + policy.deadlineInZone() + "): nothing is enforced yet";
            record(run, null, null, "enforce.not-due", request.dryRun() ? "would-do" : "nothing-due",
                    request.dryRun() ? null : EnforcementKeys.run(runId, "not-due"), Map.of("reason", why));
            return run.report("before-deadline", why, plan, List.of(), null);
        }
        BlastRadius cap = new BlastRadius(policy.enforcement().maxDevicesPerRun(), policy.enforcement().maxFleetShare());
        boolean confirmed = request.confirm() != null && request.confirm() >= plan.newRemovals();
        BlastRadius.Verdict verdict = cap.check(plan.newRemovals(), plan.inScope(), confirmed);
        run.blastRadius = new EnforcementReport.BlastRadiusView(plan.newRemovals(), plan.inScope(), policy.enforcement().maxDevicesPerRun(),
                policy.enforcement().maxFleetShare(), request.confirm(), verdict.allowed(), verdict.reason());
        if (request.dryRun()) {
            Map<String, String> details = new LinkedHashMap<>(summary(plan));
            details.put("blastRadius", verdict.reason());
            record(run, null, null, "enforce.dry-run", "would-do", null, details);
            List<EnforcementReport.FleetStep> wouldDo = new ArrayList<>();
            for (MdmDesiredState s : plan.fleet()) {
                for (EnforcementStep.Step step : EnforcementStep.Step.values()) {
                    wouldDo.add(new EnforcementReport.FleetStep(s.mdm(), wire(step), "would-reconcile", describe(step, s),
                            s.uninstallTargets().size(), s.exempt().size()));
                }
            }
            String message = (verdict.allowed() ? "dry run: nothing was changed" : "dry run: a real run would stop at the blast-radius cap: " + verdict.reason())
                    + (ks.engaged() ? "; the kill switch is engaged, so a real run would stop before anything" : "");
            return run.report("dry-run", message, plan, wouldDo, null);
        }
        if (!verdict.allowed()) {
            record(run, null, null, "enforce.stopped", "needs-confirmation", EnforcementKeys.run(runId, "needs-confirmation"),
                    Map.of("reason", verdict.reason(), "acting", Integer.toString(plan.newRemovals()), "inScope", Integer.toString(plan.inScope())));
            return run.report("needs-confirmation", "stopped before acting: " + verdict.reason(), plan, List.of(), null);
        }
        List<EnforcementReport.FleetStep> steps = new ArrayList<>();
        Map<MdmKind, String> noBlock = new EnumMap<>(MdmKind.class);
        boolean failed = false;
        for (MdmDesiredState desired : plan.fleet()) {
            FleetEnforcement mdm = mdms.get(desired.mdm());
            // One run at a time reconciles an MDM: two runs at once (the deadline schedule and a manual run) would
            // both find the app or a policy missing and both create it. The lock is a claim given back afterwards.
            String lock = "enforce/fleet/" + desired.mdm().wireName();
            Claims.Outcome held = claims.claim(lock, runId, now, FLEET_LOCK_LEASE);
            if (held == Claims.Outcome.HELD_ELSEWHERE || held == Claims.Outcome.ALREADY_DONE) {
                for (EnforcementStep.Step step : EnforcementStep.Step.values()) {
                    steps.add(new EnforcementReport.FleetStep(desired.mdm(), wire(step), "busy",
                            "another run is reconciling " + desired.mdm().wireName() + " now; the next run checks its result",
                            desired.uninstallTargets().size(), desired.exempt().size()));
                }
                continue;
            }
            try {
                for (EnforcementStep.Step step : EnforcementStep.Step.values()) {
                    EnforcementReport.FleetStep done = reconcile(run, mdm, desired, step);
                    steps.add(done);
                    failed |= done.outcome().equals("failed");
                    if (step == EnforcementStep.Step.BLOCK_REINSTALL && !done.outcome().equals("changed") && !done.outcome().equals("in-place")) {
                        noBlock.put(desired.mdm(), "reinstall block " + done.outcome() + " on " + desired.mdm().wireName() + ": " + done.detail());
                    }
                }
            } finally {
                claims.release(lock, runId);
            }
        }
        plan = plan.withReinstallUnsupported(noBlock);
        LocalDate day = now.atZone(zone).toLocalDate();
        List<DeviceWork> work = plan.actions().stream().map(a -> DeviceWork.of(a, runId, actor, day)).toList();
        List<WorkOutcome> performed = new ArrayList<>();
        int enqueued = 0;
        if (request.inline()) {
            for (DeviceWork w : work) performed.add(work(w, "inline"));
        } else if (!work.isEmpty()) {
            queue.enqueue(work);
            enqueued = work.size();
        }
        Map<String, String> details = new LinkedHashMap<>(summary(plan));
        details.put("enqueued", Integer.toString(enqueued));
        details.put("performed", Integer.toString(performed.size()));
        details.put("blastRadius", verdict.reason());
        record(run, null, null, "enforce.run", failed ? "partial" : "ok", EnforcementKeys.run(runId, "summary"), details);
        String message = failed ? "a fleet-wide step failed (see fleet); the other steps and the device actions went ahead, and the next run retries"
                : "reconciled " + plan.fleet().size() + " MDM(s); " + plan.actions().size() + " device action(s) " + (request.inline() ? "done" : "queued");
        return run.report(failed ? "partial" : "done", message, plan, steps, new EnforcementReport.Actions(
                plan.actions(DeviceAction.Kind.SYNC).size(), plan.actions(DeviceAction.Kind.ESCALATE).size(), enqueued, performed));
    }

    /** Longer than a run can last (Lambda's 15 minutes), so a crashed run's lock frees itself. */
    static final java.time.Duration FLEET_LOCK_LEASE = java.time.Duration.ofMinutes(16);

    private EnforcementReport.FleetStep reconcile(Run run, FleetEnforcement mdm, MdmDesiredState desired, EnforcementStep.Step step) {
        String outcome;
        String detail;
        Map<String, String> details = new LinkedHashMap<>();
        details.put("desired", describe(step, desired));
        // The attempt is marked before the MDM is touched and cleared once recorded: a retry of this run that finds
        // the mark still open knows an earlier attempt may have made the change and stopped before recording it.
        String key = EnforcementKeys.fleetStep(run.runId, desired.mdm().wireName(), wire(step));
        String attempt = key + "/attempt";
        boolean interrupted = claims.state(attempt).filter(st -> !st.completed()).isPresent();
        Claims.Outcome marked = claims.claim(attempt, run.runId, clock.instant(), FLEET_LOCK_LEASE);
        try {
            EnforcementStep result = switch (step) {
                case UNINSTALL -> mdm.ensureUninstall(policy.app(), desired.uninstallTargets(), desired.exempt());
                case BLOCK_REINSTALL -> mdm.ensureReinstallBlock(policy.app(), desired.exempt());
                case COMPLIANCE_RULE -> mdm.ensureComplianceRule(policy.app(), desired.exempt());
            };
            outcome = switch (result.outcome()) {
                case CHANGED -> "changed";
                case ALREADY_IN_PLACE -> "in-place";
                case UNSUPPORTED -> "unsupported";
            };
            detail = result.detail();
            details.put("before", switch (result.outcome()) {
                case CHANGED -> "differed from the desired state";
                case ALREADY_IN_PLACE -> "as desired";
                case UNSUPPORTED -> "not possible on this MDM";
            });
            details.put("after", result.outcome() == EnforcementStep.Outcome.UNSUPPORTED ? "unchanged" : "as desired: " + result.detail());
            result.evidence().forEach((k, v) -> details.put("evidence." + k, v));
            if (interrupted && result.outcome() == EnforcementStep.Outcome.ALREADY_IN_PLACE) {
                details.put("before", "unknown: an earlier attempt of this run reached the MDM and stopped before recording");
                details.put("interruptedAttempt", "true");
                detail = detail + " (an earlier attempt of this run may have made the change and stopped before recording it)";
            }
        } catch (RemoteFailure f) {
            outcome = "failed";
            detail = f.getMessage();
            details.put("before", "unknown");
            details.put("after", "unknown: " + f.getMessage());
        }
        String action = switch (step) {
            case UNINSTALL -> "mdm.uninstall-assigned";
            case BLOCK_REINSTALL -> "mdm.reinstall-blocked";
            case COMPLIANCE_RULE -> "mdm.compliance-rule";
        };
        details.put("mdm", desired.mdm().wireName());
        record(run, null, null, action, outcome, key, details);
        if (marked == Claims.Outcome.CLAIMED || marked == Claims.Outcome.TAKEN_OVER) claims.complete(attempt, run.runId, outcome, clock.instant());
        return new EnforcementReport.FleetStep(desired.mdm(), wire(step), outcome, detail, desired.uninstallTargets().size(), desired.exempt().size());
    }

    private static String wire(EnforcementStep.Step step) {
        return switch (step) {
            case UNINSTALL -> "uninstall";
            case BLOCK_REINSTALL -> "reinstall-block";
            case COMPLIANCE_RULE -> "compliance-rule";
        };
    }

    private static String describe(EnforcementStep.Step step, MdmDesiredState s) {
        return switch (step) {
            case UNINSTALL -> "uninstall assigned to " + s.uninstallTargets().size() + " device(s), " + s.exempt().size() + " exempt excluded";
            case BLOCK_REINSTALL -> "reinstall blocked on supervised devices, " + s.exempt().size() + " exempt excluded";
            case COMPLIANCE_RULE -> "devices carrying the app noncompliant, " + s.exempt().size() + " exempt excluded";
        };
    }

    private static Map<String, String> summary(EnforcementPlan plan) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("inScope", Integer.toString(plan.inScope()));
        m.put("newRemovals", Integer.toString(plan.newRemovals()));
        m.put("sync", Integer.toString(plan.actions(DeviceAction.Kind.SYNC).size()));
        m.put("escalate", Integer.toString(plan.actions(DeviceAction.Kind.ESCALATE).size()));
        for (DeviceStatus s : DeviceStatus.values()) m.put(s.wireName(), Long.toString(plan.count(s)));
        return m;
    }

    private static void checkScope(EnforcementScope scope, List<Device> all, List<String> problems) {
        if (scope.members() != null) {
            for (String m : scope.members()) {
                if (all.stream().noneMatch(d -> d.owner().equals(m))) problems.add("members: '" + m + "' has no device in the inventory");
            }
        }
        if (scope.devices() != null) {
            for (String id : scope.devices()) {
                Optional<Device> d = all.stream().filter(x -> x.id().equals(id)).findFirst();
                if (d.isEmpty()) problems.add("devices: '" + id + "' is not in the inventory");
                else if (!d.get().isCorporate()) problems.add("devices: '" + id + "' is a private device: removal applies to corporate devices only");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // A work item
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Performs one device action as the plan decided it. The planner's rules are not applied again (not the escalation
     * rule, not the deadline, not when the device came into scope: the item carries that); what is checked is
     * whether the plan's premises still hold, as the world may have moved between the run and this delivery (a
     * queued item can wait): the kill switch, the device still inventoried and corporate, no exemption granted since,
     * the app still listed. A premise that no longer holds skips the item, recorded, for the next run to re-plan.
     *
     * @param deliveryId where it came from (the SQS message id, or {@code inline}), for the ledger
     */
    public WorkOutcome work(DeviceWork w, String deliveryId) {
        Instant now = clock.instant();
        if (w.action() == DeviceAction.Kind.SYNC) settleInterruptedSync(w, deliveryId, now);
        KillSwitch.State ks = killSwitch.read();
        if (ks.engaged()) {
            // Acknowledged, not retried: a stop means stop, and the next reconcile after the release re-decides from
            // the state of then, instead of replaying decisions made before the stop.
            return skipped(w, deliveryId, "kill switch engaged" + (ks.by() == null ? "" : " by " + ks.by()) + (ks.reason() == null ? "" : ": " + ks.reason()));
        }
        Optional<Device> found = devices.find(w.device());
        if (found.isEmpty() || found.get().retired()) return skipped(w, deliveryId, "the device is no longer in the inventory");
        Device d = found.get();
        List<Exemption> own = exemptions.ofMember(d.owner());
        Optional<Exemption> shield = Protection.protecting(d, own, now);
        if (shield.isPresent()) return skipped(w, deliveryId, "exempt now (exemption " + shield.get().id() + ")");
        if (!d.isCorporate()) return skipped(w, deliveryId, "a private device: removal applies to corporate devices only");
        if (d.appPresence() == AppPresence.ABSENT) return skipped(w, deliveryId, "the inventory no longer shows the app");
        Instant since = w.inScopeSince();
        return switch (w.action()) {
            case SYNC -> sync(d, w, deliveryId, since, now);
            case ESCALATE -> escalate(d, w, deliveryId, since, now);
        };
    }

    private WorkOutcome sync(Device d, DeviceWork w, String deliveryId, Instant since, Instant now) {
        FleetEnforcement mdm = mdms.get(d.mdm());
        if (mdm == null) return skipped(w, deliveryId, "not removable through the MDM: " + MdmCapabilities.of(d, mdms.keySet()).removalWhy());
        ZoneId zone = policy.zone();
        Map<String, String> started = new LinkedHashMap<>();
        started.put("inScopeSince", since.toString());
        started.put("before", "app " + d.appPresence().name().toLowerCase() + " in the inventory" + seen(d));
        started.put("after", "uninstall assigned through " + d.mdm().wireName());
        started.put("runId", w.runId());
        ledger.append(new LedgerRecord(now, w.actor(), d.owner(), d.id(), "enforce.removal-started", "ok", false,
                EnforcementKeys.removalStarted(d.id(), since, zone), started));
        String key = EnforcementKeys.sync(d.id(), w.day());
        // One holder per delivery: two deliveries of the item at once (SQS delivers at least once) exclude each other.
        // A worker that died holding the claim is no obstacle: its message comes back after the queue's visibility
        // timeout (90 minutes), past the lease, and the redelivery takes the claim over.
        String holder = "enforce/" + w.runId() + "/" + deliveryId + "/" + UUID.randomUUID();
        Claims.Outcome claim = claims.claim(key, holder, now, CLAIM_LEASE);
        if (claim == Claims.Outcome.ALREADY_DONE) return new WorkOutcome(w.action(), d.id(), WorkOutcome.Result.DONE, "check-in already requested on " + w.day());
        if (claim == Claims.Outcome.HELD_ELSEWHERE) return new WorkOutcome(w.action(), d.id(), WorkOutcome.Result.DONE, "another worker is requesting the check-in");
        if (ledger.byIdempotencyKey(key).isPresent()) {
            // Recorded by an attempt that stopped before completing the claim: finish it, ask nothing again.
            completeSync(key, holder, "requested", now);
            return new WorkOutcome(w.action(), d.id(), WorkOutcome.Result.DONE, "check-in already requested on " + w.day());
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("mdmId", d.mdmId());
        details.put("before", "app " + d.appPresence().name().toLowerCase() + " in the inventory" + seen(d));
        details.put("runId", w.runId());
        details.put("delivery", deliveryId);
        if (claim == Claims.Outcome.TAKEN_OVER) details.put("note", "taken over from a worker that stopped mid-way: the request may have gone out before");
        SyncOutcome outcome;
        try {
            List<SyncOutcome> r = mdm.sync(List.of(d.mdmId()));
            outcome = r.isEmpty() ? new SyncOutcome(d.mdmId(), SyncOutcome.Status.FAILED, "no answer for the device") : r.get(0);
        } catch (RemoteFailure f) {
            details.put("after", "unchanged: " + f.getMessage());
            if (f.retryable() || f.kind() == RemoteFailure.Kind.AUTH) {
                claims.release(key, holder);
                record(w.actor(), now, d, "mdm.sync-requested", "failed-will-retry", null, details);
                return new WorkOutcome(w.action(), d.id(), WorkOutcome.Result.RETRY, f.getMessage());
            }
            record(w.actor(), now, d, "mdm.sync-requested", "failed", key, details);
            completeSync(key, holder, "failed:" + f.kind().name().toLowerCase(), now);
            return new WorkOutcome(w.action(), d.id(), WorkOutcome.Result.FAILED, f.getMessage());
        }
        switch (outcome.status()) {
            case REQUESTED -> {
                // The record first, the claim after: a crash in between leaves the record, which the retry finds.
                details.put("after", "check-in requested: " + outcome.detail());
                record(w.actor(), now, d, "mdm.sync-requested", "ok", key, details);
                completeSync(key, holder, "requested", now);
                return new WorkOutcome(w.action(), d.id(), WorkOutcome.Result.DONE, "check-in requested");
            }
            case NOT_FOUND -> {
                details.put("after", d.mdm().wireName() + " does not know device " + d.mdmId());
                record(w.actor(), now, d, "mdm.sync-requested", "failed", key, details);
                completeSync(key, holder, "not-found", now);
                return new WorkOutcome(w.action(), d.id(), WorkOutcome.Result.FAILED, d.mdm().wireName() + " does not know the device");
            }
            default -> {
                claims.release(key, holder);
                details.put("after", "unchanged: " + outcome.detail());
                record(w.actor(), now, d, "mdm.sync-requested", "failed-will-retry", null, details);
                return new WorkOutcome(w.action(), d.id(), WorkOutcome.Result.RETRY, outcome.detail());
            }
        }
    }

    /**
     * A check-in claim left unfinished past its lease: a worker claimed, may have asked the MDM, and died before
     * recording. Its entry is written now, outcome {@code unknown}, whatever this delivery decides next (the device
     * may since have dropped out of scope), and the claim is completed so the request is not sent again.
     */
    private void settleInterruptedSync(DeviceWork w, String deliveryId, Instant now) {
        String key = EnforcementKeys.sync(w.device(), w.day());
        Optional<Claims.State> st = claims.state(key);
        if (st.isEmpty() || st.get().completed() || st.get().leaseUntil().isAfter(now) || ledger.byIdempotencyKey(key).isPresent()) return;
        String holder = "enforce/" + w.runId() + "/" + deliveryId + "/" + UUID.randomUUID();
        if (claims.claim(key, holder, now, CLAIM_LEASE) != Claims.Outcome.TAKEN_OVER) return;
        Optional<Device> d = devices.find(w.device());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("mdmId", d.map(Device::mdmId).orElse(w.device().substring(w.device().indexOf(':') + 1)));
        details.put("before", "unknown");
        details.put("after", "unknown: a worker claimed this check-in and stopped before recording whether it asked the MDM");
        details.put("interruptedAttempt", "true");
        details.put("runId", w.runId());
        details.put("delivery", deliveryId);
        ledger.append(new LedgerRecord(now, w.actor(), d.map(Device::owner).orElse(null), w.device(), "mdm.sync-requested", "unknown", false, key, details));
        completeSync(key, holder, "unknown", now);
    }

    /** Completes the check-in claim; one completed meanwhile (a taken-over claim finished by its first holder) is fine. */
    private void completeSync(String key, String holder, String outcome, Instant now) {
        try {
            claims.complete(key, holder, outcome, now);
        } catch (IllegalStateException e) {
            if (claims.state(key).filter(Claims.State::completed).isEmpty()) throw e;
        }
    }

    /** The planner found the escalation due ({@link EscalationRule}); the key makes it once per time in scope. */
    private WorkOutcome escalate(Device d, DeviceWork w, String deliveryId, Instant since, Instant now) {
        ZoneId zone = policy.zone();
        String key = EnforcementKeys.escalated(d.id(), since, zone);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("inScopeSince", since.toString());
        details.put("days", Long.toString(Duration.between(since, now).toDays()));
        details.put("before", "app present in the inventory" + seen(d));
        details.put("after", "escalated: administrators' report and the member's removal-escalated notice");
        details.put("runId", w.runId());
        details.put("delivery", deliveryId);
        record(w.actor(), now, d, "enforce.escalated", "ok", key, details);
        try {
            // Asked every time the item is delivered: the occasion makes the email once-only.
            notices.removalEscalated(new NoticeRequest(StageKind.REMOVAL_ESCALATED, d.owner(), d.id(), null, now, key));
        } catch (RuntimeException e) {
            return new WorkOutcome(w.action(), d.id(), WorkOutcome.Result.RETRY, "the notice request failed: " + e.getMessage());
        }
        return new WorkOutcome(w.action(), d.id(), WorkOutcome.Result.DONE, "escalated");
    }

    private WorkOutcome skipped(DeviceWork w, String deliveryId, String why) {
        Instant now = clock.instant();
        String member = devices.find(w.device()).map(Device::owner).orElse(null);
        ledger.append(new LedgerRecord(now, w.actor(), member, w.device(), "enforce.skipped", "skipped", false,
                EnforcementKeys.skipped(w.runId(), w.device(), w.action().wireName()),
                Map.of("action", w.action().wireName(), "reason", why, "runId", w.runId(), "delivery", deliveryId)));
        return new WorkOutcome(w.action(), w.device(), WorkOutcome.Result.SKIPPED, why);
    }

    private static String seen(Device d) {
        return d.lastSeen() == null ? "" : " (seen " + d.lastSeen() + ")";
    }

    private void record(Actor actor, Instant now, Device d, String action, String outcome, String key, Map<String, String> details) {
        ledger.append(new LedgerRecord(now, actor, d.owner(), d.id(), action, outcome, false, key, details));
    }

    private void record(Run run, String member, String device, String action, String outcome, String key, Map<String, String> details) {
        Map<String, String> d = new LinkedHashMap<>(details);
        d.put("trigger", run.request.trigger().wireName());
        d.put("runId", run.runId);
        ledger.append(new LedgerRecord(clock.instant(), run.actor, member, device, action, outcome, run.request.dryRun(),
                run.request.dryRun() ? null : key, d));
    }

    /** The facts of one run while it is being assembled into its report. */
    private final class Run {
        final EnforceRequest request;
        final Actor actor;
        final String runId;
        final Instant at;
        final List<String> problems = new ArrayList<>();
        EnforcementReport.KillSwitchView killSwitch;
        EnforcementReport.BlastRadiusView blastRadius;

        Run(EnforceRequest request, Actor actor, String runId, Instant at) {
            this.request = request;
            this.actor = actor;
            this.runId = runId;
            this.at = at;
        }

        EnforcementReport report(String status, String message, EnforcementPlan plan, List<EnforcementReport.FleetStep> fleet,
                                 EnforcementReport.Actions actions) {
            Map<String, Long> counts = new LinkedHashMap<>();
            List<DeviceVerdict> listed = List.of();
            List<EnforcementReport.Unblockable> notBlockable = List.of();
            List<String> escalations = List.of();
            int omitted = 0;
            if (plan != null) {
                for (DeviceStatus s : DeviceStatus.values()) counts.put(s.wireName(), plan.count(s));
                counts.put("inScope", (long) plan.inScope());
                counts.put("outOfScope", (long) plan.outOfScope());
                counts.put("reinstallNotBlocked", plan.devices().stream().filter(v -> !v.reinstallBlocked() && v.status() != DeviceStatus.EXEMPT).count());
                List<DeviceVerdict> ordered = new ArrayList<>(plan.devices());
                ordered.sort(Comparator.comparingInt((DeviceVerdict v) -> urgency(v.status())).thenComparing(DeviceVerdict::device));
                listed = ordered.subList(0, Math.min(ordered.size(), EnforcementReport.MAX_LISTED));
                omitted = ordered.size() - listed.size();
                notBlockable = plan.devices().stream().filter(v -> !v.reinstallBlocked() && v.status() != DeviceStatus.EXEMPT)
                        .limit(EnforcementReport.MAX_LISTED)
                        .map(v -> new EnforcementReport.Unblockable(v.device(), v.member(), v.label(),
                                v.status() == DeviceStatus.NOT_BLOCKABLE ? v.detail() : v.reinstallDetail()))
                        .toList();
                escalations = plan.actions(DeviceAction.Kind.ESCALATE).stream().map(a -> a.device() + " (" + a.member() + "): " + a.why()).toList();
                if (actions == null) {
                    actions = new EnforcementReport.Actions(plan.actions(DeviceAction.Kind.SYNC).size(), plan.actions(DeviceAction.Kind.ESCALATE).size(), 0, List.of());
                }
            }
            return new EnforcementReport(status, request.trigger().wireName(), runId, actor.toString(), request.dryRun(), at.toString(),
                    policy.deadlineInZone().toOffsetDateTime().toString(), message, killSwitch, blastRadius, fleet, actions, counts, listed, omitted, notBlockable,
                    escalations, List.copyOf(problems));
        }
    }

    private static int urgency(DeviceStatus s) {
        return switch (s) {
            case FAILED -> 0;
            case NOT_BLOCKABLE -> 1;
            case PENDING -> 2;
            case SCHEDULED -> 3;
            case EXEMPT -> 4;
            case REMOVED -> 5;
        };
    }

    /** Builds the adapters once, on first use, so that a run stopped by a rail never even reads the MDM secret. */
    private static final class LazyMdms implements Supplier<Map<MdmKind, FleetEnforcement>> {
        private final Supplier<Map<MdmKind, FleetEnforcement>> build;
        private volatile Map<MdmKind, FleetEnforcement> built;

        LazyMdms(Supplier<Map<MdmKind, FleetEnforcement>> build) {
            this.build = build;
        }

        @Override
        public Map<MdmKind, FleetEnforcement> get() {
            Map<MdmKind, FleetEnforcement> m = built;
            if (m == null) {
                synchronized (this) {
                    if (built == null) built = Map.copyOf(build.get());
                    m = built;
                }
            }
            return m;
        }

        Set<MdmKind> keySet() {
            return get().keySet();
        }

        FleetEnforcement get(MdmKind kind) {
            return get().get(kind);
        }
    }
}
