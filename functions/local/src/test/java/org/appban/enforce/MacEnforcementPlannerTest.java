package org.appban.enforce;

import static org.appban.enforce.PlannerFixtures.BOTH;
import static org.appban.enforce.PlannerFixtures.device;
import static org.appban.enforce.PlannerFixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.junit.jupiter.api.Test;

/**
 * A corporate Mac carrying the app is a device its MDM cannot clean (no MDM command removes an app a Mac's user
 * installed): reported not blockable, escalated once like a failed removal, never asked to check in; and a policy
 * that names no macOS app leaves Macs out of scope.
 */
class MacEnforcementPlannerTest {
    private static final Device JAMF_MAC = device("jamf-mac", "m1", Ownership.CORPORATE, Platform.MACOS, false, MdmKind.JAMF, AppPresence.PRESENT);
    private static final Device INTUNE_MAC = device("intune-mac", "m2", Ownership.CORPORATE, Platform.MACOS, false, MdmKind.INTUNE, AppPresence.PRESENT);
    private static final Instant THREE_DAYS_ON = nz("2023-04-03T00:00");
    private final EnforcementPlanner planner = new EnforcementPlanner();

    static BanPolicy policyNamingMacs() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream("/policies/" + PolicyLoader.BUNDLED + ".json")) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String withMacs = json.replace("\"ios\": [\"com.zhiliaoapp.musically\"],", "\"ios\": [\"com.zhiliaoapp.musically\"], \"macos\": [\"com.zhiliaoapp.musically\"],");
            assertFalse(withMacs.equals(json), "the bundled policy's identifiers changed shape: update this test");
            return new PolicyLoader().parse(withMacs, "policy naming macOS");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private EnforcementPlan plan(BanPolicy policy, Instant now) {
        return planner.plan(new EnforcementSnapshot(policy, List.of(JAMF_MAC, INTUNE_MAC), List.of(), Map.of(), BOTH, now), EnforcementScope.ALL);
    }

    @Test
    void aCorporateMacCarryingTheAppIsLeftToItsMemberEscalatedOnceAndNeverSentToTheMdm() {
        EnforcementPlan due = plan(policyNamingMacs(), THREE_DAYS_ON);
        for (String mac : List.of("jamf-mac", "intune-mac")) {
            DeviceVerdict v = due.devices().stream().filter(d -> d.device().equals(mac)).findFirst().orElseThrow();
            assertEquals(DeviceStatus.NOT_BLOCKABLE, v.status(), mac);
            assertTrue(due.actions(DeviceAction.Kind.ESCALATE).stream().anyMatch(a -> a.device().equals(mac) && !a.newRemoval()), mac);
            assertTrue(due.actions(DeviceAction.Kind.SYNC).stream().noneMatch(a -> a.device().equals(mac)), mac + " is never asked to check in");
        }
        DeviceVerdict jamf = due.devices().stream().filter(d -> d.device().equals("jamf-mac")).findFirst().orElseThrow();
        assertTrue(jamf.detail().startsWith("Mac: no MDM command removes an app its user installed"), jamf.detail());
        assertTrue(jamf.detail().contains("network access"), jamf.detail());
        assertEquals(0, due.newRemovals(), "no removal starts: a Mac does not count towards the blast radius");
    }

    @Test
    void aPolicyThatNamesNoMacAppLeavesMacsOutOfScope() {
        EnforcementPlan plan = plan(new PolicyLoader().bundled(PolicyLoader.BUNDLED), THREE_DAYS_ON);
        assertTrue(plan.devices().isEmpty(), plan.devices().toString());
        assertTrue(plan.actions().isEmpty());
        assertEquals(0, plan.inScope());
    }
}
