package org.appban.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Ownership;
import org.appban.store.memory.InMemoryLedger;
import org.junit.jupiter.api.Test;

/**
 * The campaign's history is computed from the ledger's entries: appended to a real (in-memory, hash-chained) ledger
 * as the functions append them, then read back as the status page reads them.
 */
class CampaignHistoryTest {
    private static final ZoneId NZ = ZoneId.of("Pacific/Auckland");
    private static final LocalDate ANNOUNCED = LocalDate.of(2023, 3, 17);
    private final InMemoryLedger ledger = new InMemoryLedger();

    private static Instant nz(String local) {
        return LocalDateTime.parse(local).atZone(NZ).toInstant();
    }

    private void record(String at, String member, String device, String action, String outcome, Map<String, String> details) {
        ledger.append(new LedgerRecord(nz(at), Actor.schedule("test"), member, device, action, outcome, false,
                action + "/" + member + "/" + device + "/" + at + "/" + details, details));
    }

    private CampaignHistory.History history(String at) {
        List<LedgerEntry> all = new ArrayList<>();
        for (String chain : ledger.chains()) all.addAll(ledger.chain(chain));
        return CampaignHistory.of(all, Set.of("d-corp-1", "d-corp-2"), ANNOUNCED, NZ, nz(at));
    }

    private static Map<String, String> state(String before, String after) {
        Map<String, String> d = new HashMap<>();
        if (before != null) d.put("before", before);
        if (after != null) d.put("after", after);
        return d;
    }

    @Test
    void devices_carrying_the_app_burn_down_day_by_day_by_ownership() {
        record("2023-03-17T08:00", "m-1", "d-corp-1", "inventory.new-device", "ok", state(null, "PRESENT/COMPLIANT"));
        record("2023-03-17T08:00", "m-1", "d-corp-2", "inventory.new-device", "ok", state(null, "PRESENT/COMPLIANT"));
        record("2023-03-17T08:00", "m-2", "d-priv-1", "inventory.new-device", "ok", state(null, "UNKNOWN/NONCOMPLIANT"));
        record("2023-03-17T08:00", "m-2", "d-priv-2", "inventory.new-device", "ok", state(null, "UNKNOWN/COMPLIANT"));
        // 19 March: one corporate device is cleaned; 20 March the private one complies; 21 March the other corporate one leaves the MDM.
        record("2023-03-19T10:00", "m-1", "d-corp-1", "inventory.app-disappeared", "ok", state("PRESENT/COMPLIANT", "ABSENT/COMPLIANT"));
        record("2023-03-20T23:59", "m-2", "d-priv-1", "inventory.compliance-changed", "ok", state("UNKNOWN/NONCOMPLIANT", "UNKNOWN/COMPLIANT"));
        record("2023-03-21T09:00", "m-1", "d-corp-2", "inventory.device-gone", "ok", state("PRESENT/COMPLIANT", null));

        CampaignHistory.History h = history("2023-03-21T12:00");
        assertEquals(List.of(LocalDate.of(2023, 3, 17), LocalDate.of(2023, 3, 18), LocalDate.of(2023, 3, 19),
                LocalDate.of(2023, 3, 20), LocalDate.of(2023, 3, 21)), h.days().stream().map(CampaignHistory.Day::date).toList());
        assertEquals(List.of(2, 2, 1, 1, 0), h.days().stream().map(d -> d.carrying(Ownership.CORPORATE)).toList());
        assertEquals(List.of(1, 1, 1, 0, 0), h.days().stream().map(d -> d.carrying(Ownership.PRIVATE)).toList(),
                "the change at 23:59 NZDT on the 20th counts on the 20th, the policy zone's day, not UTC's");
    }

    @Test
    void quarantines_and_restores_count_on_their_day_and_off_network_devices_until_restored() {
        record("2023-04-07T09:00", "m-2", "d-priv-1", "nac.quarantined", "ok", Map.of());
        record("2023-04-07T09:05", "m-3", "d-priv-3", "nac.quarantined", "ok", Map.of());
        record("2023-04-07T10:00", "m-3", "d-priv-3", "nac.quarantined", "already", Map.of());
        record("2023-04-09T11:00", "m-2", "d-priv-1", "nac.released", "ok", Map.of());
        ledger.append(new LedgerRecord(nz("2023-04-09T12:00"), Actor.schedule("test"), "m-4", "d-priv-4", "nac.quarantined", "would-do",
                true, null, Map.of()));

        CampaignHistory.History h = history("2023-04-09T18:00");
        CampaignHistory.Day seventh = day(h, "2023-04-07");
        assertEquals(2, seventh.quarantined(), "an 'already' is not a second quarantine");
        assertEquals(2, seventh.offNetwork());
        CampaignHistory.Day ninth = day(h, "2023-04-09");
        assertEquals(1, ninth.restored());
        assertEquals(0, ninth.quarantined(), "a dry run quarantines nobody");
        assertEquals(1, ninth.offNetwork());
    }

    @Test
    void an_exemption_is_in_force_from_its_grant_until_it_expires_or_is_revoked() {
        record("2023-03-20T10:00", "m-5", null, "exemption.granted", "ok",
                Map.of("exemption", "ex-1", "expires", nz("2023-03-23T12:00").toString()));
        record("2023-03-20T11:00", "m-6", null, "exemption.granted", "ok",
                Map.of("exemption", "ex-2", "expires", nz("2023-09-01T00:00").toString()));
        record("2023-03-22T15:00", "m-6", null, "exemption.revoked", "ok", Map.of("exemption", "ex-2"));

        CampaignHistory.History h = history("2023-03-24T12:00");
        assertEquals(0, day(h, "2023-03-19").exemptionsActive());
        assertEquals(2, day(h, "2023-03-20").exemptionsActive());
        assertEquals(2, day(h, "2023-03-21").exemptionsActive());
        assertEquals(1, day(h, "2023-03-22").exemptionsActive(), "revoked on the 22nd");
        assertEquals(0, day(h, "2023-03-23").exemptionsActive(), "expired at noon on the 23rd");
    }

    @Test
    void notices_are_counted_per_day_by_kind() {
        record("2023-03-17T09:00", "m-1", null, "notice.sent", "ok", Map.of("kind", "announcement", "stage", "announcement"));
        record("2023-03-17T09:00", "m-2", null, "notice.sent", "ok", Map.of("kind", "announcement", "stage", "announcement"));
        record("2023-03-17T09:00", "m-3", null, "notice.send-intent", "pending", Map.of("kind", "announcement"));
        record("2023-03-24T09:00", "m-1", null, "notice.sent", "ok", Map.of("kind", "reminder", "stage", "reminder-7d"));

        CampaignHistory.History h = history("2023-03-24T12:00");
        assertEquals(List.of("announcement", "reminder"), h.noticeKinds());
        assertEquals(2, day(h, "2023-03-17").notices("announcement"));
        assertEquals(0, day(h, "2023-03-18").noticesTotal());
        assertEquals(1, day(h, "2023-03-24").notices("reminder"));
        assertEquals(h.last(), day(h, "2023-03-24"));
    }

    @Test
    void nothing_after_the_instant_asked_for_is_counted() {
        record("2023-03-17T09:00", "m-1", null, "notice.sent", "ok", Map.of("kind", "announcement"));
        record("2023-03-17T15:00", "m-2", null, "notice.sent", "ok", Map.of("kind", "announcement"));
        assertEquals(1, history("2023-03-17T12:00").last().notices("announcement"));
    }

    @Test
    void the_charts_draw_the_history_as_svg_with_a_title_a_description_and_a_table_of_every_number() {
        record("2023-03-17T08:00", "m-1", "d-corp-1", "inventory.new-device", "ok", state(null, "PRESENT/COMPLIANT"));
        record("2023-03-17T09:00", "m-1", null, "notice.sent", "ok", Map.of("kind", "<announcement>"));
        String html = CampaignCharts.section(history("2023-03-31T12:00"), LocalDate.of(2023, 3, 31), "Tik\"Tok</svg>");
        assertEquals(4, html.split("<svg ", -1).length - 1);
        assertEquals(4, html.split("<title id=", -1).length - 1);
        assertEquals(4, html.split("<desc id=", -1).length - 1);
        assertEquals(4, html.split("<table>", -1).length - 1);
        assertTrue(html.contains("role=\"img\""));
        assertTrue(html.contains(">deadline</text>"));
        assertTrue(html.contains("Devices carrying Tik&quot;Tok&lt;/svg&gt;"), "the app's name is escaped");
        assertTrue(html.contains("&lt;announcement&gt;"), "kinds are escaped");
        assertFalse(html.contains("<script") || html.contains("href=") || html.contains("url("), "nothing fetched, nothing run");
        assertTrue(html.contains("corporate 1 on the first day, 1 on the last, highest 1 on 17 Mar."), html);
    }

    private static CampaignHistory.Day day(CampaignHistory.History h, String date) {
        return h.days().stream().filter(d -> d.date().equals(LocalDate.parse(date))).findFirst().orElseThrow();
    }
}
