package org.appban.notice;

import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;
import static org.appban.notice.Fixtures.member;
import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.Fixtures.personal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Member;
import org.appban.domain.Platform;
import org.appban.input.InvalidInputException;
import org.appban.mail.EmlReader;
import org.appban.mail.MimeWriter;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notices in the members' languages: the bundled policy ships an English and a French template set; a member gets
 * the set of the language the roster gives them, or the default; a bilingual policy sends both in one notice; and a
 * set that cannot write every stage, or a subject missing in a language, stops the policy at load.
 */
class NoticeLanguagesTest {
    private static final NoticeLinks LINKS = new NoticeLinks("https://appban.example.org/exempt?t=abc&m=1",
            "https://appban.example.org/attest?t=xyz");
    private static final Instant ANNOUNCED = nz("2023-03-17T09:00");
    private final Device iphone = corporate("d-1", "m-1", Platform.IOS, "iPhone 14", AppPresence.PRESENT);
    private final Device pixel = personal("d-3", "m-1", Platform.ANDROID, "Pixel 7", ComplianceState.NONCOMPLIANT);

    private static String bundledJson() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream("/policies/" + PolicyLoader.BUNDLED + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BanPolicy policy(String json) {
        return new PolicyLoader().parse(json, "policy.json");
    }

    private RenderedNotice announcement(NoticeLanguages languages, BanPolicy policy, Member m) {
        DueNotice n = new NoticePlanner(policy).due(MemberSnapshot.of(m, List.of(iphone, pixel), List.of()), ANNOUNCED).due().get(0);
        return languages.render(n, LINKS, ANNOUNCED);
    }

    @Test
    void a_member_whose_roster_row_says_fr_gets_the_french_set_and_everyone_else_the_default() {
        NoticeLanguages languages = NoticeLanguages.load(POLICY);
        RenderedNotice fr = announcement(languages, POLICY, member("m-1").withLanguage("fr"));
        assertEquals("L'application TikTok doit être supprimée de vos appareils d'ici le vendredi 31 mars 2023 à 0 h 00 NZDT", fr.subject());
        assertTrue(fr.html().contains("<html lang=\"fr\">"), fr.html());
        assertTrue(fr.html().contains("<p>Bonjour "), fr.html());
        assertTrue(fr.html().contains("<strong>iPhone 14</strong> (iOS, appareil professionnel)"), fr.html());
        assertTrue(fr.text().contains("* Pixel 7 (Android, appareil personnel)\u00a0:"), fr.text());
        assertTrue(fr.text().contains("perd l'accès au réseau") && fr.text().contains("vendredi 7 avril 2023 à 0 h 00 NZST"), fr.text());
        assertTrue(fr.text().contains("https://appban.example.org/attest?t=xyz"), "the member's own links, whatever the language");
        assertFalse(fr.text().contains("must be gone"), "no English left in a French notice: " + fr.text());
        assertTrue(fr.text().contains("TikTok est interdit sur les appareils ayant accès au réseau parlementaire."),
                "the ban's title in French (notices.languages.sets[1].title): " + fr.text());
        assertFalse(fr.text().contains("parliamentary network"), "not the English title: " + fr.text());

        for (Member english : List.of(member("m-1"), member("m-1").withLanguage("de"), member("m-1").withLanguage("de-CH"))) {
            RenderedNotice en = announcement(languages, POLICY, english);
            assertEquals("TikTok must be removed from your devices by Friday 31 March 2023, 12:00 am NZDT", en.subject(), english.language());
            assertTrue(en.html().contains("<html lang=\"en\">"));
        }
        assertEquals("fr", languages.languageOf(member("m-1").withLanguage("FR")), "tags are compared ignoring case");
        assertEquals("fr", languages.languageOf(member("m-1").withLanguage("fr-CA")), "a regional tag reads its language's set");
        assertEquals("fr", languages.languageOf(member("m-1").withLanguage("FR-x-unknown")), "as does a private-use one");
    }

    @Test
    void the_exemption_paragraph_is_the_policys_own_in_each_language() {
        NoticeLanguages languages = NoticeLanguages.load(POLICY);
        RenderedNotice fr = announcement(languages, POLICY, member("m-1").withLanguage("fr"));
        assertTrue(fr.text().contains(POLICY.requestInstructionsIn("fr")), fr.text());
        assertTrue(fr.text().contains("demandez une exemption par le lien ci-dessous"), fr.text());
        RenderedNotice en = announcement(languages, POLICY, member("m-1"));
        assertTrue(en.text().contains(POLICY.exemptions().requestInstructions()), en.text());
    }

    @Test
    void a_set_other_than_the_defaults_gives_the_title_and_instructions_in_its_language() {
        String withoutFrenchTitle = bundledJson().replaceFirst("\"title\": \"TikTok est interdit[^\"]*\",", "");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> policy(withoutFrenchTitle));
        assertTrue(e.getMessage().contains("notices.languages.sets[1].title: is required"), e.getMessage());

        String englishTwice = bundledJson().replace("{\"language\": \"en\", \"templates\": \"classpath:templates\"}",
                "{\"language\": \"en\", \"templates\": \"classpath:templates\", \"title\": \"Another title\"}");
        InvalidInputException d = assertThrows(InvalidInputException.class, () -> policy(englishTwice));
        assertTrue(d.getMessage().contains("notices.languages.sets[0].title: is the default language's"), d.getMessage());
    }

    @Test
    void the_french_calendar_event_and_every_stage_render_in_french() {
        NoticeLanguages languages = NoticeLanguages.load(POLICY);
        Member m = member("m-1").withLanguage("fr");
        DueNotice n = new NoticePlanner(POLICY).due(MemberSnapshot.of(m, List.of(iphone), List.of()), ANNOUNCED).due().get(0);
        DeadlineEvent.CalendarWords words = languages.renderCalendar(n, LINKS, ANNOUNCED);
        assertEquals("Échéance : supprimer TikTok de vos appareils", words.summary().replace('\u00a0', ' '), "one line, as a header");
        for (Instant at : List.of(nz("2023-03-24T09:00"), nz("2023-03-29T09:00"), nz("2023-03-31T09:00"), nz("2023-04-03T09:00"))) {
            for (DueNotice due : new NoticePlanner(POLICY).due(MemberSnapshot.of(m, List.of(iphone, pixel), List.of()), at).due()) {
                RenderedNotice r = languages.render(due, LINKS, at);
                assertTrue(r.html().contains("lang=\"fr\"") && r.text().contains("Bonjour"), due.stage().id() + ": " + r.text());
                String french = POLICY.notices().stage(due.stage().id()).orElseThrow().subjects().get("fr");
                String literal = french.contains("{{") ? french.substring(0, french.indexOf("{{")) : french;
                // A subject is one header line: HeaderText writes the no-break spaces as spaces.
                assertTrue(r.subject().startsWith(literal.replace('\u00a0', ' ')), due.stage().id() + ": " + r.subject());
            }
        }
    }

    @Test
    void a_bilingual_policy_sends_the_members_language_first_and_the_other_after_it() {
        BanPolicy bilingual = policy(bundledJson().replace("\"languages\": {", "\"languages\": {\n      \"bilingual\": [\"en\", \"fr\"],"));
        NoticeLanguages languages = NoticeLanguages.load(bilingual);
        RenderedNotice fr = announcement(languages, bilingual, member("m-1").withLanguage("fr"));
        assertEquals("L'application TikTok doit être supprimée de vos appareils d'ici le vendredi 31 mars 2023 à 0 h 00 NZDT"
                + " / TikTok must be removed from your devices by Friday 31 March 2023, 12:00 am NZDT", fr.subject());
        int french = fr.html().indexOf("Bonjour");
        int english = fr.html().indexOf("<div lang=\"en\">");
        assertTrue(french > 0 && english > french && fr.html().indexOf("Kia ora", english) > english, fr.html());
        assertEquals(1, fr.html().split("</body>", -1).length - 1, "one page: the second language inside the first's body");
        assertTrue(fr.text().indexOf("Bonjour") < fr.text().indexOf("Kia ora"), fr.text());

        RenderedNotice en = announcement(languages, bilingual, member("m-1"));
        assertTrue(en.subject().startsWith("TikTok must be removed") && en.subject().contains(" / L'application TikTok"), en.subject());
        assertTrue(en.html().contains("<div lang=\"fr\">"), en.html());

        // The whole email parses back, both languages in each part.
        NoticeComposer composer = new NoticeComposer(bilingual, languages, new MimeWriter(), LinkIssuer.none(), true);
        DueNotice n = new NoticePlanner(bilingual).due(MemberSnapshot.of(member("m-1").withLanguage("fr"), List.of(iphone), List.of()),
                ANNOUNCED).due().get(0);
        EmlReader.Message m = EmlReader.read(composer.compose(n, ANNOUNCED).mail().mime().bytes());
        assertTrue(m.subject().startsWith("L'application TikTok") && m.subject().contains(" / TikTok must"), m.subject());
        assertTrue(m.text().contains("Bonjour") && m.text().contains("Kia ora"));
    }

    @Test
    void a_bilingual_pair_must_be_two_of_the_sets_languages() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> policy(bundledJson().replace("\"languages\": {", "\"languages\": {\n      \"bilingual\": [\"en\", \"mi\"],")));
        assertTrue(e.getMessage().contains("policy.json") && e.getMessage().contains("notices.languages.bilingual[1]")
                && e.getMessage().contains("'mi' is not one of the sets' languages"), e.getMessage());
    }

    @Test
    void a_stage_without_a_subject_in_a_sets_language_is_refused_naming_the_stage_and_language() {
        String json = bundledJson().replace(", \"subjects\": {\"fr\": \"Votre dérogation pour TikTok a pris fin\"}", "");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> policy(json));
        assertTrue(e.getMessage().contains("policy.json") && e.getMessage().contains("notices.stages[10].subjects.fr: is required"), e.getMessage());

        String unknown = bundledJson().replace("{\"fr\": \"Votre dérogation pour TikTok a pris fin\"}",
                "{\"fr\": \"Votre dérogation pour TikTok a pris fin\", \"mi\": \"Kua mutu\"}");
        InvalidInputException u = assertThrows(InvalidInputException.class, () -> policy(unknown));
        assertTrue(u.getMessage().contains("notices.stages[10].subjects.mi") && u.getMessage().contains("not a language of notices.languages.sets"),
                u.getMessage());
    }

    @Test
    void the_default_must_be_one_of_the_sets() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> policy(bundledJson().replace("\"default\": \"en\"", "\"default\": \"mi\"")));
        assertTrue(e.getMessage().contains("notices.languages.default") && e.getMessage().contains("'mi' is not one of the sets' languages"),
                e.getMessage());
    }

    /** The French set copied to a folder, for an organisation's own set (or a broken one). */
    private static Path frenchSetIn(Path dir) throws IOException {
        java.net.URI set;
        try {
            set = NoticeLanguagesTest.class.getClassLoader().getResource("templates/fr").toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        // A folder when the modules are built to `test`; inside the adapters jar when a reactor reaches `verify`.
        try (java.nio.file.FileSystem jar = "jar".equals(set.getScheme()) ? java.nio.file.FileSystems.newFileSystem(set, java.util.Map.of()) : null;
             Stream<Path> files = Files.walk(Path.of(set))) {
            Path source = Path.of(set);
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(source.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        return dir;
    }

    private static BanPolicy withFrenchSetAt(Path set) {
        return policy(bundledJson().replace("\"classpath:templates/fr\"", "\"" + set.toAbsolutePath().toString().replace("\\", "\\\\") + "\""));
    }

    @Test
    void an_organisations_set_in_a_folder_beside_the_policy_file_is_read_from_there(@TempDir Path dir) throws IOException {
        frenchSetIn(Files.createDirectories(dir.resolve("notices-fr")));
        Path file = dir.resolve("policy.json");
        Files.writeString(file, bundledJson().replace("\"classpath:templates/fr\"", "\"notices-fr\""));
        BanPolicy p = new PolicyLoader().load(file);
        assertEquals(dir.resolve("notices-fr").toAbsolutePath().normalize().toString(), p.notices().languages().sets().get(1).templates());
        assertTrue(announcement(NoticeLanguages.load(p), p, member("m-1").withLanguage("fr")).subject().startsWith("L'application"));
    }

    @Test
    void a_set_missing_a_stages_template_is_named_with_the_policy_field_and_the_file(@TempDir Path dir) throws IOException {
        Path set = frenchSetIn(dir);
        Files.delete(set.resolve("reminder.html.mustache"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NoticeLanguages.load(withFrenchSetAt(set)));
        assertTrue(e.getMessage().contains("notices.languages.sets[1] (fr)")
                && e.getMessage().contains(set.resolve("reminder.html.mustache").toString()) && e.getMessage().contains("is missing"), e.getMessage());
    }

    @Test
    void a_placeholder_no_model_provides_is_named_with_the_file(@TempDir Path dir) throws IOException {
        Path set = frenchSetIn(dir);
        Files.writeString(set.resolve("partials/contact.txt.mustache"), "Cordialement, {{senderName}} {{senderNickname}}\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NoticeLanguages.load(withFrenchSetAt(set)));
        assertTrue(e.getMessage().contains("notices.languages.sets[1] (fr)") && e.getMessage().contains("senderNickname")
                && e.getMessage().contains(set.toString()), e.getMessage());
    }

    @Test
    void a_set_whose_locale_is_another_language_is_refused(@TempDir Path dir) throws IOException {
        Path set = frenchSetIn(dir);
        Files.writeString(set.resolve("templates.properties"), "locale=de\ndateTimePattern=d MMM\ndatePattern=d MMM\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NoticeLanguages.load(withFrenchSetAt(set)));
        assertTrue(e.getMessage().contains("templates.properties: locale de is not in fr"), e.getMessage());
    }

    @Test
    void a_set_that_is_not_there_is_named() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NoticeLanguages.load(policy(bundledJson().replace("classpath:templates/fr", "classpath:templates/mi"))));
        assertTrue(e.getMessage().contains("notices.languages.sets[1] (fr).templates: no template set at classpath:templates/mi/"), e.getMessage());
    }
}
