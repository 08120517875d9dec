package org.appban.exemption;

import static org.appban.exemption.ExemptionFixtures.APPROVER_SESSION;
import static org.appban.exemption.ExemptionFixtures.CLERK;
import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.appban.exemption.ExemptionFixtures.proven;
import static org.appban.exemption.ExemptionFixtures.OTHER_APPROVER_SESSION;
import static org.appban.exemption.ExemptionFixtures.POLICY;
import static org.appban.exemption.ExemptionFixtures.corporate;
import static org.appban.exemption.ExemptionFixtures.granted;
import static org.appban.exemption.ExemptionFixtures.member;
import static org.appban.exemption.ExemptionFixtures.nz;
import static org.appban.exemption.ExemptionFixtures.requested;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.appban.domain.AppPresence;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.Member;
import org.appban.input.InvalidInputException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ExemptionRulesTest {
    private final ExemptionRules rules = new ExemptionRules(POLICY);
    private final Instant decision = nz("2023-03-22T11:00");
    private final Member aroha = member("m-001");

    @Nested
    class Granting {
        @Test
        void an_approver_grants_a_request_made_by_someone_else_until_a_date_within_the_maximum() {
            Exemption e = requested("ex-1", "m-001", null, CLERK);
            Exemption g = rules.grant("t", e, aroha, proven(MANAGER), nz("2023-06-30T17:00"), decision);
            assertEquals(ExemptionStatus.GRANTED, g.status());
            assertEquals(MANAGER, g.decidedBy());
            assertEquals(decision, g.decidedAt());
            assertEquals(nz("2023-06-30T17:00"), g.expires());
            assertEquals(CLERK, g.requestedBy());
        }

        @Test
        void the_approver_who_requested_it_cannot_grant_it() {
            Exemption e = requested("ex-1", "m-001", null, MANAGER);
            InvalidInputException x = assertThrows(InvalidInputException.class,
                    () -> rules.grant("exemption.grant", e, aroha, proven(MANAGER), nz("2023-04-30T17:00"), decision));
            assertEquals("caller", x.problems().get(0).where());
            assertTrue(x.getMessage().contains("requested exemption ex-1 and cannot also decide it"), x.getMessage());
        }

        @Test
        void the_same_identity_center_user_is_the_same_person_through_any_permission_set_and_in_any_case() {
            Exemption e = requested("ex-1", "m-001", null,
                    "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanAdministrator_0a1b2c3d4e5f6a7b/ICT-Security-Manager@Parliament.govt.nz");
            assertThrows(InvalidInputException.class, () -> rules.grant("t", e, aroha, proven(MANAGER), nz("2023-04-30T17:00"), decision));
        }

        @Test
        void nor_can_it_be_refused_by_the_approver_who_requested_it() {
            Exemption e = requested("ex-1", "m-001", null, APPROVER_SESSION);
            assertThrows(InvalidInputException.class, () -> rules.refuse("t", e, aroha, proven(APPROVER_SESSION), "no", decision));
        }

        @Test
        void another_session_of_the_approver_role_may_decide_what_one_session_requested() {
            Exemption e = requested("ex-1", "m-001", null, APPROVER_SESSION);
            assertEquals(ExemptionStatus.GRANTED, rules.grant("t", e, aroha, proven(OTHER_APPROVER_SESSION), nz("2023-04-30T17:00"), decision).status());
        }

        @Test
        void someone_not_named_an_approver_cannot_decide() {
            Exemption e = requested("ex-1", "m-001", null, MANAGER);
            InvalidInputException x = assertThrows(InvalidInputException.class,
                    () -> rules.grant("t", e, aroha, proven(CLERK), nz("2023-04-30T17:00"), decision));
            assertTrue(x.getMessage().contains("is not an exemption approver"), x.getMessage());
        }

        @Test
        void a_member_who_is_also_an_approver_cannot_decide_their_own_exemption() {
            Member manager = Member.active("m-050", "Security Manager", "ict-security-manager@parliament.govt.nz", org.appban.domain.Role.STAFF);
            Exemption e = requested("ex-1", "m-050", null, CLERK);
            InvalidInputException x = assertThrows(InvalidInputException.class,
                    () -> rules.grant("t", e, manager, proven(MANAGER), nz("2023-04-30T17:00"), decision));
            assertTrue(x.getMessage().contains("is the exempted member"), x.getMessage());
        }

        @Test
        void an_expiry_beyond_the_policys_maximum_is_refused_and_the_latest_allowed_is_named() {
            Exemption e = requested("ex-1", "m-001", null, CLERK);
            Instant latest = rules.latestExpiry(decision);
            assertEquals(nz("2023-09-18T11:00"), latest, "180 calendar days in Pacific/Auckland, across the DST change");
            InvalidInputException x = assertThrows(InvalidInputException.class,
                    () -> rules.grant("exemption.grant", e, aroha, proven(MANAGER), latest.plusSeconds(1), decision));
            assertEquals("expires", x.problems().get(0).where());
            assertTrue(x.getMessage().contains("beyond the policy's maximum of 180 days"), x.getMessage());
            assertTrue(x.getMessage().contains(latest.toString()), x.getMessage());
            assertEquals(latest, rules.grant("t", e, aroha, proven(MANAGER), latest, decision).expires(), "exactly the maximum is allowed");
        }

        @Test
        void an_expiry_is_mandatory_and_after_the_decision() {
            Exemption e = requested("ex-1", "m-001", null, CLERK);
            assertTrue(assertThrows(InvalidInputException.class, () -> rules.grant("t", e, aroha, proven(MANAGER), null, decision))
                    .getMessage().contains("expires: is required"));
            assertTrue(assertThrows(InvalidInputException.class, () -> rules.grant("t", e, aroha, proven(MANAGER), decision, decision))
                    .getMessage().contains("is not after the decision"));
        }

        @Test
        void only_a_requested_exemption_can_be_granted_or_refused() {
            Exemption g = granted("ex-1", "m-001", null, nz("2023-05-01T00:00"));
            assertTrue(assertThrows(InvalidInputException.class, () -> rules.grant("t", g, aroha, proven(OTHER_APPROVER_SESSION), nz("2023-05-02T00:00"), decision))
                    .getMessage().contains("exemption ex-1 is granted; only a requested exemption can be granted"));
            assertThrows(InvalidInputException.class, () -> rules.refuse("t", g, aroha, proven(OTHER_APPROVER_SESSION), "no", decision));
        }

        @Test
        void every_broken_rule_is_reported_at_once() {
            Exemption e = requested("ex-1", "m-001", null, CLERK);
            InvalidInputException x = assertThrows(InvalidInputException.class,
                    () -> rules.grant("t", e, aroha, proven(CLERK), nz("2024-01-01T00:00"), decision));
            assertEquals(List.of("caller", "expires"), x.problems().stream().map(p -> p.where()).toList());
        }
    }

    @Nested
    class Revoking {
        @Test
        void an_approver_revokes_a_granted_exemption_at_once_keeping_who_granted_it() {
            Exemption g = granted("ex-1", "m-001", "d-1", nz("2023-06-01T00:00"));
            Exemption r = rules.revoke("t", g, proven(OTHER_APPROVER_SESSION), "no longer on the committee", decision);
            assertEquals(ExemptionStatus.REVOKED, r.status());
            assertEquals(OTHER_APPROVER_SESSION, r.revokedBy());
            assertEquals(decision, r.revokedAt());
            assertEquals(MANAGER, r.decidedBy());
        }

        @Test
        void the_approver_who_granted_it_may_revoke_it() {
            Exemption g = granted("ex-1", "m-001", null, nz("2023-06-01T00:00"));
            assertEquals(ExemptionStatus.REVOKED, rules.revoke("t", g, proven(MANAGER), "done", decision).status());
        }

        @Test
        void an_expired_exemption_has_nothing_left_to_revoke() {
            Exemption g = granted("ex-1", "m-001", null, nz("2023-03-21T00:00"));
            assertTrue(assertThrows(InvalidInputException.class, () -> rules.revoke("t", g, proven(MANAGER), "done", decision))
                    .getMessage().contains("already expired"));
        }

        @Test
        void a_request_cannot_be_revoked_and_a_reason_is_required() {
            Exemption e = requested("ex-1", "m-001", null, CLERK);
            InvalidInputException x = assertThrows(InvalidInputException.class, () -> rules.revoke("t", e, proven(MANAGER), " ", decision));
            assertEquals(List.of("id", "reason"), x.problems().stream().map(p -> p.where()).toList());
        }
    }

    @Nested
    class Requesting {
        @Test
        void a_request_without_devices_covers_the_whole_member() {
            List<Exemption> es = rules.request("t", "m-001", aroha, List.of(corporate("d-1", "m-001", AppPresence.PRESENT)),
                    List.of(), "committee work", CLERK, decision, d -> "ex-" + d);
            assertEquals(1, es.size());
            assertNull(es.get(0).device());
            assertEquals(ExemptionStatus.REQUESTED, es.get(0).status());
            assertEquals(CLERK, es.get(0).requestedBy());
        }

        @Test
        void a_request_naming_devices_gives_one_exemption_per_device() {
            List<Exemption> es = rules.request("t", "m-001", aroha,
                    List.of(corporate("d-1", "m-001", AppPresence.PRESENT), corporate("d-2", "m-001", AppPresence.ABSENT)),
                    List.of("d-1", "d-2"), "committee work", CLERK, decision, d -> "ex-" + d);
            assertEquals(List.of("d-1", "d-2"), es.stream().map(Exemption::device).toList());
            assertEquals(List.of("ex-d-1", "ex-d-2"), es.stream().map(Exemption::id).toList());
        }

        @Test
        void unknown_members_foreign_devices_and_missing_reasons_are_named() {
            InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> rules.request("exemption.request", "m-999", null,
                    List.of(), List.of(), "x", CLERK, decision, d -> "x"));
            assertEquals("exemption.request: member: no member 'm-999' on the roster", unknown.getMessage());
            InvalidInputException foreign = assertThrows(InvalidInputException.class, () -> rules.request("t", "m-001", aroha,
                    List.of(corporate("d-1", "m-001", AppPresence.PRESENT)), List.of("d-1", "d-7"), "", CLERK, decision, d -> "x"));
            assertEquals(List.of("reason", "devices[1]"), foreign.problems().stream().map(p -> p.where()).toList());
            assertTrue(foreign.getMessage().contains("'d-7' is not a device of member 'm-001'"));
        }

        @Test
        void an_inactive_member_cannot_be_exempted() {
            assertThrows(InvalidInputException.class, () -> rules.request("t", "m-001", aroha.deactivated(), List.of(), List.of(),
                    "x", CLERK, decision, d -> "x"));
        }
    }
}
