package org.appban.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.Member;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

/**
 * A roster may give each member a {@code language} for their notices. One that is not a language is reported for
 * its row, and the member is still imported, without it: they get the policy's default language, not no notice.
 */
class RosterLanguageTest {
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final RosterImport rosterImport = new RosterImport(new RosterParser(), members, ledger,
            Clock.fixed(Instant.parse("2023-03-16T20:00:00Z"), ZoneOffset.UTC));
    private final Actor actor = Actor.event("s3:roster/roster.csv");

    private RosterImportReport importFile(String name, String content, String tag) {
        return rosterImport.importFile("roster/" + name, tag, content.getBytes(StandardCharsets.UTF_8), actor, false);
    }

    @Test
    void a_csv_roster_gives_languages_and_an_unknown_one_is_reported_on_its_row_while_the_member_is_imported() {
        RosterImportReport r = importFile("roster.csv", """
                id,name,email,role,language
                m1,Aroha Wiremu,aroha@example.org,member,fr
                m2,Ben Smith,ben@example.org,staff,
                m3,Claire Dubois,claire@example.org,member,FR
                m4,Dan Brown,dan@example.org,member,klingon
                m5,Eve Adams,eve@example.org,member,pt_BR
                """, "etag-1");
        assertEquals(5, r.created().size(), "every row imported");
        assertEquals("fr", members.find("m1").orElseThrow().language());
        assertNull(members.find("m2").orElseThrow().language(), "none given: the policy's default");
        assertEquals("fr", members.find("m3").orElseThrow().language(), "written as the roster likes, kept in one form");
        assertNull(members.find("m4").orElseThrow().language(), "not a language: the default");
        assertEquals("pt-br", members.find("m5").orElseThrow().language());
        assertEquals(1, r.warnings().size());
        RejectedRow w = r.warnings().get(0);
        assertEquals(5, w.line());
        assertEquals("m4", w.id());
        assertTrue(w.reason().startsWith("language: 'klingon' is not a language tag") && w.reason().contains("default language"), w.reason());
        assertEquals(List.of(), r.rejected());

        List<LedgerEntry> warnings = ledger.chains().stream().flatMap(c -> ledger.chain(c).stream())
                .filter(e -> e.record().action().equals("roster.row-warning")).toList();
        assertEquals(1, warnings.size(), "on record, with the line and why");
        assertEquals("5", warnings.get(0).record().details().get("line"));
        assertEquals("roster/roster.csv", warnings.get(0).record().details().get("source"));
    }

    @Test
    void a_json_roster_gives_languages_too_and_a_changed_language_is_an_update_naming_the_field() {
        importFile("roster.json", "{\"members\": [{\"id\": \"m1\", \"name\": \"Aroha\", \"email\": \"a@example.org\", \"role\": \"member\"}]}", "v1");
        RosterImportReport r = importFile("roster.json",
                "{\"members\": [{\"id\": \"m1\", \"name\": \"Aroha\", \"email\": \"a@example.org\", \"role\": \"member\", \"language\": \"fr\"}]}", "v2");
        assertEquals(List.of("m1"), r.updated());
        Member m = members.find("m1").orElseThrow();
        assertEquals("fr", m.language());
        LedgerEntry updated = ledger.chains().stream().flatMap(c -> ledger.chain(c).stream())
                .filter(e -> e.record().action().equals("roster.member-updated")).findFirst().orElseThrow();
        assertEquals("language", updated.record().details().get("changed"));
    }

    @Test
    void a_language_the_policy_writes_no_notices_in_is_reported_on_its_row_and_kept_for_when_it_does() {
        org.appban.policy.BanPolicy policy = new org.appban.policy.file.PolicyLoader().bundled(org.appban.policy.file.PolicyLoader.BUNDLED);
        RosterImport forPolicy = new RosterImport(new RosterParser(policy.notices().languages()), members, ledger,
                Clock.fixed(Instant.parse("2023-03-16T20:00:00Z"), ZoneOffset.UTC));
        RosterImportReport r = forPolicy.importFile("roster/roster.csv", "etag-p", """
                id,name,email,role,language
                m1,Aroha Wiremu,aroha@example.org,member,fr
                m2,Claire Roy,claire@example.org,member,fr-CA
                m3,Hemi Parata,hemi@example.org,member,mi
                m4,Ben Smith,ben@example.org,staff,en
                """.getBytes(StandardCharsets.UTF_8), actor, false);
        assertEquals(4, r.created().size(), "every row imported");
        assertEquals("mi", members.find("m3").orElseThrow().language(), "kept: the member reads their own once the policy ships it");
        assertEquals(1, r.warnings().size(), "fr-CA reads the French set: only mi is reported " + r.warnings());
        RejectedRow w = r.warnings().get(0);
        assertEquals(4, w.line());
        assertEquals("m3", w.id());
        assertTrue(w.reason().contains("the policy writes no notices in 'mi' (notices.languages: en, fr)")
                && w.reason().contains("reads 'en'"), w.reason());
    }

    @Test
    void a_language_survives_a_bounce_and_a_deactivation() {
        Member m = new Member("m1", "Aroha", "a@example.org", org.appban.domain.Role.MEMBER, true, false, "fr");
        assertEquals("fr", m.withMailBlocked(true).language());
        assertEquals("fr", m.deactivated().language());
    }
}
