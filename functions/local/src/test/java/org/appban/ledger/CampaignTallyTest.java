package org.appban.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.appban.admin.CountedStatus;
import org.appban.admin.TallyCheck;
import org.appban.admin.tally.TallyReconciliation;
import org.appban.domain.Actor;
import org.appban.domain.CampaignTally;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.store.memory.InMemoryLedger;
import org.junit.jupiter.api.Test;

/** The campaign's counters: what each entry moves, kept once per entry whatever retries do, and reconciled with the ledger. */
class CampaignTallyTest {
    private static final Instant AT = Instant.parse("2026-03-02T21:00:00Z");

    private static LedgerRecord record(String member, String device, String action, String outcome, boolean dryRun, String key,
                                       Map<String, String> details) {
        return new LedgerRecord(AT, Actor.schedule("test"), member, device, action, outcome, dryRun, key, details);
    }

    private static LedgerRecord notice(String member, String stage, String kind) {
        return record(member, null, "notice.sent", "ok", false, "notice/" + member + "/" + stage, Map.of("stage", stage, "kind", kind));
    }

    @Test
    void a_notice_sent_moves_the_total_its_stage_and_its_kind() {
        assertEquals(Map.of("notices", 1L, "notices.stage.final-warning", 1L, "notices.kind.final-warning", 1L),
                CampaignTally.effects(notice("m-1", "final-warning", "final-warning")));
    }

    @Test
    void quarantines_releases_and_escalations_count_only_when_done() {
        assertEquals(Map.of("quarantined", 1L), CampaignTally.effects(record("m-1", "d-1", "nac.quarantined", "ok", false, "q1", Map.of())));
        assertEquals(Map.of(), CampaignTally.effects(record("m-1", "d-1", "nac.quarantined", "already", false, "q2", Map.of())));
        assertEquals(Map.of(), CampaignTally.effects(record("m-1", "d-1", "nac.quarantine-failed", "failed", false, "q3", Map.of())));
        assertEquals(Map.of("restored", 1L), CampaignTally.effects(record("m-1", "d-1", "nac.released", "ok", false, "r1", Map.of())));
        assertEquals(Map.of("escalated", 1L), CampaignTally.effects(record("m-1", "d-1", "enforce.escalated", "ok", false, "e1", Map.of())));
        assertEquals(Map.of("removed", 1L), CampaignTally.effects(record("m-1", "d-1", "inventory.app-disappeared", "ok", false, "i1", Map.of())));
    }

    @Test
    void exemption_decisions_count_by_state_and_other_exemption_entries_do_not() {
        assertEquals(Map.of("exemptions.granted", 1L), CampaignTally.effects(record("m-1", null, "exemption.granted", "ok", false, "g", Map.of())));
        assertEquals(Map.of("exemptions.requested", 1L), CampaignTally.effects(record("m-1", null, "exemption.requested", "ok", false, "q", Map.of())));
        assertEquals(Map.of(), CampaignTally.effects(record("m-1", null, "exemption.notice-requested", "ok", false, "n", Map.of())));
        assertEquals(Map.of(), CampaignTally.effects(record("m-1", null, "exemption.notice-requested", "ok", false, "n2",
                Map.of("exemption", "ex-1", "kind", "exemption-expiring"))));
    }

    @Test
    void an_exemption_run_to_its_end_counts_as_expired_and_leaves_the_exemptions_in_force() {
        assertEquals(Map.of("exemptions.expired", 1L), CampaignTally.effects(record("m-1", null, "exemption.notice-requested", "ok", false,
                "exemption/ex-1/notice/exemption-expired", Map.of("exemption", "ex-1", "kind", "exemption-expired"))));
        CampaignTally t = new CampaignTally(Map.of("exemptions.granted", 5L, "exemptions.revoked", 1L, "exemptions.expired", 2L), null);
        assertEquals(2, t.exemptionsActive());
    }

    @Test
    void an_inventory_entry_moves_the_devices_carrying_the_app_of_its_ownership_by_what_it_changed() {
        assertEquals(Map.of("carrying.corporate", 1L), CampaignTally.effects(record("m-1", "d-1", "inventory.new-device", "ok", false, "i1",
                Map.of("after", "PRESENT/UNKNOWN", "ownership", "CORPORATE"))));
        assertEquals(Map.of("removed", 1L, "carrying.private", -1L), CampaignTally.effects(record("m-1", "d-1", "inventory.app-disappeared", "ok",
                false, "i2", Map.of("before", "PRESENT/UNKNOWN", "after", "ABSENT/UNKNOWN", "ownership", "PRIVATE"))));
        assertEquals(Map.of("carrying.corporate", -1L), CampaignTally.effects(record("m-1", "d-1", "inventory.device-gone", "ok", false, "i3",
                Map.of("before", "ABSENT/NONCOMPLIANT", "ownership", "CORPORATE"))), "non-compliant carries; a device gone carries nothing");
        assertEquals(Map.of(), CampaignTally.effects(record("m-1", "d-1", "inventory.compliance-changed", "ok", false, "i4",
                Map.of("before", "PRESENT/COMPLIANT", "after", "PRESENT/NONCOMPLIANT", "ownership", "CORPORATE"))), "carrying before and after");
        assertEquals(Map.of(), CampaignTally.effects(record("m-1", "d-1", "inventory.new-device", "ok", false, "i5", Map.of("after", "PRESENT/UNKNOWN"))),
                "an entry written before entries named the ownership moves nothing");
    }

    @Test
    void a_repair_between_two_readings_is_not_a_change_and_a_recount_never_holds_it() {
        CampaignTally read = new CampaignTally(Map.of("notices", 3L), null);
        CampaignTally repairedLater = read.plus(Map.of("notices", 10L, "repaired.notices", 10L)).plus(Map.of("notices", 1L));
        assertEquals(Map.of("notices", 1L), repairedLater.since(read.counters()), "one notice sent; ten repaired");
        assertEquals(Map.of(), repairedLater.driftFrom(new CampaignTally(Map.of("notices", 14L), null)), "repaired.* is not drift");
    }

    @Test
    void a_dry_run_and_an_entry_nobody_counts_move_nothing() {
        assertEquals(Map.of(), CampaignTally.effects(record("m-1", "d-1", "nac.quarantined", "ok", true, "q", Map.of())));
        assertEquals(Map.of(), CampaignTally.effects(record(null, null, "admin.status", "ok", false, "s", Map.of())));
    }

    @Test
    void an_entry_appended_again_with_its_key_a_retry_or_a_redelivery_counts_once() {
        InMemoryLedger ledger = new InMemoryLedger();
        LedgerRecord sent = notice("m-1", "announcement", "announcement");
        ledger.append(sent);
        ledger.append(sent);
        ledger.append(notice("m-1", "announcement", "announcement"));
        assertEquals(1, ledger.tally().orElseThrow().get(CampaignTally.NOTICES));
    }

    @Test
    void the_counters_kept_with_the_appends_equal_the_recount_of_the_chains() {
        InMemoryLedger ledger = new InMemoryLedger();
        List<LedgerRecord> records = List.of(notice("m-1", "announcement", "announcement"), notice("m-2", "announcement", "announcement"),
                notice("m-2", "final-warning", "final-warning"), record("m-2", "d-2", "nac.quarantined", "ok", false, "q", Map.of()),
                record("m-2", "d-2", "nac.released", "ok", false, "r", Map.of()), record("m-3", "d-3", "nac.quarantined", "ok", false, "q3", Map.of()),
                record(null, null, "admin.status", "ok", false, null, Map.of()));
        for (LedgerRecord r : records) {
            ledger.append(r);
            ledger.append(r);
        }
        List<LedgerEntry> all = new ArrayList<>();
        ledger.chains().forEach(c -> all.addAll(ledger.chain(c)));
        assertEquals(CampaignTally.recount(all).counters(), ledger.tally().orElseThrow().counters());
        assertEquals(1, ledger.tally().orElseThrow().offNetwork(), "two quarantines done, one released");
    }

    @Test
    void a_chain_always_counts_in_the_same_shard_and_every_shard_is_in_range() {
        for (String chain : List.of("fleet", "member#m-001", "member#m-999999", "member#" + "x".repeat(200))) {
            int shard = CampaignTally.shard(chain);
            assertTrue(shard >= 0 && shard < CampaignTally.SHARDS, chain);
            assertEquals(shard, CampaignTally.shard(new String(chain)));
        }
    }

    @Test
    void drift_is_what_to_add_to_the_counters_to_make_them_the_ledgers() {
        CampaignTally kept = new CampaignTally(Map.of("notices", 3L, "quarantined", 2L), null);
        CampaignTally truth = new CampaignTally(Map.of("notices", 5L, "restored", 1L), null);
        assertEquals(Map.of("notices", 2L, "quarantined", -2L, "restored", 1L), kept.driftFrom(truth));
        assertEquals(truth.counters(), kept.plus(kept.driftFrom(truth)).counters());
    }

    @Test
    void growth_since_an_earlier_tally_is_the_windows_changes() {
        CampaignTally now = new CampaignTally(Map.of("notices", 7L, "quarantined", 2L), null);
        assertEquals(Map.of("notices", 4L, "quarantined", 2L), now.since(Map.of("notices", 3L)));
    }

    @Test
    void a_check_while_the_counters_moved_reports_but_corrects_nothing() {
        CampaignTally before = new CampaignTally(Map.of("notices", 1L), null);
        CampaignTally after = new CampaignTally(Map.of("notices", 2L), null);
        CampaignTally recount = new CampaignTally(Map.of("notices", 2L), null);
        TallyCheck c = TallyCheck.decide(before, recount, after, true, 2, 1, AT);
        assertEquals(TallyCheck.MOVING, c.result());
        assertFalse(c.applies());
        assertEquals(Map.of(), c.correction());
    }

    @Test
    void a_check_corrects_only_when_asked_to_repair() {
        CampaignTally kept = new CampaignTally(Map.of("notices", 1L), null);
        CampaignTally recount = new CampaignTally(Map.of("notices", 3L), null);
        assertEquals(TallyCheck.DRIFTED, TallyCheck.decide(kept, recount, kept, false, 3, 1, AT).result());
        TallyCheck repaired = TallyCheck.decide(kept, recount, kept, true, 3, 1, AT);
        assertEquals(TallyCheck.REPAIRED, repaired.result());
        assertEquals(Map.of("notices", 2L, "repaired.notices", 2L), repaired.correction(),
                "the repair is also kept apart, so that a digest does not count it as the day's notices");
        assertEquals(TallyCheck.AGREES, TallyCheck.decide(recount, recount, recount, false, 3, 1, AT).result());
    }

    @Test
    void a_ledger_older_than_its_counters_is_reported_then_repaired_then_agrees_and_is_shown_as_checked() {
        InMemoryLedger ledger = new InMemoryLedger();
        ledger.append(notice("m-1", "announcement", "announcement"));
        ledger.append(notice("m-2", "announcement", "announcement"));
        // As if the first notice had been sent before this stack counted: the counters miss it.
        ledger.correctTally(Map.of("notices", -1L, "notices.stage.announcement", -1L, "notices.kind.announcement", -1L), null);
        assertEquals(CountedStatus.UNCHECKED, CountedStatus.of(ledger.tally()).state());

        TallyReconciliation reconciliation = new TallyReconciliation(ledger);
        TallyCheck found = reconciliation.run(AT, false);
        assertEquals(TallyCheck.DRIFTED, found.result());
        assertEquals(1L, found.drift().get("notices"));
        assertEquals(1, ledger.tally().orElseThrow().get("notices"), "a check without repair corrects nothing");

        assertEquals(TallyCheck.REPAIRED, reconciliation.run(AT, true).result());
        assertEquals(2, ledger.tally().orElseThrow().get("notices"));
        TallyCheck again = reconciliation.run(AT.plusSeconds(60), false);
        assertEquals(TallyCheck.AGREES, again.result());
        CountedStatus shown = CountedStatus.of(ledger.tally());
        assertEquals(CountedStatus.CHECKED, shown.state());
        assertEquals(AT.plusSeconds(60), shown.checkedAt());
        assertEquals(2, shown.counted().noticesSent());
    }

    @Test
    void no_counters_shows_as_missing_with_no_figures() {
        CountedStatus shown = CountedStatus.of(new InMemoryLedger().tally());
        assertEquals(CountedStatus.MISSING, shown.state());
        assertNull(shown.counted());
    }
}
