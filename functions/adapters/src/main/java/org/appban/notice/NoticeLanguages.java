package org.appban.notice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.appban.domain.Member;
import org.appban.mail.HeaderText;
import org.appban.policy.BanPolicy;

/**
 * The policy's notices in its members' languages ({@code notices.languages}): one renderer per template set, each
 * compiled when this is built, so a set missing a stage's template, a placeholder no model provides or a subject
 * missing in a language stops the function at its cold start (and the CLI before a rehearsal), naming the policy's
 * field and the file. A member gets the set of the language the roster gives them, or the policy's default.
 *
 * <p>A bilingual policy ({@code notices.languages.bilingual}) sends every notice in two languages, the member's own
 * first: one subject of both ("first / second"), the text parts one after the other, and in HTML the second
 * language's body after the first's, marked with its {@code lang} so that screen readers switch voice.
 */
public final class NoticeLanguages {
    private static final String CLASSPATH = "classpath:";

    private final BanPolicy.Languages languages;
    private final Map<String, NoticeRenderer> renderers;

    private NoticeLanguages(BanPolicy.Languages languages, Map<String, NoticeRenderer> renderers) {
        this.languages = languages;
        this.renderers = Map.copyOf(renderers);
    }

    /** A policy of one language, rendered by {@code renderer} (tests, benches and callers that chose the set). */
    public static NoticeLanguages single(NoticeRenderer renderer) {
        BanPolicy.Languages l = renderer.policy().notices().languages();
        return new NoticeLanguages(new BanPolicy.Languages(l.defaultLanguage(), List.of(new BanPolicy.TemplateSetRef(l.defaultLanguage(), "")),
                List.of()), Map.of(l.defaultLanguage(), renderer));
    }

    /**
     * Loads and checks every template set the policy names.
     *
     * A set in a folder relative to the policy file was made absolute when the file was read ({@code PolicyLoader});
     * a policy that is not a file (bundled, or read from S3) can name sets in the jar ({@code classpath:FOLDER}) or
     * absolute folders.
     *
     * @throws IllegalStateException naming the policy, the field ({@code notices.languages.sets[i]}) and the file
     */
    public static NoticeLanguages load(BanPolicy policy) {
        BanPolicy.Languages languages = policy.notices().languages();
        Map<String, NoticeRenderer> renderers = new LinkedHashMap<>();
        List<BanPolicy.TemplateSetRef> sets = languages.sets();
        for (int i = 0; i < sets.size(); i++) {
            BanPolicy.TemplateSetRef ref = sets.get(i);
            String field = "policy " + policy.id() + ", notices.languages.sets[" + i + "] (" + ref.language() + ")";
            TemplateSet set = templateSet(ref.templates(), field);
            try {
                TemplateSet.Settings settings = set.settings();
                String primary = ref.language().contains("-") ? ref.language().substring(0, ref.language().indexOf('-')) : ref.language();
                if (!settings.locale().getLanguage().equals(primary.toLowerCase(Locale.ROOT))) {
                    throw new IllegalStateException(set.describe("templates.properties") + ": locale " + settings.locale().toLanguageTag()
                            + " is not in " + ref.language() + ": a set writes its dates in its own language");
                }
                if (languages.bilingual().contains(ref.language())) requireBody(set);
                renderers.put(ref.language(), new NoticeRenderer(policy, set, ref.language()));
            } catch (IllegalStateException | java.io.UncheckedIOException e) {
                throw new IllegalStateException(field + ": " + e.getMessage(), e);
            }
        }
        return new NoticeLanguages(languages, renderers);
    }

    private static TemplateSet templateSet(String templates, String field) {
        if (templates.startsWith(CLASSPATH)) {
            TemplateSet set = TemplateSet.classpath(templates.substring(CLASSPATH.length()));
            if (set.read("templates.properties").isEmpty()) {
                throw new IllegalStateException(field + ".templates: no template set at " + set.describe("") + " (no templates.properties)");
            }
            return set;
        }
        Path dir = Path.of(templates);
        if (!dir.isAbsolute()) {
            throw new IllegalStateException(field + ".templates: '" + templates + "' is a relative folder, but this policy was not"
                    + " read from a file; name a set in the jar (classpath:FOLDER) or an absolute folder");
        }
        if (!Files.isDirectory(dir)) throw new IllegalStateException(field + ".templates: no template set folder at " + dir);
        return TemplateSet.directory(dir);
    }

    /** A bilingual notice puts one set's body inside the other's page, so both layouts must have one. */
    private static void requireBody(TemplateSet set) {
        String layout = set.require("layout.html.mustache");
        if (layout.indexOf("<body") < 0 || layout.indexOf("</body>") < 0) {
            throw new IllegalStateException(set.describe("layout.html.mustache") + ": a bilingual notice needs <body> and </body> in the layout");
        }
    }

    /** The language a member's notices are written in first. */
    public String languageOf(Member member) {
        return languages.forMember(member.language());
    }

    /** The languages of a member's notice, in order: theirs, then the other of a bilingual pair. */
    List<String> languagesFor(Member member) {
        String own = languageOf(member);
        List<String> pair = languages.bilingual();
        if (pair.isEmpty()) return List.of(own);
        if (!pair.contains(own)) return pair;
        List<String> out = new ArrayList<>();
        out.add(own);
        pair.stream().filter(l -> !l.equals(own)).forEach(out::add);
        return out;
    }

    public RenderedNotice render(DueNotice notice, NoticeLinks links, Instant now) {
        List<String> order = languagesFor(notice.member());
        RenderedNotice first = renderer(order.get(0)).render(notice, links, now);
        if (order.size() == 1) return first;
        String second = order.get(1);
        RenderedNotice other = renderer(second).render(notice, links, now);
        String subject = HeaderText.clean(first.subject() + " / " + other.subject());
        String text = first.text().stripTrailing() + "\n\n" + "-".repeat(40) + "\n\n" + other.text();
        String html = first.html();
        int end = html.lastIndexOf("</body>");
        String inner = other.html().substring(other.html().indexOf('>', other.html().indexOf("<body")) + 1, other.html().lastIndexOf("</body>"));
        html = html.substring(0, end) + "<hr style=\"margin:32px 0;border:0;border-top:1px solid #cccccc;\">\n<div lang=\""
                + second + "\">" + inner + "</div>\n" + html.substring(end);
        String onRecord = first.subjectOnRecord() == null || other.subjectOnRecord() == null ? null
                : HeaderText.clean(first.subjectOnRecord() + " / " + other.subjectOnRecord());
        return new RenderedNotice(subject, html, text, onRecord);
    }

    /** The deadline's calendar event, in the member's first language. */
    public DeadlineEvent.CalendarWords renderCalendar(DueNotice notice, NoticeLinks links, Instant now) {
        return renderer(languagesFor(notice.member()).get(0)).renderCalendar(notice, links, now);
    }

    private NoticeRenderer renderer(String language) {
        NoticeRenderer r = renderers.get(language);
        if (r == null) throw new IllegalStateException("no template set for language " + language + " (notices.languages)");
        return r;
    }
}
