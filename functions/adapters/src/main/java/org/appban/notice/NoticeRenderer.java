package org.appban.notice;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.io.StringReader;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.appban.mail.HeaderText;
import org.appban.policy.BanPolicy;
import org.appban.policy.NoticeStage;
import org.appban.policy.StageKind;

/**
 * Renders notices from a template set with JMustache: the HTML part with HTML escaping (every value a member or
 * the roster supplies, such as a name, is escaped), the text part and the subject without escaping. Templates are
 * compiled once, when the renderer is built, so a missing or broken template fails at cold start rather than
 * half-way through a campaign. A template that names a value the model does not have fails too (strict lookups),
 * so a typo cannot silently drop a sentence.
 *
 * <p>The layout wraps each body: the body is rendered first and handed to the layout as {@code body}, which the
 * HTML layout inserts unescaped ({@code {{{body}}}}); it is safe because the body was itself rendered with escaping.
 */
public final class NoticeRenderer {
    private final BanPolicy policy;
    private final NoticeModel model;
    private final Template htmlLayout;
    private final Template textLayout;
    private final Map<StageKind, Template> htmlBodies = new EnumMap<>(StageKind.class);
    private final Map<StageKind, Template> textBodies = new EnumMap<>(StageKind.class);
    private final Map<String, Template> subjects = new HashMap<>();
    /** Stages whose subject template names only values that are not about the member: the ledger may keep those subjects. */
    private final java.util.Set<String> subjectsOnRecord = new java.util.HashSet<>();
    /** The deadline's calendar event: first line its summary, the rest its description; null when no stage carries it. */
    private final Template calendar;

    public NoticeRenderer(BanPolicy policy, TemplateSet templates) {
        this(policy, templates, policy.notices().languages().defaultLanguage());
    }

    /**
     * @param language the set's language: the stages' subjects are taken in it ({@code subjects.<language>}, or
     *                 {@code subject} for the policy's default language)
     */
    public NoticeRenderer(BanPolicy policy, TemplateSet templates, String language) {
        this.policy = policy;
        this.model = new NoticeModel(policy, new PeopleTime(policy.zone(), templates.settings()), language);
        Mustache.Compiler html = compiler(templates, "html").escapeHTML(true);
        Mustache.Compiler text = compiler(templates, "txt").escapeHTML(false);
        this.htmlLayout = compile(html, templates, "layout.html.mustache");
        this.textLayout = compile(text, templates, "layout.txt.mustache");
        for (NoticeStage stage : policy.notices().stages()) {
            StageKind kind = stage.kind();
            htmlBodies.computeIfAbsent(kind, k -> compile(html, templates, k.wireName() + ".html.mustache"));
            textBodies.computeIfAbsent(kind, k -> compile(text, templates, k.wireName() + ".txt.mustache"));
            String subjectField = "notices.stages[" + stage.id() + "]." + (stage.subjects().containsKey(language) ? "subjects." + language : "subject");
            try {
                Template subject = text.compile(stage.subjectIn(language));
                checkPlaceholders(subject, "policy " + policy.id() + ", " + subjectField);
                subjects.put(stage.id(), subject);
                if (namesNothingPersonal(subject)) subjectsOnRecord.add(stage.id());
            } catch (MustacheException e) {
                throw new IllegalStateException("policy " + policy.id() + ", " + subjectField + ": subject template: " + e.getMessage(), e);
            }
        }
        boolean calendarStages = policy.notices().stages().stream()
                .anyMatch(s -> s.kind() == StageKind.ANNOUNCEMENT || s.kind() == StageKind.REMINDER);
        this.calendar = calendarStages ? compile(text, templates, CALENDAR) : null;
    }

    private static final String CALENDAR = "calendar.txt.mustache";

    /** The words of the deadline's calendar event for this notice (see {@link DeadlineEvent}). */
    public DeadlineEvent.CalendarWords renderCalendar(DueNotice notice, NoticeLinks links, Instant now) {
        if (calendar == null) throw new IllegalStateException("policy " + policy.id() + " has no stage that carries the deadline's event");
        String words = execute(calendar, model.build(notice, links, now), "calendar event").strip();
        int line = words.indexOf('\n');
        String summary = HeaderText.clean(line < 0 ? words : words.substring(0, line));
        String description = line < 0 ? "" : words.substring(line + 1).strip();
        return new DeadlineEvent.CalendarWords(summary, description);
    }

    /** Renders a notice the decision found due, with the member's signed links, as of {@code now}. */
    public RenderedNotice render(DueNotice notice, NoticeLinks links, Instant now) {
        Map<String, Object> values = model.build(notice, links, now);
        String stage = notice.stage().id();
        String subject = execute(subjects.get(stage), values, "subject of stage " + stage);
        values.put("subject", subject);
        String htmlBody = execute(htmlBodies.get(notice.stage().kind()), values, stage + " html body");
        String textBody = execute(textBodies.get(notice.stage().kind()), values, stage + " text body");
        Map<String, Object> htmlPage = new HashMap<>(values);
        htmlPage.put("body", htmlBody);
        Map<String, Object> textPage = new HashMap<>(values);
        textPage.put("body", textBody);
        return new RenderedNotice(HeaderText.clean(subject), execute(htmlLayout, htmlPage, "html layout"),
                execute(textLayout, textPage, "text layout"), subjectsOnRecord.contains(stage) ? HeaderText.clean(subject) : null);
    }

    public BanPolicy policy() {
        return policy;
    }

    private static Mustache.Compiler compiler(TemplateSet templates, String extension) {
        return Mustache.compiler()
                .nullValue("")               // a null value renders empty; a missing key still fails
                .emptyStringIsFalse(true)    // {{#contactPhone}} is skipped when there is no phone
                .withLoader(name -> new StringReader(templates.require("partials/" + name + "." + extension + ".mustache")));
    }

    private static Template compile(Mustache.Compiler compiler, TemplateSet templates, String name) {
        Template t;
        try {
            t = compiler.compile(templates.require(name));
        } catch (MustacheException e) {
            throw new IllegalStateException("template " + templates.describe(name) + ": " + e.getMessage(), e);
        }
        checkPlaceholders(t, "template " + templates.describe(name));
        return t;
    }

    /**
     * Whether a subject template names only values of {@link NoticeModel#NOT_PERSONAL_KEYS}: then the subject says
     * nothing about who the member is, and the ledger may keep it. A section, a partial or a dotted name counts by
     * its first part; a name inside a section over a device ({@code label}) is not in the list, so it is personal.
     */
    static boolean namesNothingPersonal(Template template) {
        return namesIn(template).stream().map(NoticeRenderer::firstPart).allMatch(NoticeModel.NOT_PERSONAL_KEYS::contains);
    }

    /**
     * Every name a template (and the partials it includes) looks up: variables, sections and inverted sections, in
     * the order met. The one walk over a template both checks above use.
     */
    private static java.util.List<String> namesIn(Template template) {
        java.util.List<String> names = new java.util.ArrayList<>();
        template.visit(new Mustache.Visitor() {
            @Override
            public void visitText(String text) {
            }

            @Override
            public void visitVariable(String name) {
                names.add(name);
            }

            @Override
            public boolean visitInclude(String name) {
                return true;
            }

            @Override
            public boolean visitSection(String name) {
                names.add(name);
                return true;
            }

            @Override
            public boolean visitInvertedSection(String name) {
                names.add(name);
                return true;
            }
        });
        return names;
    }

    /** A dotted name counts by its first part ({@code device.label} by {@code device}); {@code .} is itself. */
    private static String firstPart(String name) {
        return name.contains(".") && !name.equals(".") ? name.substring(0, name.indexOf('.')) : name;
    }

    /** What a template may name besides the model's keys: the rendered subject and body (layouts), the current item. */
    private static final java.util.Set<String> RENDERER_KEYS = java.util.Set.of("subject", "body", ".", "this");

    /**
     * Fails when a template (or a partial it includes) names a value no model provides, so a typo or a placeholder
     * of another product is found when the templates load, not when the first notice of that stage is rendered.
     * Inside a section the current item's keys are also known (a device's, in {@code devices} and {@code device}).
     */
    static void checkPlaceholders(Template template, String where) {
        java.util.Set<String> unknown = new java.util.TreeSet<>();
        for (String name : namesIn(template)) {
            String first = firstPart(name);
            boolean known = NoticeModel.KEYS.contains(first) || NoticeModel.DEVICE_KEYS.contains(first) || RENDERER_KEYS.contains(first);
            if (known && !first.equals(name)) known = NoticeModel.DEVICE_KEYS.contains(name.substring(first.length() + 1));
            if (!known) unknown.add(name);
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException(where + ": placeholder(s) " + unknown + " are not values a notice has (known: "
                    + new java.util.TreeSet<>(NoticeModel.KEYS) + ")");
        }
    }

    private static String execute(Template template, Map<String, Object> values, String what) {
        try {
            return template.execute(values);
        } catch (MustacheException e) {
            throw new IllegalStateException("rendering the " + what + ": " + e.getMessage(), e);
        }
    }
}
