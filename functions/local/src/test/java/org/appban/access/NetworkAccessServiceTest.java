package org.appban.access;

import static org.appban.access.AccessFixtures.AFTER_GRACE;
import static org.appban.access.AccessFixtures.DEADLINE;
import static org.appban.access.AccessFixtures.GRACE_ENDS;
import static org.appban.access.AccessFixtures.QUIET;
import static org.appban.access.AccessFixtures.granted;
import static org.appban.access.AccessFixtures.privateEnrolled;
import static org.appban.access.AccessFixtures.privateUnmanaged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.LedgerRecord;
import org.appban.network.EndpointKey;
import org.appban.notice.Attestations;
import org.appban.ports.Claims;
import org.appban.remote.RemoteFailure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class NetworkAccessServiceTest {
    static final String MAC7 = "02:AB:00:00:00:08";
    static final String MAC9 = "02:AB:00:00:00:0A";

    static Device keepsTheApp() {
        return privateEnrolled("intune:d07", "m07", MAC7, ComplianceState.NONCOMPLIANT, GRACE_ENDS.minusSeconds(3600));
    }

    @Nested
    class Quarantine {
        @Test
        void aNoncompliantPrivateDeviceLosesAccessAfterTheGracePeriodWithItsEvidenceOnRecordAndItsOwnerTold() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            AccessReport r = h.schedule();

            assertEquals("done", r.status());
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "quarantined"));
            assertEquals("Quarantine", h.nac.policies.get(MAC7));
            assertEquals(List.of("access-revoked m07 intune:d07 nac/quarantine/intune:d07/1"), h.notices);
            LedgerRecord entry = h.entries("m07", "nac.quarantined").get(0);
            assertEquals("ok", entry.outcome());
            assertEquals("intune:d07", entry.device());
            assertEquals("nac/quarantine/intune:d07/1", entry.idempotencyKey());
            assertEquals(MAC7, entry.details().get("nac.key"));
            assertEquals("MAC", entry.details().get("nac.keyKind"));
            assertEquals("clear", entry.details().get("nac.stateBefore"));
            assertTrue(entry.details().get("evidence.1").startsWith("mdm-noncompliant at " + GRACE_ENDS.minusSeconds(3600) + " from intune"),
                    entry.details().toString());
            assertTrue(h.claims.state("nac/quarantine/intune:d07/1").orElseThrow().completed());
            assertTrue(h.evidence.records(List.of("intune:d07")).get("intune:d07").quarantined());
        }

        @Test
        void theNacStateIsReadFirstAndAlreadyQuarantinedIsSuccess() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            h.nac.policies.put(MAC7, "Quarantine");
            AccessReport r = h.run(AccessRequest.devices("test", List.of("intune:d07")));
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "already-quarantined"));
            assertEquals(List.of("state " + MAC7, "quarantine " + MAC7), h.nac.calls, "read first; the NAC confirms the policy is ours");
            LedgerRecord entry = h.entries("m07", "nac.quarantined").get(0);
            assertEquals("already", entry.outcome());
            assertEquals("Quarantine", entry.details().get("nac.stateBefore"));
        }

        @Test
        void aDeviceUnderSomebodyElsesQuarantinePolicyIsNotTakenOver() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            h.nac.policies.put(MAC7, "Shutdown");
            AccessReport r = h.run(AccessRequest.devices("test", List.of("intune:d07")));
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "failed"));
            assertTrue(r.actions().get(0).error().contains("another policy 'Shutdown'"), r.actions().toString());
            assertTrue(h.evidence.records(List.of("intune:d07")).isEmpty(), "not ours: never released by this function");
            assertTrue(h.notices.isEmpty());
            assertEquals("Shutdown", h.nac.policies.get(MAC7));
        }

        @Test
        void aSecondRunChangesNothing() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            h.schedule();
            AccessReport again = h.schedule();
            assertTrue(again.actions().isEmpty(), again.actions().toString());
            assertEquals(1, again.decisions().get("keep-quarantined"));
            assertEquals(1, h.nac.count("quarantine"));
            assertEquals(1, h.notices.size());
        }

        @Test
        void nothingHappensBeforeTheGracePeriodEnds() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            h.clock.set(GRACE_ENDS.minusSeconds(1));
            AccessReport r = h.schedule();
            assertEquals(1, r.decisions().get("wait-for-grace"));
            assertTrue(h.nac.policies.isEmpty());
        }

        @Test
        void aDeviceQuarantinedAndReleasedBeforeIsQuarantinedAgainUnderANewKey() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            h.schedule();
            h.devices.save(keepsTheApp().withCompliance(ComplianceState.COMPLIANT).withLastSeen(AFTER_GRACE.plusSeconds(60)));
            h.clock.advance(Duration.ofHours(1));
            h.schedule();
            h.devices.save(keepsTheApp().withLastSeen(AFTER_GRACE.plusSeconds(7200)));
            h.clock.advance(Duration.ofHours(2));
            AccessReport r = h.schedule();
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "quarantined"));
            assertEquals(List.of("access-revoked m07 intune:d07 nac/quarantine/intune:d07/1", "access-restored m07 intune:d07 nac/release/intune:d07/1",
                    "access-revoked m07 intune:d07 nac/quarantine/intune:d07/2"), h.notices);
        }
    }

    @Nested
    class ReleaseOnEachPath {
        @Test
        void complianceRestoredByTheMdm() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            h.schedule();
            h.devices.save(keepsTheApp().withCompliance(ComplianceState.COMPLIANT).withLastSeen(AFTER_GRACE.plusSeconds(60)));
            h.clock.advance(Duration.ofMinutes(5));
            AccessReport r = h.run(AccessRequest.devices("device-status-changed", List.of("intune:d07")));
            assertEquals(List.of("intune:d07"), r.devicesWith("release", "released"));
            assertFalse(h.nac.policies.containsKey(MAC7));
            assertEquals("access-restored m07 intune:d07 nac/release/intune:d07/1", h.notices.get(1));
            LedgerRecord entry = h.entries("m07", "nac.released").get(0);
            assertTrue(entry.details().get("evidence.1").startsWith("mdm-compliant"), entry.details().toString());
            assertFalse(h.evidence.records(List.of("intune:d07")).get("intune:d07").quarantined());
        }

        @Test
        void theMemberAttestsAfterRemovingTheApp() {
            AccessHarness h = new AccessHarness().with(privateUnmanaged("d10", "m10", MAC9));
            assertEquals(List.of("d10"), h.schedule().devicesWith("quarantine", "quarantined"), "no attestation by the end of the grace period");
            h.clock.advance(Duration.ofDays(2));
            h.attest("m10", h.clock.instant());
            AccessReport r = h.run(AccessRequest.members("member-attested", List.of("m10")));
            assertEquals(List.of("d10"), r.devicesWith("release", "released"));
            assertTrue(h.entries("m10", "nac.released").get(0).details().get("evidence.1").startsWith("attested"));
        }

        @Test
        void telemetryQuietForTheQuietPeriod() {
            AccessHarness h = new AccessHarness().with(privateUnmanaged("d25", "m25", MAC9));
            h.attest("m25", DEADLINE.minus(Duration.ofDays(1)));
            h.seen("d25", AFTER_GRACE.minusSeconds(600));
            assertEquals(List.of("d25"), h.schedule().devicesWith("quarantine", "quarantined"), "seen after attesting");
            h.clock.set(AFTER_GRACE.minusSeconds(600).plus(QUIET).plusSeconds(1));
            AccessReport r = h.schedule();
            assertEquals(List.of("d25"), r.devicesWith("release", "released"));
            assertTrue(h.entries("m25", "nac.released").get(0).details().values().stream().anyMatch(v -> v.startsWith("telemetry-quiet")));
        }

        @Test
        void anExemptionGranted() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            h.schedule();
            h.exemptions.create(granted("ex-1", "m07", "intune:d07", AFTER_GRACE.plus(Duration.ofDays(60))));
            AccessReport r = h.run(AccessRequest.devices("manual", List.of("intune:d07")));
            assertEquals(List.of("intune:d07"), r.devicesWith("release", "released"));
            assertTrue(h.entries("m07", "nac.released").get(0).details().get("evidence.1").startsWith("exemption"));
        }

        @Test
        void onlyQuarantinesThisFunctionApplied() {
            AccessHarness h = new AccessHarness().with(privateEnrolled("intune:d08", "m08", MAC7, ComplianceState.COMPLIANT, AFTER_GRACE));
            h.nac.policies.put(MAC7, "Quarantine");
            AccessReport r = h.schedule();
            assertTrue(r.actions().isEmpty(), "a quarantine the security team applied is not ours to lift");
            assertEquals("Quarantine", h.nac.policies.get(MAC7));
        }

        @Test
        void underTheKeyItWasQuarantinedWithEvenIfTheMacChangedSince() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            h.schedule();
            h.devices.save(privateEnrolled("intune:d07", "m07", "02:AB:00:00:77:77", ComplianceState.COMPLIANT, AFTER_GRACE.plusSeconds(60)));
            h.clock.advance(Duration.ofMinutes(5));
            h.schedule();
            assertFalse(h.nac.policies.containsKey(MAC7));
        }
    }

    @Nested
    class AmbiguousIdentity {
        @Test
        void isReportedToTheAdministratorsOnceADayAndNeverActedOn() {
            AccessHarness h = new AccessHarness().with(privateUnmanaged("d26", "m26", "DA:A1:19:5E:00:01"),
                    privateUnmanaged("d27", "m27", "DA:A1:19:5E:00:01"), privateUnmanaged("d28", "m28", null));
            h.attest("m27", DEADLINE);
            AccessReport r = h.schedule();
            assertEquals(List.of("d26", "d28"), r.unresolved().stream().map(AccessReport.Unresolved::device).sorted().toList());
            assertTrue(r.unresolved().get(0).problem().contains("also the MAC of d27") || r.unresolved().get(1).problem().contains("also the MAC of d27"));
            assertEquals(0, h.nac.count("quarantine"));
            assertEquals(2, h.alerts.size());
            h.clock.advance(Duration.ofHours(3));
            h.schedule();
            assertEquals(2, h.alerts.size(), "one alert per device per day");
            assertEquals(1, h.entries("m26", "nac.identity-unresolved").size());
        }
    }

    @Nested
    class ARunOverAFewDevices {
        @Test
        void readsThoseDevicesAndNotTheFleetYetFindsTheirMacSharedWithADeviceOutsideTheRun() {
            AccessHarness h = new AccessHarness().with(privateUnmanaged("d26", "m26", "DA:A1:19:5E:00:01"),
                    privateUnmanaged("d27", "m27", "DA:A1:19:5E:00:01"), privateUnmanaged("d28", "m28", null));
            AccessReport r = h.run(AccessRequest.devices("webhook", List.of("d26", "d28")));
            assertEquals(0, h.fleetReads);
            assertEquals(List.of("d26", "d28"), r.unresolved().stream().map(AccessReport.Unresolved::device).sorted().toList());
            assertTrue(r.unresolved().stream().anyMatch(u -> u.problem().contains("also the MAC of d27")), r.unresolved().toString());
            assertEquals(0, h.nac.count("quarantine"));
        }

        @Test
        void judgesEachDeviceExactlyAsTheFleetRunDoes() {
            // A MAC shared with a retired device is not a collision; a retired device whose MAC a live one took is.
            Device reused = privateUnmanaged("d30", "m30", "DA:A1:19:5E:00:02");
            Device left = privateUnmanaged("d31", "m31", "DA:A1:19:5E:00:02").withRetired(true);
            Device shared1 = privateUnmanaged("d32", "m32", "DA:A1:19:5E:00:03");
            Device shared2 = privateUnmanaged("d33", "m33", "DA:A1:19:5E:00:03");
            AccessHarness fleet = new AccessHarness().with(keepsTheApp(), reused, left, shared1, shared2);
            AccessHarness few = new AccessHarness().with(keepsTheApp(), reused, left, shared1, shared2);
            // Dry runs, confirmed past the cap: the fleet run and each one-device run say what they would do to whom.
            AccessReport all = fleet.run(new AccessRequest("manual", AccessRequest.Scope.FLEET, List.of(), AccessRequest.Mode.RECONCILE, true, 100));
            for (String id : List.of("intune:d07", "d30", "d31", "d32", "d33")) {
                AccessReport one = few.run(new AccessRequest("manual", AccessRequest.Scope.DEVICES, List.of(id), AccessRequest.Mode.RECONCILE, true, 100));
                assertEquals(all.unresolved().stream().filter(u -> u.device().equals(id)).toList(), one.unresolved(), id);
                assertEquals(all.actions().stream().filter(a -> a.device().equals(id)).toList(), one.actions(), id);
            }
        }

        @Test
        void aMembersDevicesAreReadByTheirOwnerInIdOrder() {
            AccessHarness h = new AccessHarness().with(privateEnrolled("intune:d09", "m07", MAC9, ComplianceState.NONCOMPLIANT, GRACE_ENDS.minusSeconds(3600)),
                    keepsTheApp());
            h.killSwitch.set(true, "admin", "test");
            AccessReport r = h.run(AccessRequest.members("member-attested", List.of("m07", "m99")));
            assertEquals(List.of("m99"), r.notFound());
            assertEquals(List.of("intune:d07", "intune:d09"), r.actions().stream().map(AccessReport.Action::device).toList());
        }

        @Test
        void weighsAQuarantineAgainstTheInventorysCountOfTheFleetWithoutReadingTheFleet() {
            AccessHarness h = new AccessHarness().with(keepsTheApp(), privateEnrolled("intune:d09", "m09", MAC9, ComplianceState.COMPLIANT, DEADLINE));
            h.run(AccessRequest.devices("webhook", List.of("intune:d09")));
            AccessReport r = h.run(AccessRequest.devices("webhook", List.of("intune:d07")));
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "quarantined"));
            assertEquals(0, h.fleetReads, "the cap's share is of the inventory's count, not of a read of the fleet");
        }

        @Test
        void aRunOverMoreDevicesThanTheNacListingThresholdStillReadsOnlyItsDevices() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            List<String> ids = new java.util.ArrayList<>(List.of("intune:d07"));
            for (int i = 0; i < AccessHarness.BYSTANDERS; i++) ids.add("bystander-" + i);
            for (int i = 0; i < 10; i++) ids.add("unknown-" + i);
            AccessReport r = h.run(AccessRequest.devices("telemetry", ids));
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "quarantined"));
            assertEquals(10, r.notFound().size());
            assertEquals(0, h.fleetReads, "an event's run reads the devices it names, however many");
        }

        @Test
        void withoutACountOfTheFleetAQuarantineIsHeldAndTheAdministratorsAreTold() {
            AccessHarness h = new AccessHarness().uncounted().with(keepsTheApp());
            AccessReport r = h.run(AccessRequest.devices("webhook", List.of("intune:d07")));
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "held-by-cap"));
            assertTrue(r.cap().contains("the fleet's size is unknown"), r.cap());
            assertEquals(0, h.nac.count("quarantine"));
            assertEquals(0, h.fleetReads, "not read instead: the daily round counts the fleet itself");
            assertEquals(1, h.fleet("nac.quarantine-capped").size());
            assertTrue(h.alerts.stream().anyMatch(a -> a.contains("blast-radius cap")), h.alerts.toString());
            // The daily round decides it: it counts the fleet in its own reading of it.
            assertEquals(List.of("intune:d07"), h.schedule().devicesWith("quarantine", "quarantined"));
        }

        @Test
        void aCountFromBeforeYesterdayWeighsNoShare_yesterdaysDoes_andAConfirmedRequestGoesAhead() {
            AccessHarness h = new AccessHarness().uncounted().with(keepsTheApp());
            h.counted(1_000, h.clock.instant().minus(Duration.ofDays(1)));
            AccessReport yesterdays = h.run(AccessRequest.devices("webhook", List.of("intune:d07")));
            assertEquals(List.of("intune:d07"), yesterdays.devicesWith("quarantine", "quarantined"), yesterdays.cap());

            h.clock.advance(Duration.ofDays(1).plusHours(1));
            h.devices.save(privateUnmanaged("d11", "m11", "02:AB:00:00:00:11"));
            AccessReport stale = h.run(AccessRequest.devices("webhook", List.of("d11")));
            assertEquals(List.of("d11"), stale.devicesWith("quarantine", "held-by-cap"));
            assertTrue(stale.cap().contains("the fleet's size is unknown"), stale.cap());

            AccessReport confirmed = h.run(new AccessRequest("manual", AccessRequest.Scope.DEVICES, List.of("d11"), AccessRequest.Mode.RECONCILE, false, 1));
            assertEquals(List.of("d11"), confirmed.devicesWith("quarantine", "quarantined"));
        }

        @Test
        void aCountSoSmallThatOneDeviceIsOverTheShareHoldsIt() {
            AccessHarness h = new AccessHarness().uncounted().with(keepsTheApp());
            h.counted(1, h.clock.instant());
            AccessReport r = h.run(AccessRequest.devices("webhook", List.of("intune:d07")));
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "held-by-cap"));
            assertTrue(r.cap().contains("1 of 1 devices"), r.cap());
        }
    }

    @Nested
    class SafetyRails {
        @Test
        void aDryRunChangesNothingAndRecordsWhatItWouldDo() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            AccessReport r = h.run(new AccessRequest("manual", AccessRequest.Scope.FLEET, List.of(), AccessRequest.Mode.RECONCILE, true, null));
            assertTrue(r.dryRun());
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "would-quarantine"));
            assertTrue(h.nac.policies.isEmpty());
            assertEquals(0, h.nac.count("quarantine"));
            assertTrue(h.notices.isEmpty());
            LedgerRecord e = h.entries("m07", "nac.quarantined").get(0);
            assertTrue(e.dryRun());
            assertEquals("would-do", e.outcome());
            assertTrue(h.evidence.records(List.of("intune:d07")).isEmpty());
        }

        @Test
        void theKillSwitchHoldsQuarantinesButNotReleases() {
            AccessHarness h = new AccessHarness().with(keepsTheApp(), privateUnmanaged("d10", "m10", MAC9));
            h.schedule();
            h.killSwitch.set(true, "security-lead", "investigating a wrong quarantine");
            h.devices.save(privateUnmanaged("d11", "m11", "02:AB:00:00:00:11"));
            h.attest("m10", h.clock.instant().plusSeconds(1));
            h.clock.advance(Duration.ofMinutes(1));
            AccessReport r = h.schedule();
            assertEquals(List.of("d11"), r.devicesWith("quarantine", "held-by-kill-switch"));
            assertEquals(List.of("d10"), r.devicesWith("release", "released"));
            assertTrue(r.killSwitch().contains("security-lead"));
            assertFalse(h.nac.policies.containsKey("02:AB:00:00:00:11"));
            assertEquals(1, h.fleet("nac.quarantine-stopped").size());
        }

        @Test
        void moreQuarantinesThanTheCapNeedAnExplicitConfirmation() {
            AccessHarness h = new AccessHarness();
            // 300 private devices, none attested: over the cap of 200 per run.
            IntStream.range(0, 300).forEach(i -> h.devices.save(privateUnmanaged("p" + i, "m" + i, String.format("02:CD:00:00:%02X:%02X", i / 256, i % 256))));
            AccessReport capped = h.schedule();
            assertEquals(300, capped.count("quarantine", "held-by-cap"));
            assertTrue(h.nac.policies.isEmpty());
            assertTrue(capped.cap().contains("\"confirm\": 300"), capped.cap());
            assertEquals(1, h.alerts.size());
            AccessReport underConfirmed = h.run(new AccessRequest("manual", AccessRequest.Scope.FLEET, List.of(), AccessRequest.Mode.RECONCILE, false, 299));
            assertEquals(300, underConfirmed.count("quarantine", "held-by-cap"));
            AccessReport confirmed = h.run(new AccessRequest("manual", AccessRequest.Scope.FLEET, List.of(), AccessRequest.Mode.RECONCILE, false, 300));
            assertEquals(300, confirmed.count("quarantine", "quarantined"));
            assertEquals(3, h.nac.count("list"), "each fleet run reads the NAC once, not device by device");
            assertEquals(0, h.nac.count("state"));
        }

        @Test
        void aRetriedOrConcurrentRunNeverRepeatsANacCommand() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            h.claims.claim("nac/quarantine/intune:d07/1", "other-run", h.clock.instant(), Duration.ofMinutes(16));
            AccessReport r = h.schedule();
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "already-handled"));
            assertEquals(0, h.nac.count("quarantine"));
        }

        @Test
        void aRunThatDiedHalfWayIsFinishedByTheNextWithoutRepeatingTheCommand() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            // The dead run claimed and quarantined, then crashed before recording anything else.
            h.claims.claim("nac/quarantine/intune:d07/1", "dead-run", h.clock.instant(), Duration.ofMinutes(16));
            h.nac.quarantine(EndpointKey.mac(AccessFixtures.mac(MAC7)));
            h.clock.advance(Duration.ofMinutes(17));
            AccessReport r = h.schedule();
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "quarantined"), "the dead run's quarantine, recorded now");
            assertEquals(1, h.nac.count("quarantine"), "only the dead run's");
            assertEquals(1, h.notices.size());
            assertEquals("true", h.entries("m07", "nac.quarantined").get(0).details().get("interruptedAttempt"));
            assertEquals("ok", h.entries("m07", "nac.quarantined").get(0).outcome());
            assertEquals(Claims.Outcome.ALREADY_DONE, h.claims.claim("nac/quarantine/intune:d07/1", "x", h.clock.instant(), Duration.ofMinutes(1)));
        }

        @Test
        void thePlatformsRetryOfARunThatDiedAfterTheNacChangeRecordsItWithoutSendingItAgain() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            // run-1 claimed and quarantined, then died; the platform retries it under the same id at once.
            h.claims.claim("nac/quarantine/intune:d07/1", "run-1", h.clock.instant(), Duration.ofMinutes(16));
            h.nac.quarantine(EndpointKey.mac(AccessFixtures.mac(MAC7)));
            AccessReport r = h.schedule();
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "quarantined"));
            assertEquals(1, h.nac.count("quarantine"), "the command is not sent again");
            assertEquals(1, h.entries("m07", "nac.quarantined").size(), "and the change has its entry");
            assertEquals("ok", h.entries("m07", "nac.quarantined").get(0).outcome());
            assertEquals(1, h.notices.size());
        }

        @Test
        void aResumedAttemptNeverAdoptsAQuarantineSomeoneElseAppliedMeanwhile() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            // run-1 claimed and died before touching the NAC; meanwhile the network team put the device under its own policy.
            h.claims.claim("nac/quarantine/intune:d07/1", "run-1", h.clock.instant(), Duration.ofMinutes(16));
            h.nac.policies.put(MAC7, "Shutdown");
            AccessReport r = h.schedule();
            assertEquals(List.of(), r.devicesWith("quarantine", "quarantined"), "not recorded as ours");
            assertTrue(r.actions().get(0).error().contains("another policy 'Shutdown'"), r.actions().toString());
            assertEquals("Shutdown", h.nac.policies.get(MAC7));
        }

        @Test
        void aFailingNacStopsTheRunAfterThreeFailuresInARowAndGivesTheClaimsBack() {
            AccessHarness h = new AccessHarness();
            IntStream.range(0, 5).forEach(i -> h.devices.save(privateUnmanaged("p" + i, "m" + i, String.format("02:CD:00:00:00:%02X", i))));
            for (int i = 0; i < 3; i++) h.nac.failures.add(new RemoteFailure(RemoteFailure.Kind.TRANSIENT, "fake", "apply", 503, "down"));
            AccessReport r = h.schedule();
            assertEquals("stopped", r.status());
            assertEquals(3, r.count("quarantine", "failed"));
            assertEquals(2, r.count("quarantine", "not-attempted"));
            assertNotNull(r.note());
            assertTrue(h.claims.state("nac/quarantine/p0/1").isEmpty(), "given back for the next run");
            assertEquals(5, h.schedule().count("quarantine", "quarantined"), "the next run does them");
        }

        @Test
        void aQuarantineLiftedOnTheNacBehindItsBackIsReportedNotReapplied() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            h.schedule();
            h.nac.policies.clear();
            AccessReport r = h.schedule();
            assertEquals(List.of("intune:d07"), r.drift());
            assertTrue(h.nac.policies.isEmpty());
            assertEquals(1, h.entries("m07", "nac.quarantine-lifted-elsewhere").size());
        }

        @Test
        void aReleaseOnlyRequestQuarantinesNothing() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            AccessReport r = h.run(new AccessRequest("manual", AccessRequest.Scope.FLEET, List.of(), AccessRequest.Mode.RELEASE, false, null));
            assertTrue(r.actions().isEmpty());
            assertTrue(h.nac.policies.isEmpty());
        }

        @Test
        void unknownIdsAreNamedWhileTheKnownOnesAreDone() {
            AccessHarness h = new AccessHarness().with(keepsTheApp());
            AccessReport r = h.run(new AccessRequest("manual", AccessRequest.Scope.DEVICES, List.of("nope", "intune:d07"), AccessRequest.Mode.QUARANTINE, false, null));
            assertEquals(List.of("nope"), r.notFound());
            assertEquals(List.of("intune:d07"), r.devicesWith("quarantine", "quarantined"));
        }
    }

    @Test
    void attestationsAreReadExactlyAsTheNoticesReadThem() {
        AccessHarness h = new AccessHarness();
        h.attest("m10", DEADLINE);
        assertEquals(DEADLINE, Attestations.fromLedger(h.ledger).privateDevicesCleanSince("m10").orElseThrow());
    }
}
