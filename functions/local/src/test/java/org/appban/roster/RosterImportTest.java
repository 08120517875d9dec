package org.appban.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.appban.domain.Actor;
import org.appban.domain.Member;
import org.appban.ledger.ChainVerifier;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

class RosterImportTest {
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final RosterImport rosterImport = new RosterImport(new RosterParser(), members, ledger,
            Clock.fixed(Instant.parse("2023-03-16T20:00:00Z"), ZoneOffset.UTC));
    private final Actor actor = Actor.event("s3:roster/roster.csv");

    /** 20 rows, 3 of them bad (lines 5, 12 and 19). */
    static String twentyRows() {
        String rows = IntStream.rangeClosed(1, 20).mapToObj(i -> switch (i) {
            case 4 -> "m4,Bad Email,bad-email,member";
            case 11 -> "m11,Bad Role,m11@example.org,overlord";
            case 18 -> "m18,\"Line\nBreak\",m18@example.org,staff";
            default -> "m" + i + ",Member " + i + ",m" + i + "@example.org," + (i % 2 == 0 ? "staff" : "member");
        }).collect(Collectors.joining("\n"));
        return "id,name,email,role\n" + rows + "\n";
    }

    private RosterImportReport importCsv(String csv, String tag) {
        return rosterImport.importFile("roster/roster.csv", tag, csv.getBytes(StandardCharsets.UTF_8), actor, false);
    }

    @Test
    void a_roster_of_twenty_rows_with_three_bad_ones_imports_seventeen_and_reports_the_three_by_line() {
        RosterImportReport report = importCsv(twentyRows(), "etag-1");
        assertEquals(17, report.created().size());
        assertEquals(17, members.all().size());
        assertEquals(List.of(5, 12, 19), report.rejected().stream().map(RejectedRow::line).toList());
        assertEquals(20, report.rows());
    }

    @Test
    void importing_the_same_file_again_changes_nothing_and_records_nothing_new() {
        importCsv(twentyRows(), "etag-1");
        List<Member> before = members.all();
        int entriesBefore = ledger.chains().stream().mapToInt(c -> ledger.chain(c).size()).sum();
        RosterImportReport again = importCsv(twentyRows(), "etag-1");
        assertEquals(List.of(), again.created());
        assertEquals(List.of(), again.updated());
        assertEquals(17, again.unchanged());
        assertEquals(before, members.all());
        assertEquals(entriesBefore, ledger.chains().stream().mapToInt(c -> ledger.chain(c).size()).sum());
    }

    @Test
    void a_member_missing_from_a_new_roster_is_marked_inactive_never_deleted() {
        importCsv("id,name,email,role\nm1,Ana,ana@example.org,member\nm2,Ben,ben@example.org,staff\n", "v1");
        RosterImportReport report = importCsv("id,name,email,role\nm1,Ana,ana@example.org,member\n", "v2");
        assertEquals(List.of("m2"), report.deactivated());
        assertFalse(members.find("m2").orElseThrow().active());
        assertEquals(2, members.all().size());
    }

    @Test
    void a_member_whose_row_is_rejected_is_left_as_is_rather_than_deactivated() {
        importCsv("id,name,email,role\nm1,Ana,ana@example.org,member\nm2,Ben,ben@example.org,staff\n", "v1");
        RosterImportReport report = importCsv("id,name,email,role\nm1,Ana,ana@example.org,member\nm2,Ben,ben-at-example.org,staff\n", "v2");
        assertEquals(List.of(), report.deactivated());
        assertTrue(members.find("m2").orElseThrow().active());
    }

    @Test
    void a_roster_without_a_single_valid_row_deactivates_nobody() {
        importCsv("id,name,email,role\nm1,Ana,ana@example.org,member\n", "v1");
        RosterImportReport report = importCsv("id,name,email,role\nm9,X,broken,member\n", "v2");
        assertEquals("nothing-imported", report.status());
        assertTrue(members.find("m1").orElseThrow().active());
    }

    @Test
    void a_dry_run_reports_the_changes_and_makes_none() {
        RosterImportReport report = rosterImport.importFile("roster.csv", "t", twentyRows().getBytes(StandardCharsets.UTF_8), actor, true);
        assertEquals(17, report.created().size());
        assertTrue(report.dryRun());
        assertEquals(List.of(), members.all());
    }

    @Test
    void every_change_is_in_the_ledger_and_the_chains_verify() {
        importCsv(twentyRows(), "etag-1");
        assertEquals(1, ledger.chain("member#m1").size());
        assertEquals("roster.member-added", ledger.chain("member#m1").get(0).record().action());
        ChainVerifier verifier = new ChainVerifier();
        for (String chain : ledger.chains()) assertTrue(verifier.verify(chain, ledger.chain(chain)).intact(), chain);
    }

    private static String roster(int from, int to) {
        return "id,name,email,role\n" + IntStream.rangeClosed(from, to)
                .mapToObj(i -> "m" + i + ",Member " + i + ",m" + i + "@example.org,staff").collect(Collectors.joining("\n")) + "\n";
    }

    @Test
    void a_roster_that_would_deactivate_more_than_the_limit_applies_its_additions_and_holds_the_deactivations() {
        importCsv(roster(1, 200), "full");
        // An export that lost its last 100 rows, plus one newcomer.
        RosterImportReport report = importCsv(roster(1, 100) + "m999,New Person,new@example.org,staff\n", "truncated");
        assertEquals("needs-confirmation", report.status());
        assertEquals(List.of("m999"), report.created());
        assertEquals(List.of(), report.deactivated());
        assertEquals(100, report.held().size());
        assertTrue(report.error().contains("\"confirm\": 100"), report.error());
        assertTrue(members.find("m150").orElseThrow().active());
        assertEquals("roster.deactivations-held", ledger.chain("fleet").get(ledger.chain("fleet").size() - 1).record().action());
    }

    @Test
    void the_held_deactivations_go_ahead_when_an_administrator_confirms_that_many() {
        importCsv(roster(1, 200), "full");
        importCsv(roster(1, 100), "truncated");
        RosterImportReport notEnough = rosterImport.importFile("roster/roster.csv", "truncated", roster(1, 100).getBytes(StandardCharsets.UTF_8),
                Actor.administrator("admin@example.org"), false, 99);
        assertEquals("needs-confirmation", notEnough.status());
        RosterImportReport confirmed = rosterImport.importFile("roster/roster.csv", "truncated", roster(1, 100).getBytes(StandardCharsets.UTF_8),
                Actor.administrator("admin@example.org"), false, 100);
        assertEquals("imported", confirmed.status());
        assertEquals(100, confirmed.deactivated().size());
        assertFalse(members.find("m150").orElseThrow().active());
    }

    @Test
    void normal_turnover_under_the_limit_needs_no_confirmation() {
        importCsv(roster(1, 200), "full");
        // 15 leave: more than 10 members but under 10% of 200.
        RosterImportReport report = importCsv(roster(1, 185), "turnover");
        assertEquals("imported", report.status());
        assertEquals(15, report.deactivated().size());
    }
}
