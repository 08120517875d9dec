package org.appban.notice;

import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;
import static org.appban.notice.Fixtures.granted;
import static org.appban.notice.Fixtures.member;
import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.Fixtures.personal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.Member;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.policy.StageKind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class NoticePlannerTest {
    private final NoticePlanner planner = new NoticePlanner(POLICY);
    private final Member aroha = member("m-1");
    private final Device corporateIphoneWithApp = corporate("d-1", "m-1", Platform.IOS, "iPhone 14", AppPresence.PRESENT);
    private final Device corporateIpadClean = corporate("d-2", "m-1", Platform.IOS, "iPad Air", AppPresence.ABSENT);
    private final Device privatePixelNoncompliant = personal("d-3", "m-1", Platform.ANDROID, "Pixel 7", ComplianceState.NONCOMPLIANT);
    private final Device privatePhoneUnknown = personal("d-4", "m-1", Platform.OTHER, null, ComplianceState.NOT_ENROLLED);
    private final Device privateIphoneCompliant = personal("d-5", "m-1", Platform.IOS, "iPhone 12", ComplianceState.COMPLIANT);

    private static final Instant AT_ANNOUNCEMENT = nz("2023-03-17T09:00");
    private static final Instant AT_FIRST_REMINDER = nz("2023-03-24T09:00");
    private static final Instant AT_DEADLINE = nz("2023-03-31T09:00");
    private static final Instant AT_OVERDUE = nz("2023-04-03T09:00");

    private MemberSnapshot snapshot(Member m, Device... devices) {
        return MemberSnapshot.of(m, List.of(devices), List.of());
    }

    private static String dueStage(NoticeDecision d) {
        assertEquals(1, d.due().size(), () -> "expected one notice due, found " + d);
        return d.due().get(0).stage().id();
    }

    @Nested
    class Who_gets_nothing {
        @Test
        void an_inactive_member() {
            NoticeDecision d = planner.due(snapshot(aroha.deactivated(), corporateIphoneWithApp), AT_ANNOUNCEMENT);
            assertTrue(d.isEmpty());
            assertEquals("inactive", d.reason());
        }

        @Test
        void a_member_whose_address_bounced() {
            NoticeDecision d = planner.due(snapshot(aroha.withMailBlocked(true), corporateIphoneWithApp), AT_ANNOUNCEMENT);
            assertEquals("mail-blocked", d.reason());
        }

        @Test
        void anyone_before_the_announcement_goes_out() {
            assertEquals("not-yet", planner.due(snapshot(aroha, corporateIphoneWithApp), nz("2023-03-17T08:59")).reason());
        }
    }

    @Nested
    class The_announcement {
        @Test
        void lists_each_device_of_a_member_with_the_app_and_what_happens_to_it() {
            NoticeDecision d = planner.due(snapshot(aroha, corporateIphoneWithApp, corporateIpadClean, privatePixelNoncompliant), AT_ANNOUNCEMENT);

            DueNotice n = d.due().get(0);
            assertEquals("announcement", n.stage().id());
            assertEquals(MemberStanding.ACTION_NEEDED, n.standing());
            assertEquals(List.of("d-2", "d-1", "d-3"), n.devices().stream().map(l -> l.device().id()).toList());
            DeviceLine iphone = n.devices().get(1);
            assertEquals(DeviceFate.REMOVED_BY_MDM, iphone.fate());
            assertEquals(POLICY.deadlineInstant(), iphone.when());
            assertEquals(DeviceFate.CLEAN, n.devices().get(0).fate());
            DeviceLine pixel = n.devices().get(2);
            assertEquals(DeviceFate.LOSES_ACCESS_UNLESS_REMOVED, pixel.fate());
            assertEquals(Instant.parse("2023-04-06T12:00:00Z"), pixel.when(), "deadline + 7 days grace, in NZST");
        }

        @Test
        void asks_a_member_with_no_known_device_to_confirm() {
            DueNotice n = planner.due(snapshot(aroha), AT_ANNOUNCEMENT).due().get(0);
            assertEquals(MemberStanding.NO_KNOWN_DEVICE, n.standing());
            assertTrue(n.devices().isEmpty());
        }

        @Test
        void asks_a_member_with_only_private_devices_nobody_can_check_to_confirm_them() {
            DueNotice n = planner.due(snapshot(aroha, privatePhoneUnknown, corporateIpadClean), AT_ANNOUNCEMENT).due().get(0);
            assertEquals(MemberStanding.CONFIRM_NEEDED, n.standing());
            assertEquals(DeviceFate.CONFIRM_CLEAN, n.devices().get(1).fate());
        }

        @Test
        void still_tells_a_member_who_has_nothing_to_do_about_the_rule() {
            DueNotice n = planner.due(snapshot(aroha, corporateIpadClean, privateIphoneCompliant), AT_ANNOUNCEMENT).due().get(0);
            assertEquals("announcement", n.stage().id());
            assertEquals(MemberStanding.NOTHING_TO_DO, n.standing());
        }
    }

    @Nested
    class Reminders_and_the_deadline {
        @Test
        void go_to_a_member_who_still_has_the_app() {
            MemberSnapshot s = snapshot(aroha, corporateIphoneWithApp).withSent(Set.of("announcement"));
            assertEquals("reminder-7d", dueStage(planner.due(s, AT_FIRST_REMINDER)));
            s = s.withSent(Set.of("announcement", "reminder-7d", "reminder-2d"));
            assertEquals("deadline", dueStage(planner.due(s, AT_DEADLINE)));
        }

        @Test
        void go_to_a_member_asked_to_confirm_private_devices() {
            MemberSnapshot s = snapshot(aroha, privatePhoneUnknown).withSent(Set.of("announcement"));
            assertEquals("reminder-7d", dueStage(planner.due(s, AT_FIRST_REMINDER)));
        }

        @Test
        void stop_once_the_member_has_complied() {
            MemberSnapshot s = snapshot(aroha, corporateIpadClean, privateIphoneCompliant).withSent(Set.of("announcement"));
            NoticeDecision d = planner.due(s, AT_FIRST_REMINDER);
            assertTrue(d.isEmpty());
            assertEquals("already-sent", d.reason(), "the only stage that applies is the announcement, already sent");
        }

        @Test
        void stop_once_the_member_attested_their_private_devices_are_clean() {
            MemberSnapshot s = snapshot(aroha, privatePhoneUnknown).withSent(Set.of("announcement"))
                    .withAttestation(nz("2023-03-20T12:00"));
            assertTrue(planner.due(s, AT_FIRST_REMINDER).isEmpty());
            assertEquals(DeviceFate.CLEAN, planner.assess(s, AT_FIRST_REMINDER).lines().get(0).fate());
        }

        @Test
        void an_attestation_does_not_outweigh_the_mdm_finding_the_app() {
            MemberSnapshot s = snapshot(aroha, privatePixelNoncompliant).withSent(Set.of("announcement"))
                    .withAttestation(nz("2023-03-20T12:00"));
            assertEquals("reminder-7d", dueStage(planner.due(s, AT_FIRST_REMINDER)));
        }

        @Test
        void are_not_sent_to_a_member_with_no_known_device() {
            MemberSnapshot s = snapshot(aroha).withSent(Set.of("announcement"));
            assertTrue(planner.due(s, AT_FIRST_REMINDER).isEmpty());
        }

        @Test
        void are_not_sent_when_every_device_with_the_app_is_exempt() {
            Exemption e = granted("x-1", "m-1", "d-1", nz("2023-09-30T00:00"));
            MemberSnapshot s = new MemberSnapshot(aroha, List.of(corporateIphoneWithApp, corporateIpadClean), List.of(e),
                    Set.of("announcement"), null);

            assertTrue(planner.due(s, AT_FIRST_REMINDER).isEmpty());
            DeviceLine line = planner.assess(s, AT_FIRST_REMINDER).lines().stream()
                    .filter(l -> l.device().id().equals("d-1")).findFirst().orElseThrow();
            assertEquals(DeviceFate.EXEMPT, line.fate());
            assertEquals(nz("2023-09-30T00:00"), line.when());
        }

        @Test
        void resume_once_the_exemption_has_expired() {
            Exemption e = granted("x-1", "m-1", "d-1", nz("2023-03-20T00:00"));
            MemberSnapshot s = new MemberSnapshot(aroha, List.of(corporateIphoneWithApp), List.of(e), Set.of("announcement"), null);
            assertEquals("reminder-7d", dueStage(planner.due(s, AT_FIRST_REMINDER)));
        }

        @Test
        void ignore_retired_devices() {
            MemberSnapshot s = snapshot(aroha, corporateIphoneWithApp.withRetired(true)).withSent(Set.of("announcement"));
            assertEquals(MemberStanding.NO_KNOWN_DEVICE, planner.assess(s, AT_FIRST_REMINDER).standing());
            assertTrue(planner.due(s, AT_FIRST_REMINDER).isEmpty());
        }
    }

    @Nested
    class The_overdue_notice {
        @Test
        void goes_to_a_member_whose_private_device_is_still_non_compliant_and_says_when_access_is_cut() {
            MemberSnapshot s = snapshot(aroha, privatePixelNoncompliant)
                    .withSent(Set.of("announcement", "reminder-7d", "reminder-2d", "deadline"));
            DueNotice n = planner.due(s, AT_OVERDUE).due().get(0);
            assertEquals("overdue", n.stage().id());
            assertEquals(POLICY.privateGraceEnds(), n.devices().get(0).when());
        }

        @Test
        void is_not_sent_for_a_corporate_device_which_the_mdm_handles() {
            MemberSnapshot s = snapshot(aroha, corporateIphoneWithApp)
                    .withSent(Set.of("announcement", "reminder-7d", "reminder-2d", "deadline"));
            NoticeDecision d = planner.due(s, AT_OVERDUE);
            assertTrue(d.isEmpty());
            assertEquals("already-sent", d.reason());
        }

        /** An unsupervised corporate iPhone: the MDM can neither remove nor block the app; only its member can. */
        @Test
        void goes_to_a_member_whose_corporate_device_the_mdm_cannot_clean_and_tells_them_to_remove_it_themselves() {
            Device unsupervised = new Device("d-6", "m-1", Ownership.CORPORATE, Platform.IOS, "iPhone 12", false, MdmKind.INTUNE, "mdm-d-6",
                    null, AppPresence.PRESENT, ComplianceState.NONCOMPLIANT, nz("2023-04-02T08:00"), false);
            MemberSnapshot s = snapshot(aroha, unsupervised).withSent(Set.of("announcement", "reminder-7d", "reminder-2d", "deadline"));
            DueNotice n = planner.due(s, AT_OVERDUE).due().get(0);
            assertEquals("overdue", n.stage().id());
            assertEquals(DeviceFate.REMOVE_YOURSELF, n.devices().get(0).fate());
            assertEquals(POLICY.privateGraceEnds(), n.devices().get(0).when(), "the day it loses network access");
            assertEquals(MemberStanding.ACTION_NEEDED, n.standing());
        }

        @Test
        void is_not_sent_for_a_private_device_in_doubt_but_without_evidence() {
            MemberSnapshot s = snapshot(aroha, privatePhoneUnknown)
                    .withSent(Set.of("announcement", "reminder-7d", "reminder-2d", "deadline"));
            assertTrue(planner.due(s, AT_OVERDUE).isEmpty());
        }
    }

    @Nested
    class Catching_up {
        @Test
        void a_member_found_late_gets_one_notice_the_latest_stage_due_not_a_burst() {
            NoticeDecision d = planner.due(snapshot(aroha, corporateIphoneWithApp), nz("2023-03-29T15:00"));
            assertEquals("reminder-2d", dueStage(d));
        }

        @Test
        void a_device_found_with_the_app_after_the_deadline_brings_the_overdue_notice_not_the_missed_reminders() {
            MemberSnapshot s = snapshot(aroha, privatePixelNoncompliant).withSent(Set.of("announcement"));
            assertEquals("overdue", dueStage(planner.due(s, nz("2023-04-04T10:00"))));
        }

        @Test
        void a_stage_already_sent_is_never_sent_again() {
            MemberSnapshot s = snapshot(aroha, corporateIphoneWithApp).withSent(Set.of("announcement", "reminder-7d"));
            assertEquals("already-sent", planner.due(s, nz("2023-03-27T09:00")).reason());
        }

        @Test
        void the_campaign_never_goes_backwards_after_a_later_stage() {
            // Overdue went out for a private device; it is now clean but a corporate device turned up with the app.
            MemberSnapshot s = snapshot(aroha, corporateIphoneWithApp, privateIphoneCompliant)
                    .withSent(Set.of("announcement", "overdue"));
            assertEquals("already-sent", planner.due(s, nz("2023-04-04T10:00")).reason());
        }
    }

    @Nested
    class Requested_notices {
        @Test
        void name_the_device_and_keep_the_request() {
            NoticeRequest r = new NoticeRequest(StageKind.ACCESS_REVOKED, "m-1", "d-3", null, nz("2023-04-07T09:05"), "nac/d-3/1");
            DueNotice n = planner.requested(snapshot(aroha, privatePixelNoncompliant), r, nz("2023-04-07T09:06")).due().get(0);
            assertEquals("access-revoked", n.stage().id());
            assertEquals("d-3", n.device().id());
            assertEquals(r, n.request());
            assertEquals("notice/nz-parliament-tiktok-2023/m-1/access-revoked/nac%2Fd-3%2F1", n.key(POLICY.id()));
        }

        @Test
        void name_the_exemption() {
            Exemption e = granted("x-1", "m-1", "d-1", nz("2023-09-30T00:00"));
            NoticeRequest r = new NoticeRequest(StageKind.EXEMPTION_GRANTED, "m-1", null, "x-1", nz("2023-03-20T10:00"), "x-1");
            MemberSnapshot s = new MemberSnapshot(aroha, List.of(corporateIphoneWithApp), List.of(e), Set.of(), null);
            DueNotice n = planner.requested(s, r, nz("2023-03-20T10:01")).due().get(0);
            assertEquals(e, n.exemption());
            assertNull(n.device());
        }

        @Test
        void are_refused_for_a_device_of_someone_else() {
            NoticeRequest r = new NoticeRequest(StageKind.ACCESS_REVOKED, "m-1", "d-99", null, nz("2023-04-07T09:05"), "o");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> planner.requested(snapshot(aroha, privatePixelNoncompliant), r, nz("2023-04-07T09:06")));
            assertTrue(e.getMessage().contains("d-99"));
        }

        @Test
        void are_not_mailed_to_an_inactive_member() {
            NoticeRequest r = new NoticeRequest(StageKind.ACCESS_RESTORED, "m-1", "d-3", null, nz("2023-04-09T09:05"), "o");
            assertEquals("inactive", planner.requested(snapshot(aroha.deactivated(), privatePixelNoncompliant), r, nz("2023-04-09T09:06")).reason());
        }
    }

    /** Property: whatever the fleet and the instant, an exempt device is never put under removal pressure. */
    @Test
    void an_exempt_device_is_never_under_removal_pressure() {
        Random random = new Random(20230331);
        ComplianceState[] states = ComplianceState.values();
        AppPresence[] presences = AppPresence.values();
        for (int run = 0; run < 2000; run++) {
            int n = 1 + random.nextInt(4);
            Device[] devices = new Device[n];
            for (int i = 0; i < n; i++) {
                devices[i] = random.nextBoolean()
                        ? corporate("d-" + i, "m-1", Platform.IOS, "iPhone", presences[random.nextInt(presences.length)])
                        : personal("d-" + i, "m-1", Platform.ANDROID, "Pixel", states[random.nextInt(states.length)]);
            }
            String exemptDevice = random.nextInt(5) == 0 ? null : "d-" + random.nextInt(n);
            Instant now = nz("2023-03-17T09:00").plusSeconds(random.nextInt(40 * 86400));
            Exemption e = granted("x", "m-1", exemptDevice, now.plusSeconds(1 + random.nextInt(100 * 86400)));
            MemberSnapshot s = new MemberSnapshot(aroha, List.of(devices), List.of(e), Set.of(), null);
            for (DeviceLine line : planner.assess(s, now).lines()) {
                if (exemptDevice == null || line.device().id().equals(exemptDevice)) {
                    assertEquals(DeviceFate.EXEMPT, line.fate(), () -> "run with " + List.of(devices));
                }
            }
            if (exemptDevice == null) {
                assertEquals(MemberStanding.NOTHING_TO_DO, planner.assess(s, now).standing());
                assertTrue(planner.due(s, now).due().stream().allMatch(d -> d.stage().kind() == StageKind.ANNOUNCEMENT));
            }
        }
    }

    @Test
    void a_private_device_record_never_claims_to_know_its_app_list() {
        assertThrows(IllegalArgumentException.class, () -> new Device("d", "m", Ownership.PRIVATE, Platform.IOS, null, false,
                org.appban.domain.MdmKind.NONE, null, null, AppPresence.PRESENT, ComplianceState.UNKNOWN, null, false));
    }
}
