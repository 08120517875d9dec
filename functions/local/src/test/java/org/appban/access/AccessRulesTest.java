package org.appban.access;

import static org.appban.access.AccessFixtures.AFTER_GRACE;
import static org.appban.access.AccessFixtures.DEADLINE;
import static org.appban.access.AccessFixtures.GRACE_ENDS;
import static org.appban.access.AccessFixtures.QUIET;
import static org.appban.access.AccessFixtures.RULES;
import static org.appban.access.AccessFixtures.corporate;
import static org.appban.access.AccessFixtures.facts;
import static org.appban.access.AccessFixtures.granted;
import static org.appban.access.AccessFixtures.privateEnrolled;
import static org.appban.access.AccessFixtures.privateUnmanaged;
import static org.appban.access.AccessFixtures.quarantined;
import static org.appban.access.AccessFixtures.seen;
import static org.appban.access.AccessFixtures.withAttestation;
import static org.appban.access.AccessFixtures.withExemption;
import static org.appban.access.AccessFixtures.withSighting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.appban.access.Decision.Action;
import org.appban.access.Decision.Standing;
import org.appban.access.Evidence.Kind;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.domain.Device;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AccessRulesTest {
    static final String MAC = "02:AB:00:00:00:08";

    private static Decision decide(DeviceFacts f) {
        return RULES.decide(f, AFTER_GRACE);
    }

    @Nested
    class EachSourceOfEvidence {
        @Test
        void theMdmReportingTheDeviceNoncompliantQuarantinesItAfterTheGracePeriod() {
            Decision d = decide(facts(privateEnrolled("d1", "m1", MAC, ComplianceState.NONCOMPLIANT, GRACE_ENDS.minusSeconds(3600))));
            assertEquals(Action.QUARANTINE, d.action());
            assertEquals(Standing.CARRIES_APP, d.standing());
            assertEquals(Kind.MDM_NONCOMPLIANT, d.deciding().kind());
            assertEquals("intune", d.deciding().source());
        }

        @Test
        void theMdmsOwnGracePeriodIsStillNoncompliance() {
            Decision d = decide(facts(privateEnrolled("d1", "m1", MAC, ComplianceState.IN_GRACE_PERIOD, GRACE_ENDS)));
            assertEquals(Action.QUARANTINE, d.action());
        }

        @Test
        void noAttestationByTheEndOfTheGracePeriodQuarantinesADeviceNothingElseIsKnownAbout() {
            Decision d = decide(facts(privateUnmanaged("d1", "m1", MAC)));
            assertEquals(Action.QUARANTINE, d.action());
            assertEquals(Standing.UNCONFIRMED, d.standing());
            assertEquals(Kind.NO_ATTESTATION, d.deciding().kind());
            assertEquals(GRACE_ENDS, d.deciding().at());
        }

        @Test
        void telemetryAfterAnAttestationQuarantines() {
            DeviceFacts f = withAttestation(facts(privateUnmanaged("d1", "m1", MAC)), DEADLINE.minusSeconds(86400));
            Decision d = decide(withSighting(f, seen("d1", GRACE_ENDS.minusSeconds(7200))));
            assertEquals(Action.QUARANTINE, d.action());
            assertEquals(Kind.TELEMETRY, d.deciding().kind());
            assertEquals("tiktokv.com (dns)", d.deciding().detail());
            assertTrue(d.evidence().stream().anyMatch(e -> e.kind() == Kind.ATTESTED), "the outweighed attestation is on record too");
        }

        @Test
        void telemetryOutweighsAnOlderCompliantReport() {
            DeviceFacts f = facts(privateEnrolled("d1", "m1", MAC, ComplianceState.COMPLIANT, GRACE_ENDS.minusSeconds(86400)));
            assertEquals(Action.QUARANTINE, decide(withSighting(f, seen("d1", GRACE_ENDS))).action());
        }

        @Test
        void aCompliantReportAfterTheSightingOutweighsIt() {
            DeviceFacts f = facts(privateEnrolled("d1", "m1", MAC, ComplianceState.COMPLIANT, AFTER_GRACE.minusSeconds(60)));
            assertEquals(Action.LEAVE, decide(withSighting(f, seen("d1", GRACE_ENDS))).action());
        }

        @Test
        void aSightingOlderThanTheQuietPeriodIsNoEvidence() {
            DeviceFacts f = withAttestation(facts(privateUnmanaged("d1", "m1", MAC)), DEADLINE.minus(Duration.ofDays(20)));
            Decision d = decide(withSighting(f, seen("d1", AFTER_GRACE.minus(QUIET).minusSeconds(1))));
            assertEquals(Action.LEAVE, d.action());
            assertTrue(d.evidence().stream().anyMatch(e -> e.kind() == Kind.TELEMETRY_QUIET));
        }
    }

    @Nested
    class NeverQuarantined {
        @Test
        void anAttestedDeviceWithNoTelemetry() {
            Decision d = decide(withAttestation(facts(privateUnmanaged("d1", "m1", MAC)), DEADLINE));
            assertEquals(Action.LEAVE, d.action());
            assertEquals(Standing.CLEAN, d.standing());
        }

        @Test
        void aDeviceTheMdmReportsCompliant() {
            assertEquals(Action.LEAVE, decide(facts(privateEnrolled("d1", "m1", MAC, ComplianceState.COMPLIANT, GRACE_ENDS))).action());
        }

        @Test
        void aDeviceWhoseOwnerAttestedAfterTheMdmsLastNoncompliantReport() {
            DeviceFacts f = facts(privateEnrolled("d1", "m1", MAC, ComplianceState.NONCOMPLIANT, GRACE_ENDS.minusSeconds(86400)));
            assertEquals(Action.LEAVE, decide(withAttestation(f, GRACE_ENDS.minusSeconds(3600))).action(),
                    "the member's word is newer than the MDM's; the MDM's next report decides");
        }

        @Test
        void anExemptDeviceWhateverTheEvidence() {
            Device dev = privateEnrolled("d1", "m1", MAC, ComplianceState.NONCOMPLIANT, AFTER_GRACE);
            DeviceFacts f = withSighting(withExemption(facts(dev), granted("ex1", "m1", "d1", AFTER_GRACE.plus(Duration.ofDays(30)))), seen("d1", AFTER_GRACE));
            Decision d = decide(f);
            assertEquals(Action.LEAVE, d.action());
            assertEquals(Standing.EXEMPT, d.standing());
            assertEquals("exemption ex1", d.deciding().source());
        }

        @Test
        void beforeTheGracePeriodEnds() {
            DeviceFacts f = facts(privateEnrolled("d1", "m1", MAC, ComplianceState.NONCOMPLIANT, DEADLINE));
            Decision d = RULES.decide(f, GRACE_ENDS.minusSeconds(1));
            assertEquals(Action.WAIT_FOR_GRACE, d.action());
            assertEquals(Action.QUARANTINE, RULES.decide(f, GRACE_ENDS).action(), "the grace period ends at its instant");
        }

        @Test
        void aRetiredDeviceOnOldEvidence() {
            Device dev = privateUnmanaged("d1", "m1", MAC).withRetired(true);
            assertEquals(Action.NOT_IN_SCOPE, decide(facts(dev)).action());
        }
    }

    /** The ban holds whoever owns the device: a corporate device the MDM could not clean loses access too. */
    @Nested
    class CorporateDevices {
        /** An unsupervised corporate iPhone: the MDM can neither remove nor block the app the user installed. */
        private Device unsupervised(AppPresence presence, Instant reported) {
            return new Device("c1", "m1", Ownership.CORPORATE, Platform.IOS, "iPhone 12", false, MdmKind.INTUNE, "c1-mdm", AccessFixtures.mac(MAC),
                    presence, ComplianceState.NONCOMPLIANT, reported, false);
        }

        @Test
        void stillCarryingTheAppAfterTheGracePeriodIsQuarantinedOnItsInventory() {
            Decision d = decide(facts(unsupervised(AppPresence.PRESENT, GRACE_ENDS.minusSeconds(3600))));
            assertEquals(Action.QUARANTINE, d.action());
            assertEquals(Standing.CARRIES_APP, d.standing());
            assertEquals(Kind.INVENTORY_PRESENT, d.deciding().kind());
            assertEquals("intune inventory", d.deciding().source());
        }

        @Test
        void aSupervisedOneWhoseRemovalFailedIsQuarantinedAlike() {
            assertEquals(Action.QUARANTINE, decide(facts(corporate("c1", "m1", MAC))).action());
        }

        @Test
        void waitsForTheGracePeriodLikeAPrivateOne() {
            DeviceFacts f = facts(unsupervised(AppPresence.PRESENT, DEADLINE));
            assertEquals(Action.WAIT_FOR_GRACE, RULES.decide(f, GRACE_ENDS.minusSeconds(1)).action());
        }

        @Test
        void theInventoryIsTheMdmsWord_aCompliantStateDoesNotOutweighTheAppListed() {
            Device d = unsupervised(AppPresence.PRESENT, GRACE_ENDS).withCompliance(ComplianceState.COMPLIANT);
            assertEquals(Action.QUARANTINE, decide(facts(d)).action());
        }

        @Test
        void theMembersAttestationSpeaksForPrivateDevicesOnly() {
            DeviceFacts f = withAttestation(facts(unsupervised(AppPresence.PRESENT, GRACE_ENDS.minusSeconds(3600))), GRACE_ENDS);
            assertEquals(Action.QUARANTINE, decide(f).action());
        }

        @Test
        void releasedAsSoonAsTheInventoryNoLongerListsTheApp() {
            DeviceFacts f = quarantined(facts(unsupervised(AppPresence.ABSENT, AFTER_GRACE.minusSeconds(60))), GRACE_ENDS);
            Decision d = decide(f);
            assertEquals(Action.RELEASE, d.action());
            assertEquals(Kind.INVENTORY_ABSENT, d.deciding().kind());
        }

        @Test
        void oneNotInventoriedYetIsLeftToItsNextInventory() {
            Decision d = decide(facts(unsupervised(AppPresence.UNKNOWN, GRACE_ENDS).withCompliance(ComplianceState.UNKNOWN)));
            assertEquals(Action.LEAVE, d.action());
            assertEquals(Standing.UNCONFIRMED, d.standing());
            assertEquals(Kind.NOT_INVENTORIED, d.deciding().kind());
        }

        @Test
        void anExemptOneIsNeverQuarantined() {
            DeviceFacts f = withExemption(facts(unsupervised(AppPresence.PRESENT, AFTER_GRACE)), granted("ex1", "m1", "c1", AFTER_GRACE.plus(Duration.ofDays(30))));
            assertEquals(Action.LEAVE, decide(f).action());
        }
    }

    @Nested
    class AmbiguousIdentity {
        @Test
        void aDeviceWithoutAMacIsReportedNotQuarantined() {
            Decision d = decide(facts(privateUnmanaged("d1", "m1", null)));
            assertEquals(Action.REPORT_IDENTITY, d.action());
            assertTrue(d.reason().contains("no usable network address"), d.reason());
        }

        @Test
        void twoDevicesSharingAMacAreReportedNotQuarantined() {
            Device a = privateUnmanaged("d26", "m26", "DA:A1:19:5E:00:01");
            Device b = privateUnmanaged("d27", "m27", "da-a1-19-5e-00-01");
            var ids = NetworkIdentity.of(List.of(a, b));
            Decision d = decide(new DeviceFacts(a, null, ids.get("d26"), null, null, null));
            assertEquals(Action.REPORT_IDENTITY, d.action());
            assertTrue(d.reason().contains("d27"), d.reason());
        }

        @Test
        void aRetiredDeviceDoesNotCollide() {
            Device a = privateUnmanaged("d26", "m26", "DA:A1:19:5E:00:01");
            Device gone = privateUnmanaged("d27", "m27", "DA:A1:19:5E:00:01").withRetired(true);
            assertTrue(NetworkIdentity.of(List.of(a, gone)).get("d26").unique());
        }
    }

    @Nested
    class Release {
        @Test
        void whenTheMdmReportsComplianceRestored() {
            DeviceFacts f = quarantined(facts(privateEnrolled("d1", "m1", MAC, ComplianceState.COMPLIANT, AFTER_GRACE)), GRACE_ENDS);
            Decision d = decide(f);
            assertEquals(Action.RELEASE, d.action());
            assertEquals(Kind.MDM_COMPLIANT, d.deciding().kind());
        }

        @Test
        void whenTheMemberAttestsAfterRemovingTheApp() {
            DeviceFacts f = quarantined(facts(privateUnmanaged("d1", "m1", MAC)), GRACE_ENDS);
            assertEquals(Action.KEEP_QUARANTINED, decide(f).action());
            Decision d = decide(withAttestation(f, AFTER_GRACE.minusSeconds(60)));
            assertEquals(Action.RELEASE, d.action());
            assertEquals(Kind.ATTESTED, d.deciding().kind());
        }

        @Test
        void whenTelemetryHasBeenQuietForTheQuietPeriod() {
            Instant attested = DEADLINE.minus(Duration.ofDays(3));
            Instant lastSeen = GRACE_ENDS.minusSeconds(3600);
            DeviceFacts f = quarantined(withSighting(withAttestation(facts(privateUnmanaged("d1", "m1", MAC)), attested), seen("d1", lastSeen)), GRACE_ENDS);
            assertEquals(Action.KEEP_QUARANTINED, RULES.decide(f, lastSeen.plus(QUIET).minusSeconds(1)).action());
            Decision d = RULES.decide(f, lastSeen.plus(QUIET));
            assertEquals(Action.RELEASE, d.action());
            assertTrue(d.evidence().stream().anyMatch(e -> e.kind() == Kind.TELEMETRY_QUIET), d.evidence().toString());
        }

        @Test
        void notWhenTheQuietPeriodPassesButTheMemberNeverAttested() {
            Instant lastSeen = GRACE_ENDS.minusSeconds(3600);
            DeviceFacts f = quarantined(withSighting(facts(privateUnmanaged("d1", "m1", MAC)), seen("d1", lastSeen)), GRACE_ENDS);
            Decision d = RULES.decide(f, lastSeen.plus(QUIET).plus(Duration.ofDays(3)));
            assertEquals(Action.KEEP_QUARANTINED, d.action());
            assertEquals(Standing.UNCONFIRMED, d.standing());
        }

        @Test
        void whenTheDeviceIsExempted() {
            DeviceFacts f = quarantined(facts(privateEnrolled("d1", "m1", MAC, ComplianceState.NONCOMPLIANT, AFTER_GRACE)), GRACE_ENDS);
            Decision d = decide(withExemption(f, granted("ex1", "m1", null, AFTER_GRACE.plus(Duration.ofDays(1)))));
            assertEquals(Action.RELEASE, d.action());
            assertEquals(Standing.EXEMPT, d.standing());
        }

        @Test
        void notWhenSeenAgainAfterTheAttestation() {
            DeviceFacts f = quarantined(withAttestation(facts(privateUnmanaged("d1", "m1", MAC)), GRACE_ENDS.plusSeconds(60)), GRACE_ENDS);
            assertEquals(Action.KEEP_QUARANTINED, decide(withSighting(f, seen("d1", GRACE_ENDS.plusSeconds(120)))).action());
        }

        @Test
        void evenWithoutAUsableAddressNow_theRecordedKeyIsReleased() {
            DeviceFacts f = quarantined(facts(privateEnrolled("d1", "m1", null, ComplianceState.COMPLIANT, AFTER_GRACE)), GRACE_ENDS);
            assertEquals(Action.RELEASE, decide(f).action());
        }
    }
}
