package org.appban.exemption;

import static org.appban.exemption.ExemptionFixtures.corporate;
import static org.appban.exemption.ExemptionFixtures.granted;
import static org.appban.exemption.ExemptionFixtures.nz;
import static org.appban.exemption.ExemptionFixtures.personal;
import static org.appban.exemption.ExemptionFixtures.requested;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.junit.jupiter.api.Test;

class ExemptionCheckTest {
    private final Device phone = corporate("d-1", "m-001", AppPresence.PRESENT);
    private final Device tablet = corporate("d-2", "m-001", AppPresence.PRESENT);
    private final Instant expiry = nz("2023-04-30T17:00");

    @Test
    void a_granted_exemption_protects_its_device_until_the_instant_it_expires() {
        List<Exemption> es = List.of(granted("ex-1", "m-001", "d-1", expiry));
        ExemptionCheck.Protection p = ExemptionCheck.check(es, phone, expiry.minusSeconds(1));
        assertTrue(p.exempt());
        assertEquals("ex-1", p.exemptionId());
        assertEquals(expiry, p.expires());
        assertFalse(ExemptionCheck.isExempt(es, phone, expiry), "expired at its expiry: the next run acts on the device again");
        assertFalse(ExemptionCheck.isExempt(es, tablet, expiry.minusSeconds(1)), "a device exemption covers only its device");
    }

    @Test
    void a_member_exemption_covers_all_their_devices_and_nobody_elses() {
        List<Exemption> es = List.of(granted("ex-1", "m-001", null, expiry));
        Instant now = nz("2023-04-01T09:00");
        assertTrue(ExemptionCheck.isExempt(es, phone, now));
        assertTrue(ExemptionCheck.isExempt(es, personal("d-3", "m-001", ComplianceState.NONCOMPLIANT), now));
        assertFalse(ExemptionCheck.isExempt(es, corporate("d-9", "m-002", AppPresence.PRESENT), now));
    }

    @Test
    void requested_refused_and_revoked_exemptions_protect_nothing() {
        Exemption g = granted("ex-1", "m-001", null, expiry);
        Instant now = nz("2023-04-01T09:00");
        for (ExemptionStatus s : List.of(ExemptionStatus.REQUESTED, ExemptionStatus.REFUSED, ExemptionStatus.REVOKED)) {
            Exemption e = new Exemption(g.id(), g.member(), g.device(), g.reason(), s, g.requestedBy(), g.requestedAt(),
                    g.decidedBy(), g.decidedAt(), g.expires(), null, null);
            assertEquals(ExemptionCheck.Protection.NONE, ExemptionCheck.check(List.of(e), phone, now), s.name());
        }
        assertFalse(ExemptionCheck.isExempt(List.of(requested("ex-2", "m-001", "d-1", "x")), phone, now));
    }

    @Test
    void of_two_covering_exemptions_the_longer_is_reported_and_protection_lasts_until_the_chain_of_them_ends() {
        Exemption member = granted("ex-a", "m-001", null, nz("2023-04-10T00:00"));
        Exemption device = granted("ex-b", "m-001", "d-1", nz("2023-05-10T00:00"));
        Exemption later = granted("ex-c", "m-001", "d-1", nz("2023-06-10T00:00"));
        Instant now = nz("2023-04-01T00:00");
        assertEquals("ex-c", ExemptionCheck.check(List.of(member, device, later), phone, now).exemptionId());
        assertEquals(nz("2023-06-10T00:00"), ExemptionCheck.protectedUntil(List.of(member, device, later), phone, now));
        assertNull(ExemptionCheck.protectedUntil(List.of(member), phone, nz("2023-04-10T00:00")));
    }

    /**
     * Property, over 2,000 random fleets of exemptions, devices and instants: the check agrees with the definition
     * (a granted exemption of the owner covering the device, not expired), reports the longest one, and protection
     * never comes back later once it has ended (nothing but a new grant can restore it).
     */
    @Test
    void property_protection_is_exactly_a_covering_unexpired_grant_and_never_returns_by_itself() {
        Random random = new Random(20230331L);
        Instant base = nz("2023-03-01T00:00");
        List<String> members = List.of("m-1", "m-2", "m-3");
        List<String> deviceIds = List.of("d-1", "d-2", "d-3", "d-4");
        for (int round = 0; round < 2000; round++) {
            List<Exemption> es = new ArrayList<>();
            int n = random.nextInt(6);
            for (int i = 0; i < n; i++) {
                ExemptionStatus status = ExemptionStatus.values()[random.nextInt(ExemptionStatus.values().length)];
                String member = members.get(random.nextInt(members.size()));
                String device = random.nextBoolean() ? null : deviceIds.get(random.nextInt(deviceIds.size()));
                Instant expires = status == ExemptionStatus.GRANTED || random.nextBoolean()
                        ? base.plus(Duration.ofHours(random.nextInt(24 * 120))) : null;
                es.add(new Exemption("ex-" + round + "-" + i, member, device, "r", status, "clerk", base,
                        "approver", base, expires, null, null));
            }
            String owner = members.get(random.nextInt(members.size()));
            Device device = random.nextBoolean()
                    ? corporate(deviceIds.get(random.nextInt(deviceIds.size())), owner, AppPresence.PRESENT)
                    : personal(deviceIds.get(random.nextInt(deviceIds.size())), owner, ComplianceState.NONCOMPLIANT);
            Instant now = base.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 130)));

            Instant longest = null;
            for (Exemption e : es) {
                boolean covers = e.status() == ExemptionStatus.GRANTED && e.member().equals(device.owner())
                        && (e.device() == null || e.device().equals(device.id())) && now.isBefore(e.expires());
                if (covers && (longest == null || e.expires().isAfter(longest))) longest = e.expires();
            }
            ExemptionCheck.Protection p = ExemptionCheck.check(es, device, now);
            String context = "round " + round + ": " + es + " / " + device.id() + "@" + device.owner() + " at " + now;
            assertEquals(longest != null, p.exempt(), context);
            if (p.exempt()) {
                assertEquals(longest, p.expires(), context);
                assertTrue(now.isBefore(p.expires()), context);
            } else {
                Instant later = now.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 60) + 1));
                assertFalse(ExemptionCheck.isExempt(es, device, later), "protection came back by itself: " + context + " later " + later);
            }
            Instant until = ExemptionCheck.protectedUntil(es, device, now);
            if (until != null) {
                assertTrue(ExemptionCheck.isExempt(es, device, until.minusNanos(1)), context);
                assertFalse(ExemptionCheck.isExempt(es, device, until), context);
            }
        }
    }
}
