package org.appban.enforce;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.appban.alerts.AdminAlert;
import org.appban.alerts.AdminAlerts;
import org.appban.domain.Actor;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MdmKind;
import org.appban.fleet.EnforcementStep;
import org.appban.fleet.FleetEnforcement;
import org.appban.fleet.GroupPlacement;
import org.appban.fleet.Placed;
import org.appban.policy.BanPolicy;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.remote.RemoteFailure;
import org.appban.safety.BlastRadius;
import org.appban.safety.KillSwitch;
import org.appban.work.Continuation;
import org.appban.work.PartSlots;
import org.appban.work.SurveyThenAct;
import org.appban.work.WorkBatch;
import org.appban.work.WorkSteps;

/**
 * Enforcement's deciding run (the deadline schedule, the daily reconcile) as a round of queued steps, for a fleet no
 * invocation reads whole. The fleet is cut into parts (DynamoDB's parallel-Scan segments of the devices table), each
 * worked a page at a time; a step short of time hands the rest of its part on ({@link WorkSteps}) and ends normally.
 * Nothing is read whole: a page's exemptions are its owners' (by member), its history by key, and the MDM is changed
 * device by device ({@link FleetEnforcement#place}) with the fleet-wide objects assigned to appban's groups once.
 * Each page is decided by the {@link EnforcementPlanner}, the one statement of the rules (escalation included); its
 * per-device actions go to the device work queue ({@link WorkQueue}) as a run's did.
 *
 * <p>Two phases ({@link SurveyThenAct}, the skeleton it shares with network access's round), so that the blast-radius
 * cap holds for the round as it held for one run:
 * <ol>
 *   <li><b>survey</b> ({@code <trigger>/<day>}): each part plans its devices and changes nothing, counting the
 *       removals it would start and the devices in scope; a part's counts are kept when its survey ends (a completed
 *       claim), and the part that finds every part counted starts the second phase, once (a claim): it checks the cap
 *       on the whole fleet's counts and, within it, writes each MDM's fleet-wide objects (assigned to the groups, so
 *       whatever their members) before handing on the act steps. Over the cap nothing is acted on, recorded once, as a
 *       run over the cap did nothing.</li>
 *   <li><b>act</b> ({@code <trigger>/<day>/act}): each part plans its devices afresh, places each one whose recorded
 *       placement differs from the plan's, and queues the plan's actions. A removal the plan starts takes one of the
 *       part's numbered slots (a claim) first, at most what its survey counted: a device due since the count waits
 *       for tomorrow's round, and a step run twice cannot count twice. The kill switch is read by every step: engaged,
 *       nothing is placed or queued (recorded once a round).</li>
 * </ol>
 * What a device was placed in is noted in the claims table ({@link Claims#note}) after the MDM changed and the ledger
 * recorded it, so the next day's round writes nothing for a device whose placement stands, and a step that died
 * between the MDM and the note finds the device in place and records it then.
 */
public final class EnforcementRound {
    public static final String KIND = "enforce-removal-round";
    /** Devices a step reads at a time (one Scan page of its part). */
    public static final int PAGE = 100;
    static final String NEW = "removals";
    /** Longer than a step can live: a dead holder's claim is taken over by its message's redelivery. */
    static final Duration LEASE = Duration.ofMinutes(16);

    private final BanPolicy policy;
    private final DeviceStore devices;
    private final ExemptionStore exemptions;
    private final Ledger ledger;
    private final Claims claims;
    private final KillSwitch killSwitch;
    private final Supplier<Map<MdmKind, FleetEnforcement>> mdms;
    private final WorkQueue deviceWork;
    private final SurveyThenAct phases;
    private final Integer deadlineConfirm;
    private final AdminAlerts alerts;
    private final Clock clock;
    private final int pageSize;
    private final EnforcementPlanner planner = new EnforcementPlanner();
    private final EnforcementHistory history;

    /**
     * @param mdms            the MDM adapters, built on first use
     * @param deviceWork      where the plan's per-device actions go (EnforceWork)
     * @param work            the round's own queue and gate
     * @param parts           the parts a round is cut into: the workers that run it at once
     * @param deadlineConfirm the stack's DeadlineConfirm, the only confirm a round may carry (null: none)
     * @param alerts          told once when the cap holds a round (a round ends normally, so no error alarm would)
     */
    public EnforcementRound(BanPolicy policy, DeviceStore devices, ExemptionStore exemptions, Ledger ledger, Claims claims,
                            KillSwitch killSwitch, Supplier<Map<MdmKind, FleetEnforcement>> mdms, WorkQueue deviceWork, WorkSteps work,
                            int parts, Integer deadlineConfirm, AdminAlerts alerts, Clock clock) {
        this(policy, devices, exemptions, ledger, claims, killSwitch, mdms, deviceWork, work, parts, deadlineConfirm, alerts, clock, PAGE);
    }

    /** As above, reading {@code page} devices at a time (tests use small pages so that a small fleet takes many steps). */
    EnforcementRound(BanPolicy policy, DeviceStore devices, ExemptionStore exemptions, Ledger ledger, Claims claims,
                     KillSwitch killSwitch, Supplier<Map<MdmKind, FleetEnforcement>> mdms, WorkQueue deviceWork, WorkSteps work,
                     int parts, Integer deadlineConfirm, AdminAlerts alerts, Clock clock, int page) {
        if (page < 1 || page > PAGE) throw new IllegalArgumentException("a page is 1 to " + PAGE + " devices, was " + page);
        this.pageSize = page;
        this.phases = new SurveyThenAct(KIND, "enforce/round", NEW, work, claims, parts, LEASE, clock);
        this.policy = policy;
        this.devices = devices;
        this.exemptions = exemptions;
        this.ledger = ledger;
        this.claims = claims;
        this.killSwitch = killSwitch;
        this.mdms = mdms;
        this.deviceWork = deviceWork;
        this.deadlineConfirm = deadlineConfirm;
        this.alerts = alerts;
        this.clock = clock;
        this.history = new EnforcementHistory(ledger, claims);
    }

    /** The queue the round's steps come from (its URL): a batch from it is a round's, not device work. */
    public String queue() {
        return phases.work().gate().queue();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Start
    // ---------------------------------------------------------------------------------------------------------

    /**
     * A schedule's run: hands the round's survey on, one message per part. The round is named by the trigger, the
     * policy's day and the confirm it carries (already checked against the stack's by the handler), so the same
     * schedule delivered twice hands on the same steps, which the gate refuses as replays.
     */
    public Map<String, Object> start(EnforceRequest.Trigger trigger, Integer confirm) {
        Instant now = clock.instant();
        String round = trigger.wireName() + "/" + LocalDate.ofInstant(now, policy.zone()) + (confirm == null ? "" : "/confirm-" + confirm);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", trigger.wireName());
        out.put("round", round);
        Actor actor = Actor.schedule(trigger.wireName());
        if (now.isBefore(policy.deadlineInstant())) {
            String why = "before the deadline (" + policy.deadlineInZone() + "): nothing is enforced yet";
            fleetRecord(actor, round, "enforce.not-due", "nothing-due", "enforce/round/" + round + "/not-due", Map.of("reason", why));
            out.put("status", "before-deadline");
            out.put("message", why);
            return out;
        }
        KillSwitch.State ks = killSwitch.read();
        if (ks.engaged()) {
            stoppedByKillSwitch(actor, round, ks);
            out.put("status", "stopped");
            out.put("message", describe(ks) + "; nothing was sent to any MDM and nothing was queued");
            return out;
        }
        phases.start(round);
        out.put("status", "handed-on");
        out.put("phase", "survey");
        out.put("parts", phases.parts());
        return out;
    }

    /** A batch from the round's queue. */
    public Map<String, Object> steps(WorkBatch batch, String runId, long remainingMillis, BooleanSupplier timeLeft, Consumer<Map<String, Object>> log) {
        return phases.steps(batch, runId, remainingMillis, timeLeft, log, this::survey, this::act);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Survey
    // ---------------------------------------------------------------------------------------------------------

    private WorkSteps.Outcome survey(SurveyThenAct.Step step) {
        Continuation c = step.continuation();
        String round = step.round();
        Actor actor = step.actor();
        KillSwitch.State ks = killSwitch.read();
        if (ks.engaged()) {
            // The round stops where it is: this part is never counted, so the act phase never starts. Recorded once.
            stoppedByKillSwitch(actor, round, ks);
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("phase", "survey");
            report.put("stoppedBy", "kill switch");
            return WorkSteps.Outcome.partDone(c.tally(), report);
        }
        String cursor = c.cursor();
        long newRemovals = 0;
        long inScope = 0;
        int read = 0;
        boolean last;
        // At least one page a step, whatever the clock says: a step always moves its part on.
        do {
            DeviceStore.Page page = devices.page(c.part(), c.parts(), cursor, pageSize);
            Page p = plan(page.devices());
            newRemovals += p.plan.newRemovals();
            inScope += p.plan.inScope();
            read += page.devices().size();
            if (!page.devices().isEmpty()) cursor = page.devices().get(page.devices().size() - 1).id();
            last = page.last();
        } while (!last && step.timeLeft().getAsBoolean());
        Map<String, Long> tally = phases.tally(step, newRemovals, inScope);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("phase", "survey");
        report.put("devices", read);
        report.put("newRemovals", newRemovals);
        if (!last) return WorkSteps.Outcome.handOn(cursor, tally, report);
        // The part's counts kept; the last part counted opens the act phase: what this step did about it is reported,
        // nothing (a part still counting, or another step opened it), held (over the cap: recorded, nothing acted on),
        // stopped (the kill switch) or started.
        report.put("act", phases.surveyed(step, tally, counts -> opening(round, counts, actor, step.runId())).outcome());
        return WorkSteps.Outcome.partDone(tally, report);
    }

    /** The act phase, decided on the whole round's counts: handed on within the cap with the kill switch released. */
    private SurveyThenAct.Opening opening(String round, SurveyThenAct.Counts counts, Actor actor, String runId) {
        BlastRadius.Verdict cap = cap(round, counts);
        if (!cap.allowed()) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("reason", cap.reason());
            details.put("acting", Long.toString(counts.due()));
            details.put("inScope", Long.toString(counts.inScope()));
            if (fleetRecord(actor, round, "enforce.stopped", "needs-confirmation", "enforce/round/" + round + "/needs-confirmation", details)) {
                alerts.alert(new AdminAlert("Enforcement round " + round + " stopped at the blast-radius cap",
                        cap.reason() + ". Nothing was placed or queued. If the numbers are right, confirm by hand: "
                                + "./appban admin enforce --all --confirm " + counts.due() + " --run (or set DeadlineConfirm for the deadline).",
                        Map.of("round", round, "acting", Long.toString(counts.due()), "inScope", Long.toString(counts.inScope()))));
            }
            return new SurveyThenAct.Opening("held", false);
        }
        KillSwitch.State ks = killSwitch.read();
        if (ks.engaged()) {
            stoppedByKillSwitch(actor, round, ks);
            return new SurveyThenAct.Opening("stopped", false);
        }
        // The fleet-wide objects before any device is placed in a group, so a device placed is reached at once.
        assignFleetObjects(round, actor, runId);
        return new SurveyThenAct.Opening("started", true);
    }

    /** The cap on the whole round's counts, with the round's confirm honoured only when it is the stack's. */
    private BlastRadius.Verdict cap(String round, SurveyThenAct.Counts counts) {
        Integer confirm = confirmOf(round);
        boolean confirmed = confirm != null && confirm.equals(deadlineConfirm) && confirm >= counts.due();
        return new BlastRadius(policy.enforcement().maxDevicesPerRun(), policy.enforcement().maxFleetShare())
                .check((int) Math.min(Integer.MAX_VALUE, counts.due()), (int) Math.min(Integer.MAX_VALUE, counts.inScope()), confirmed);
    }

    private static Integer confirmOf(String round) {
        int at = round.indexOf("/confirm-");
        if (at < 0) return null;
        try {
            return Integer.parseInt(round.substring(at + "/confirm-".length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Each MDM's fleet-wide objects assigned to appban's groups (uninstall, reinstall block, compliance rule), recorded
     * once a round. Written before any device is placed, so a device placed in a group is reached at once.
     */
    private void assignFleetObjects(String round, Actor actor, String runId) {
        for (Map.Entry<MdmKind, FleetEnforcement> e : mdms.get().entrySet()) {
            for (EnforcementStep.Step step : EnforcementStep.Step.values()) {
                EnforcementStep done = e.getValue().ensureAssigned(step, policy.app());
                Map<String, String> details = new LinkedHashMap<>();
                details.put("mdm", e.getKey().wireName());
                details.put("after", done.outcome() == EnforcementStep.Outcome.UNSUPPORTED ? "unchanged" : "as desired: " + done.detail());
                details.put("before", switch (done.outcome()) {
                    case CHANGED -> "differed from the desired state";
                    case ALREADY_IN_PLACE -> "as desired";
                    case UNSUPPORTED -> "not possible on this MDM";
                });
                done.evidence().forEach((k, v) -> details.put("evidence." + k, v));
                details.put("runId", runId);
                String action = switch (step) {
                    case UNINSTALL -> "mdm.uninstall-assigned";
                    case BLOCK_REINSTALL -> "mdm.reinstall-blocked";
                    case COMPLIANCE_RULE -> "mdm.compliance-rule";
                };
                String outcome = switch (done.outcome()) {
                    case CHANGED -> "changed";
                    case ALREADY_IN_PLACE -> "in-place";
                    case UNSUPPORTED -> "unsupported";
                };
                fleetRecord(actor, round, action, outcome, "enforce/round/" + round + "/" + e.getKey().wireName() + "/" + step.name().toLowerCase(), details);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Act
    // ---------------------------------------------------------------------------------------------------------

    private WorkSteps.Outcome act(SurveyThenAct.Step step, SurveyThenAct.Counts counts) {
        Continuation c = step.continuation();
        String round = step.round();
        Actor actor = step.actor();
        long allowance = counts.allowance(c.part());
        KillSwitch.State ks = killSwitch.read();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("phase", "act");
        if (ks.engaged()) {
            // Acknowledged, not retried: a stop means stop, and the next round after the release decides afresh.
            stoppedByKillSwitch(actor, round, ks);
            report.put("stoppedBy", "kill switch");
            return WorkSteps.Outcome.partDone(Map.of(SurveyThenAct.SLOTS, c.tally(SurveyThenAct.SLOTS)), report);
        }
        PartSlots slots = phases.slots(step, "enforce/round-slot", allowance);
        String cursor = c.cursor();
        int read = 0;
        Tally tally = new Tally();
        boolean last;
        do {
            DeviceStore.Page page = devices.page(c.part(), c.parts(), cursor, pageSize);
            try {
                actOn(page.devices(), round, slots, actor, step.runId(), tally);
            } catch (RemoteFailure f) {
                // The MDM failing: the step is given back from its own cursor (what this page did stands, noted), and
                // after the queue's redeliveries lands in the dead-letter queue and its alarm.
                report.put("devices", read);
                report.putAll(tally.report());
                report.put("stoppedBy", f.getMessage());
                return WorkSteps.Outcome.stopped(cursor, Map.of(SurveyThenAct.SLOTS, slots.taken()), report);
            }
            read += page.devices().size();
            if (!page.devices().isEmpty()) cursor = page.devices().get(page.devices().size() - 1).id();
            last = page.last();
        } while (!last && step.timeLeft().getAsBoolean());
        report.put("devices", read);
        report.put("allowance", allowance);
        report.putAll(tally.report());
        Map<String, Long> next = Map.of(SurveyThenAct.SLOTS, slots.taken());
        return last ? WorkSteps.Outcome.partDone(next, report) : WorkSteps.Outcome.handOn(cursor, next, report);
    }

    /** What a step did, for its line. */
    private static final class Tally {
        int placed;
        int inPlace;
        int queued;
        int held;

        Map<String, Object> report() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("placed", placed);
            m.put("alreadyPlaced", inPlace);
            m.put("queued", queued);
            m.put("heldByCap", held);
            return m;
        }
    }

    /**
     * One page: planned afresh, each device whose noted placement differs placed (a removal the plan starts only with
     * a slot), then the plan's actions for the devices not held queued. The MDM before the ledger, the ledger before
     * the note: a step that dies in between runs the page again and finds the device in place.
     */
    private void actOn(List<Device> page, String round, PartSlots slots, Actor actor, String runId, Tally tally) {
        if (page.isEmpty()) return;
        Page p = plan(page);
        if (p.plan.beforeDeadline()) return;
        Instant now = clock.instant();
        Map<String, GroupPlacement> wanted = placements(p);
        Set<String> held = new HashSet<>();
        for (DeviceAction a : p.plan.actions()) {
            if (a.kind() == DeviceAction.Kind.SYNC && a.newRemoval() && !slots.take(a.device(), runId)) held.add(a.device());
        }
        tally.held += held.size();
        Map<String, Device> byId = new HashMap<>();
        page.forEach(d -> byId.put(d.id(), d));
        Map<String, Claims.State> noted = claims.states(wanted.keySet().stream().map(EnforcementRound::placedKey).toList());
        Map<MdmKind, Map<String, GroupPlacement>> toPlace = new EnumMap<>(MdmKind.class);
        Map<String, String> before = new HashMap<>();
        for (Map.Entry<String, GroupPlacement> w : wanted.entrySet()) {
            Device d = byId.get(w.getKey());
            if (held.contains(d.id())) continue;
            String value = placedValue(d, w.getValue());
            Claims.State st = noted.get(placedKey(d.id()));
            if (st != null && value.equals(st.outcome())) {
                tally.inPlace++;
                continue;
            }
            before.put(d.id(), st == null ? "none noted" : st.outcome());
            toPlace.computeIfAbsent(d.mdm(), k -> new LinkedHashMap<>()).put(d.mdmId(), w.getValue());
        }
        Map<MdmKind, FleetEnforcement> connected = mdms.get();
        LocalDate day = now.atZone(policy.zone()).toLocalDate();
        for (Map.Entry<MdmKind, Map<String, GroupPlacement>> e : toPlace.entrySet()) {
            Map<String, Device> byMdmId = new HashMap<>();
            page.stream().filter(d -> d.mdm() == e.getKey()).forEach(d -> byMdmId.put(d.mdmId(), d));
            for (Placed placed : connected.get(e.getKey()).place(policy.app(), e.getValue())) {
                Device d = byMdmId.get(placed.mdmId());
                if (d == null) continue;
                String value = placedValue(d, placed.placement());
                if (placed.status() == Placed.Status.NOT_FOUND && placed.placement() != GroupPlacement.NONE) {
                    // Gone from the MDM since the inventory saw it: nothing to place now; tried again tomorrow, until
                    // the inventory sync retires it.
                    continue;
                }
                boolean firstNote = !before.get(d.id()).contains("@");
                if (placed.status() != Placed.Status.CHANGED && placed.placement() == GroupPlacement.NONE && firstNote) {
                    // In no appban group, as it always was (a private or retired device): noted, nothing to record.
                    claims.note(placedKey(d.id()), value, clock.instant());
                    tally.inPlace++;
                    continue;
                }
                Map<String, String> details = new LinkedHashMap<>();
                details.put("mdm", d.mdm().wireName());
                details.put("mdmId", d.mdmId());
                details.put("before", before.get(d.id()));
                details.put("after", placed.placement().wireName() + ": " + placed.detail());
                details.put("mdmSaid", placed.status().name().toLowerCase().replace('_', '-'));
                if (placed.status() != Placed.Status.CHANGED) {
                    details.put("note", "the MDM already had it so: an earlier attempt that stopped before recording, or a whole-set run, placed it");
                }
                details.put("round", round);
                details.put("runId", runId);
                ledger.append(new LedgerRecord(clock.instant(), actor, d.owner(), d.id(), "mdm.group-placed", "ok", false,
                        "enforce/placed/" + d.id() + "/" + value + "/" + day, details));
                claims.note(placedKey(d.id()), value, clock.instant());
                if (placed.status() == Placed.Status.CHANGED) tally.placed++;
                else tally.inPlace++;
            }
        }
        List<DeviceWork> items = p.plan.actions().stream().filter(a -> !held.contains(a.device())).map(a -> DeviceWork.of(a, runId, actor, day)).toList();
        if (!items.isEmpty()) deviceWork.enqueue(items);
        tally.queued += items.size();
    }

    /** Where the plan wants each device of the page that a connected MDM manages (the rest are no MDM's to place). */
    private static Map<String, GroupPlacement> placements(Page p) {
        Map<MdmKind, Set<String>> targets = new EnumMap<>(MdmKind.class);
        Map<MdmKind, Set<String>> exempt = new EnumMap<>(MdmKind.class);
        for (MdmDesiredState s : p.plan.fleet()) {
            targets.put(s.mdm(), s.uninstallTargets());
            exempt.put(s.mdm(), s.exempt());
        }
        Map<String, GroupPlacement> out = new LinkedHashMap<>();
        for (Device d : p.devices) {
            if (!targets.containsKey(d.mdm()) || d.mdmId() == null || d.mdmId().isBlank()) continue;
            GroupPlacement g = targets.get(d.mdm()).contains(d.mdmId()) ? GroupPlacement.TARGET
                    : exempt.get(d.mdm()).contains(d.mdmId()) ? GroupPlacement.EXEMPT : GroupPlacement.NONE;
            out.put(d.id(), g);
        }
        return out;
    }

    /** The noted value: the placement and the MDM id it was made for (a device re-enrolled under a new id is placed again). */
    private static String placedValue(Device d, GroupPlacement g) {
        return g.wireName() + "@" + d.mdm().wireName() + ":" + d.mdmId();
    }

    static String placedKey(String deviceId) {
        return "enforce/placed/" + deviceId;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Shared
    // ---------------------------------------------------------------------------------------------------------

    private record Page(List<Device> devices, EnforcementPlan plan) {
    }

    /**
     * The planner over one page: its owners' exemptions (by member, never the table), its devices' history by key.
     * The planner decides each device from its own facts, so a page's plan is the fleet plan's for those devices.
     */
    private Page plan(List<Device> page) {
        Instant now = clock.instant();
        Map<String, List<Exemption>> byOwner = new HashMap<>();
        for (Device d : page) byOwner.computeIfAbsent(d.owner(), exemptions::ofMember);
        List<Exemption> own = byOwner.values().stream().flatMap(List::stream).toList();
        Map<String, DeviceHistory> past = history.load(page, own, policy.deadlineInstant(), now, policy.zone());
        EnforcementPlan plan = planner.plan(new EnforcementSnapshot(policy, page, own, past, mdms.get().keySet(), now), EnforcementScope.ALL);
        return new Page(page, plan);
    }

    private void stoppedByKillSwitch(Actor actor, String round, KillSwitch.State ks) {
        fleetRecord(actor, round, "enforce.stopped", "stopped", "enforce/round/" + round + "/kill-switch", Map.of("reason", describe(ks)));
    }

    private static String describe(KillSwitch.State ks) {
        return "kill switch engaged" + (ks.by() == null ? "" : " by " + ks.by()) + (ks.reason() == null ? "" : ": " + ks.reason());
    }

    /** A round's fleet-wide entry, once a round (its key names the round); true when this call wrote it. */
    private boolean fleetRecord(Actor actor, String round, String action, String outcome, String key, Map<String, String> details) {
        Map<String, String> d = new LinkedHashMap<>(details);
        d.put("round", round);
        return ledger.append(new LedgerRecord(clock.instant(), actor, null, null, action, outcome, false, key, d)).written();
    }

    /** For tests: the recorded placement of a device, as the next round reads it. */
    Optional<String> placedOf(String deviceId) {
        return claims.state(placedKey(deviceId)).map(Claims.State::outcome);
    }
}
