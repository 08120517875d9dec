package org.appban.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.appban.alerts.InMemoryAdminAlerts;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MdmKind;
import org.appban.fleet.EnforcementStep;
import org.appban.fleet.FleetEnforcement;
import org.appban.fleet.GroupPlacement;
import org.appban.fleet.Placed;
import org.appban.fleet.SyncOutcome;
import org.appban.json.Json;
import org.appban.policy.BannedApp;
import org.appban.ports.Claims;
import org.appban.testing.WorkEvents;
import org.appban.work.ContinuationGate;
import org.appban.work.ContinuationJson;
import org.appban.work.WorkBatch;
import org.appban.work.WorkSteps;
import org.junit.jupiter.api.Test;

/**
 * Enforcement's deciding run as a round of queued steps, on the sample fleet with the real Intune and Jamf adapters
 * over the simulators: cut by the time limit anywhere, or killed right after an MDM change, it places every device
 * once, records each change once and asks each device to check in once; it never fails on purpose, keeps the
 * blast-radius cap for the round as a whole and stops for the kill switch; the next day's round writes nothing.
 */
class EnforcementRoundTest {
    static final String QUEUE = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-test-EnforceRoundWork";
    static final String DEADLINE = "2023-03-31T00:00+13:00";
    static final int CONFIRM = 1000;
    /** Three devices a page, so that the sample fleet's parts take several steps each. */
    static final int PAGE = 3;
    static final List<String> REMOVED = List.of("d01-corp-iphone", "d03-corp-android", "d04-corp-android-trill", "d13-corp-iphone-reinstaller",
            "d14-corp-iphone-late-enrol", "d16-corp-iphone", "d19-corp-iphone", "d23-corp-iphone", "d29-jamf-iphone-supervised");

    /** The round over a world, with its own queue and the device work queue, delivered as the mappings would. */
    static final class Round {
        final EnforcementWorld w;
        final Deque<String> queue = new ArrayDeque<>();
        final List<DeviceWork> deviceWork = new ArrayList<>();
        final InMemoryAdminAlerts alerts = new InMemoryAdminAlerts();
        final EnforcementRound round;
        final List<Map<String, Object>> lines = new ArrayList<>();
        int invocations;

        Round(EnforcementWorld w, int parts, Map<MdmKind, FleetEnforcement> mdms) {
            this.w = w;
            ContinuationGate gate = new ContinuationGate(EnforcementRound.KIND, QUEUE, ContinuationJson.JSON, w.claims, w.ledger, w.fleet.sims.clock());
            round = new EnforcementRound(EnforcementWorld.POLICY, w.devices, w.exemptions, w.ledger, w.claims, w.killSwitch, () -> mdms,
                    deviceWork::addAll, new WorkSteps(gate, queue::add), parts, CONFIRM, alerts, w.fleet.sims.clock(), PAGE);
        }

        Round(EnforcementWorld w, int parts) {
            this(w, parts, Map.of(MdmKind.INTUNE, w.intune, MdmKind.JAMF, w.jamf));
        }

        /** One delivery of the next message; what it answered. */
        Map<String, Object> deliver(BooleanSupplier timeLeft) {
            String body = queue.poll();
            invocations++;
            Map<String, Object> out = round.steps(sqs(body), "req-" + invocations, 900_000, timeLeft, l -> { });
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> steps = (List<Map<String, Object>>) out.get("steps");
            lines.addAll(steps);
            return out;
        }

        /** Delivers until the queue is empty; each invocation's time is {@code budget()}'s. */
        void drain(Supplier<BooleanSupplier> budget) {
            for (int guard = 0; !queue.isEmpty(); guard++) {
                assertTrue(guard < 2000, "the round does not end");
                Map<String, Object> out = deliver(budget.get());
                assertEquals(List.of(), out.get("batchItemFailures"), "no step is given back: " + out);
            }
        }

        /** EnforceWork's workers: every queued device action, as the queue delivers it. */
        void work() {
            int n = 0;
            for (DeviceWork item : List.copyOf(deviceWork)) w.enforcement.service().work(item, "m-" + (++n));
            deviceWork.clear();
        }
    }

    static WorkBatch sqs(String body) {
        return WorkEvents.batch(UUID.randomUUID().toString(), body);
    }

    /** A time limit reached after {@code k} looks at the clock, in every invocation. */
    static Supplier<BooleanSupplier> cutAfter(int k) {
        return () -> {
            int[] left = {k};
            return () -> left[0]-- > 0;
        };
    }

    static EnforcementWorld atTheDeadline() {
        EnforcementWorld w = EnforcementWorld.sample();
        w.at(DEADLINE);
        w.refreshInventory();
        return w;
    }

    static List<LedgerRecord> records(EnforcementWorld w, String action) {
        return w.ledgerEntries(action).stream().map(LedgerEntry::record).toList();
    }

    static void assertFinishedOnce(Round r, String why) {
        EnforcementWorld w = r.w;
        for (String removed : REMOVED) assertFalse(w.hasApp(removed), why + ": " + removed + " still has the app");
        assertTrue(w.hasApp("d15-corp-iphone-exempt"), why + ": exempt through the member-wide exemption");
        assertTrue(w.hasApp("d35-jamf-iphone-exempt"), why + ": exempt through a device exemption");
        assertTrue(w.hasApp("d02-corp-iphone-unsupervised"), why + ": an MDM cannot remove it from an unsupervised iPhone");
        assertTrue(w.hasApp("d07-private-iphone"), why + ": private devices are never touched");
        List<LedgerRecord> placed = records(w, "mdm.group-placed");
        assertTrue(placed.size() >= REMOVED.size(), why + ": every target placed: " + placed.size());
        assertEquals(placed.size(), placed.stream().map(LedgerRecord::device).distinct().count(), why + ": each device's placement recorded once");
        assertEquals(2, records(w, "mdm.uninstall-assigned").size(), why + ": the uninstall assigned once a round per MDM");
        for (String removed : REMOVED) {
            String mdmId = org.appban.fleet.SimulatedFleet.mdmId(w.fleet.device(removed));
            long syncs = w.fleet.sims.intune().requests().count(q -> q.path().endsWith("/managedDevices/" + mdmId + "/syncDevice"))
                    + w.fleet.sims.jamf().requests().count(q -> q.path().contains("UpdateInventory/id/") && List.of(q.path().substring(q.path().lastIndexOf('/') + 1).split(",")).contains(mdmId));
            assertEquals(1, syncs, why + ": " + removed + " asked to check in once");
            assertEquals(1, w.ledger.aboutDevice(w.id(removed)).stream().filter(e -> e.record().action().equals("enforce.removal-started")).count(),
                    why + ": " + removed + "'s removal recorded once");
        }
        assertEquals(List.of(), refusals(w), why + ": nothing refused");
        assertEquals(List.of(), r.alerts.alerts(), why);
    }

    static List<String> refusals(EnforcementWorld w) {
        return w.ledger.chain("fleet").stream().map(LedgerEntry::record).filter(x -> x.action().equals(ContinuationGate.REFUSED))
                .map(x -> x.details().get("reason")).toList();
    }

    @Test
    void a_round_cut_by_the_time_limit_at_every_point_places_every_device_once_and_asks_each_to_check_in_once() {
        // Up to 12 looks: past the last page of a part (the sample fleet, three devices a page).
        for (int k = 1; k <= 12; k++) {
            for (int parts : new int[] {1, 2}) {
                String why = "cut after " + k + " looks at the clock, " + parts + " part(s)";
                try (EnforcementWorld w = atTheDeadline()) {
                    Round r = new Round(w, parts);
                    Map<String, Object> started = r.round.start(EnforceRequest.Trigger.DEADLINE, CONFIRM);
                    assertEquals("handed-on", started.get("status"), why + ": " + started);
                    r.drain(cutAfter(k));
                    r.work();
                    assertFinishedOnce(r, why);
                    long surveys = r.lines.stream().filter(l -> "survey".equals(l.get("phase")) && "part-done".equals(l.get("status"))).count();
                    long acts = r.lines.stream().filter(l -> "act".equals(l.get("phase")) && "part-done".equals(l.get("status"))).count();
                    assertEquals(parts, surveys, why);
                    assertEquals(parts, acts, why);
                    if (k <= 2) assertTrue(r.lines.stream().anyMatch(l -> Boolean.TRUE.equals(l.get("handedOn"))), why + ": parts longer than a step are handed on");
                }
            }
        }
    }

    /** Counts the MDMs' placements, and kills the invocation right after the {@code killAt}-th reached the MDM. */
    static final class KillAfterPlacing implements FleetEnforcement {
        final FleetEnforcement mdm;
        final int[] placements;
        final int killAt;

        KillAfterPlacing(FleetEnforcement mdm, int[] placements, int killAt) {
            this.mdm = mdm;
            this.placements = placements;
            this.killAt = killAt;
        }

        public MdmKind mdm() {
            return mdm.mdm();
        }

        public EnforcementStep ensureUninstall(BannedApp app, java.util.Set<String> targets, java.util.Set<String> exempt) {
            return mdm.ensureUninstall(app, targets, exempt);
        }

        public EnforcementStep ensureReinstallBlock(BannedApp app, java.util.Set<String> exempt) {
            return mdm.ensureReinstallBlock(app, exempt);
        }

        public EnforcementStep ensureComplianceRule(BannedApp app, java.util.Set<String> exempt) {
            return mdm.ensureComplianceRule(app, exempt);
        }

        public List<SyncOutcome> sync(java.util.Collection<String> mdmIds) {
            return mdm.sync(mdmIds);
        }

        public EnforcementStep ensureAssigned(EnforcementStep.Step step, BannedApp app) {
            return mdm.ensureAssigned(step, app);
        }

        public List<Placed> place(BannedApp app, Map<String, GroupPlacement> wanted) {
            List<Placed> out = mdm.place(app, wanted);
            if (out.stream().anyMatch(p -> p.status() == Placed.Status.CHANGED) && ++placements[0] == killAt) {
                throw new IllegalStateException("invocation killed after the MDM changed");
            }
            return out;
        }
    }

    @Test
    void a_step_killed_right_after_the_mdm_changed_is_run_again_and_records_every_change_once() {
        int changes;
        try (EnforcementWorld w = atTheDeadline()) {
            int[] count = {0};
            Round r = new Round(w, 2, wrapped(w, count, Integer.MAX_VALUE));
            r.round.start(EnforceRequest.Trigger.DEADLINE, CONFIRM);
            r.drain(cutAfter(2));
            changes = count[0];
        }
        assertTrue(changes >= 3, "the sample round changes the MDMs in several steps: " + changes);
        for (int kill = 1; kill <= changes; kill++) {
            String why = "killed after MDM change " + kill;
            try (EnforcementWorld w = atTheDeadline()) {
                int[] count = {0};
                Round r = new Round(w, 2, wrapped(w, count, kill));
                r.round.start(EnforceRequest.Trigger.DEADLINE, CONFIRM);
                int killed = 0;
                for (int guard = 0; !r.queue.isEmpty(); guard++) {
                    assertTrue(guard < 500, "the round does not end");
                    String body = r.queue.peek();
                    try {
                        r.deliver(cutAfter(2).get());
                    } catch (IllegalStateException e) {
                        // SQS delivers the message again after its visibility timeout (90 minutes), past the step's lease.
                        killed++;
                        w.fleet.sims.clock().advance(Duration.ofMinutes(91));
                        r.queue.addFirst(body);
                    }
                }
                assertEquals(1, killed, why);
                r.work();
                assertFinishedOnce(r, why);
                assertTrue(records(w, "mdm.group-placed").stream().anyMatch(x -> "in-place".equals(x.details().get("mdmSaid"))),
                        why + ": the change the killed step made is recorded by its redelivery, which finds it in place");
            }
        }
    }

    private static Map<MdmKind, FleetEnforcement> wrapped(EnforcementWorld w, int[] count, int killAt) {
        Map<MdmKind, FleetEnforcement> m = new EnumMap<>(MdmKind.class);
        m.put(MdmKind.INTUNE, new KillAfterPlacing(w.intune, count, killAt));
        m.put(MdmKind.JAMF, new KillAfterPlacing(w.jamf, count, killAt));
        return m;
    }

    @Test
    void over_the_cap_for_the_round_as_a_whole_nothing_is_placed_and_the_administrators_are_told_once() {
        try (EnforcementWorld w = atTheDeadline()) {
            Round r = new Round(w, 2);
            // No confirm: at the deadline the sample fleet's removals are more than the bundled policy's share.
            r.round.start(EnforceRequest.Trigger.DEADLINE, null);
            r.drain(cutAfter(1));
            assertEquals(0, records(w, "mdm.group-placed").size(), "held by the cap");
            assertEquals(0, EnforcementWorld.writes(w.fleet.sims.intune()) + EnforcementWorld.writes(w.fleet.sims.jamf()), "nothing reached an MDM");
            assertEquals(List.of(), r.deviceWork, "nothing queued");
            List<LedgerRecord> stopped = records(w, "enforce.stopped");
            assertEquals(1, stopped.size(), stopped.toString());
            assertEquals("needs-confirmation", stopped.get(0).outcome());
            assertEquals(1, r.alerts.alerts().size(), r.alerts.alerts().toString());
            assertTrue(w.hasApp("d01-corp-iphone"));
        }
    }

    @Test
    void a_confirm_that_is_not_the_stacks_is_not_honoured() {
        try (EnforcementWorld w = atTheDeadline()) {
            Round r = new Round(w, 1);
            r.round.start(EnforceRequest.Trigger.DEADLINE, CONFIRM + 1);
            r.drain(cutAfter(1));
            assertEquals(0, records(w, "mdm.group-placed").size());
            assertEquals(1, records(w, "enforce.stopped").size());
        }
    }

    @Test
    void the_kill_switch_is_read_by_every_step_and_stops_the_round_before_any_mdm_change() {
        try (EnforcementWorld w = atTheDeadline()) {
            Round r = new Round(w, 2);
            r.round.start(EnforceRequest.Trigger.DEADLINE, CONFIRM);
            // Engaged while the survey runs: the act phase places nothing and queues nothing.
            r.deliver(cutAfter(1).get());
            w.killSwitch.set(true, "admin@example.org", "stop");
            r.drain(cutAfter(1));
            assertEquals(0, records(w, "mdm.group-placed").size());
            assertEquals(List.of(), r.deviceWork);
            assertEquals(1, records(w, "enforce.stopped").size(), "recorded once for the round");
            assertEquals("stopped", records(w, "enforce.stopped").get(0).outcome());
        }
    }

    @Test
    void before_the_deadline_the_round_is_not_started_and_says_so_once() {
        try (EnforcementWorld w = EnforcementWorld.sample()) {
            w.at("2023-03-30T09:00+13:00");
            Round r = new Round(w, 2);
            assertEquals("before-deadline", r.round.start(EnforceRequest.Trigger.RECONCILE, null).get("status"));
            assertEquals("before-deadline", r.round.start(EnforceRequest.Trigger.RECONCILE, null).get("status"));
            assertTrue(r.queue.isEmpty());
            assertEquals(1, records(w, "enforce.not-due").size());
        }
    }

    @Test
    void the_next_days_round_writes_nothing_to_any_mdm_and_the_same_schedule_twice_is_refused_as_a_replay() {
        try (EnforcementWorld w = atTheDeadline()) {
            Round r = new Round(w, 2);
            r.round.start(EnforceRequest.Trigger.DEADLINE, CONFIRM);
            r.drain(cutAfter(3));
            r.work();
            // The schedule delivered twice: the same round's steps again, refused as replays, nothing done twice.
            r.round.start(EnforceRequest.Trigger.DEADLINE, CONFIRM);
            r.drain(cutAfter(3));
            assertEquals(List.of("replayed", "replayed"), refusals(w));
            long writes = w.writes();
            long placed = records(w, "mdm.group-placed").size();

            w.at("2023-04-01T09:00+13:00");
            w.refreshInventory();
            Round next = new Round(w, 2);
            next.round.start(EnforceRequest.Trigger.RECONCILE, null);
            next.drain(cutAfter(3));
            next.work();
            assertEquals(writes, w.writes(), "every device's placement stands: no MDM write, no check-in for removed apps");
            assertEquals(placed, records(w, "mdm.group-placed").size());
            assertTrue(next.lines.stream().filter(l -> "act".equals(l.get("phase"))).mapToInt(l -> (Integer) l.get("placed")).sum() == 0, next.lines.toString());
        }
    }

    @Test
    void an_exemption_granted_after_the_deadline_moves_only_that_device() {
        try (EnforcementWorld w = atTheDeadline()) {
            Round r = new Round(w, 1);
            r.round.start(EnforceRequest.Trigger.DEADLINE, CONFIRM);
            r.drain(cutAfter(3));
            r.work();
            String device = w.id("d16-corp-iphone");
            var d = w.devices.find(device).orElseThrow();
            java.time.Instant now = w.fleet.sims.clock().instant();
            w.exemptions.create(new org.appban.domain.Exemption("x-late", d.owner(), device, "medical", org.appban.domain.ExemptionStatus.GRANTED,
                    d.owner(), now, "approver@example.org", now, now.plus(Duration.ofDays(30)), null, null));
            long before = w.writes();
            w.at("2023-04-01T09:00+13:00");
            Round next = new Round(w, 1);
            next.round.start(EnforceRequest.Trigger.RECONCILE, null);
            next.drain(cutAfter(3));
            List<LedgerRecord> moved = records(w, "mdm.group-placed").stream().filter(x -> x.device().equals(device)).toList();
            assertEquals(2, moved.size(), moved.toString());
            assertTrue(moved.get(1).details().get("after").startsWith("exempt"), moved.toString());
            assertTrue(w.writes() - before <= 2, "one device's memberships only: " + (w.writes() - before));
        }
    }
}
