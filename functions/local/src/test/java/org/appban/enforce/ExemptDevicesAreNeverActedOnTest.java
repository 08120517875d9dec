package org.appban.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.junit.jupiter.api.Test;

/**
 * Properties of the planner over random fleets (a seeded loop, so a failure names the seed that reproduces it):
 * whatever the fleet, the exemptions, the history and the time, an exempt device is never targeted and never acted
 * on, and nothing destructive is planned before the deadline.
 */
class ExemptDevicesAreNeverActedOnTest {
    private static final int FLEETS = 300;
    private final EnforcementPlanner planner = new EnforcementPlanner();

    @Test
    void overRandomFleetsAnExemptDeviceIsExcludedEverywhereAndNeverActedOn() {
        int exemptSeen = 0;
        for (long seed = 1; seed <= FLEETS; seed++) {
            Random random = new Random(seed);
            Fleet f = randomFleet(random);
            EnforcementScope scope = random.nextInt(4) == 0 ? EnforcementScope.members(Set.of("m" + random.nextInt(8))) : EnforcementScope.ALL;
            EnforcementPlan plan = planner.plan(new EnforcementSnapshot(PlannerFixtures.POLICY, f.devices, f.exemptions, f.history, f.connected, f.now), scope);
            String where = "seed " + seed;
            Set<String> actedOn = new HashSet<>();
            plan.actions().forEach(a -> actedOn.add(a.device()));
            for (Device d : f.devices) {
                boolean exempt = f.exemptions.stream().anyMatch(e -> e.protects(d, f.now));
                if (!exempt) continue;
                exemptSeen++;
                assertFalse(actedOn.contains(d.id()), where + ": exempt " + d.id() + " got an action " + plan.actions());
                for (MdmDesiredState s : plan.fleet()) {
                    if (d.mdmId() == null) continue;
                    assertFalse(s.uninstallTargets().contains(d.mdmId()), where + ": exempt " + d.id() + " is an uninstall target");
                    if (s.mdm() == d.mdm() && !d.retired()) assertTrue(s.exempt().contains(d.mdmId()), where + ": exempt " + d.id() + " is not excluded");
                }
                plan.devices().stream().filter(v -> v.device().equals(d.id()))
                        .forEach(v -> assertEquals(DeviceStatus.EXEMPT, v.status(), where + ": " + v));
            }
            if (plan.beforeDeadline()) {
                assertTrue(plan.actions().isEmpty() && plan.fleet().isEmpty(), where + ": something planned before the deadline");
            }
            for (DeviceAction a : plan.actions()) {
                Device d = f.devices.stream().filter(x -> x.id().equals(a.device())).findFirst().orElseThrow();
                assertTrue(d.isCorporate() && !d.retired() && d.appPresence() != AppPresence.ABSENT, where + ": acted on " + d);
                assertTrue(scope.includes(d), where + ": acted outside the request's scope: " + d);
            }
            assertEquals(plan.actions(DeviceAction.Kind.SYNC).size(), plan.actions(DeviceAction.Kind.SYNC).stream().map(DeviceAction::device).distinct().count(),
                    where + ": a device asked to check in twice in one run");
            assertTrue(plan.newRemovals() <= plan.inScope(), where);
        }
        assertTrue(exemptSeen > FLEETS, "the random fleets exercise exemptions (" + exemptSeen + " exempt devices seen)");
    }

    private record Fleet(List<Device> devices, List<Exemption> exemptions, Map<String, DeviceHistory> history, Set<MdmKind> connected, Instant now) {
    }

    private static Fleet randomFleet(Random r) {
        Instant now = PlannerFixtures.DEADLINE.plus(Duration.ofHours(r.nextInt(24 * 30) - 24 * 5));
        List<Device> devices = new ArrayList<>();
        int n = 1 + r.nextInt(40);
        for (int i = 0; i < n; i++) {
            String owner = "m" + r.nextInt(8);
            Ownership ownership = r.nextInt(3) == 0 ? Ownership.PRIVATE : Ownership.CORPORATE;
            Platform platform = Platform.values()[r.nextInt(Platform.values().length)];
            MdmKind mdm = MdmKind.values()[r.nextInt(MdmKind.values().length)];
            AppPresence presence = ownership == Ownership.PRIVATE ? AppPresence.UNKNOWN : AppPresence.values()[r.nextInt(3)];
            devices.add(new Device("d" + i, owner, ownership, platform, null, r.nextBoolean(), mdm, mdm == MdmKind.NONE ? null : "x" + i, null,
                    presence, ComplianceState.UNKNOWN, now.minus(Duration.ofHours(r.nextInt(100))), r.nextInt(15) == 0));
        }
        List<Exemption> exemptions = new ArrayList<>();
        int m = r.nextInt(8);
        for (int i = 0; i < m; i++) {
            String member = "m" + r.nextInt(8);
            String device = r.nextBoolean() ? null : "d" + r.nextInt(n);
            // Half granted (the case that matters), the rest spread over the other states.
            ExemptionStatus status = r.nextBoolean() ? ExemptionStatus.GRANTED : ExemptionStatus.values()[r.nextInt(ExemptionStatus.values().length)];
            Instant expires = now.plus(Duration.ofHours(r.nextInt(24 * 20) - 24 * 10));
            Instant revokedAt = status == ExemptionStatus.REVOKED ? now.minus(Duration.ofHours(r.nextInt(48))) : null;
            exemptions.add(new Exemption("e" + i, member, device, "reason", status, member, now.minus(Duration.ofDays(20)), "approver",
                    now.minus(Duration.ofDays(19)), status == ExemptionStatus.REQUESTED && r.nextBoolean() ? null : expires,
                    revokedAt == null ? null : "approver", revokedAt));
        }
        Map<String, DeviceHistory> history = new HashMap<>();
        for (Device d : devices) {
            if (r.nextInt(3) == 0) {
                history.put(d.id(), new DeviceHistory(r.nextBoolean(), r.nextBoolean() ? null : List.of("requested", "in-flight", "failed:transient", "not-found").get(r.nextInt(4)),
                        null, r.nextBoolean()));
            }
        }
        Set<MdmKind> connected = switch (r.nextInt(3)) {
            case 0 -> Set.of(MdmKind.INTUNE);
            case 1 -> Set.of(MdmKind.JAMF);
            default -> Set.of(MdmKind.INTUNE, MdmKind.JAMF);
        };
        return new Fleet(devices, exemptions, history, connected, now);
    }
}
