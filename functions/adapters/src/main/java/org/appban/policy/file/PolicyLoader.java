package org.appban.policy.file;

import org.appban.policy.BanPolicy;
import org.appban.policy.BannedApp;
import org.appban.policy.NoticeStage;
import org.appban.policy.OneInstant;
import org.appban.policy.StageKind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.appban.domain.Platform;
import org.appban.identity.PrincipalPattern;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.input.StrictObject.Problems;
import org.appban.json.Json;

/**
 * Reads a ban policy file (JSON) and validates it strictly. Every problem is reported with the file and the
 * field, and a policy that loads is one the functions can run without further checks.
 */
public final class PolicyLoader {
    /** The policy shipped with appban; a deployment names its own through the POLICY environment variable. */
    public static final String BUNDLED = "nz-parliament-tiktok-2023";

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");
    private static final Pattern DOMAIN = Pattern.compile("^([a-z0-9-]+\\.)+[a-z]{2,}$");
    private static final Pattern APP_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]*$");

    public BanPolicy load(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidInputException(file.toString(), "", "no such policy file");
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), "", "cannot read the policy file: " + e.getMessage());
        }
    }

    /** Loads a policy bundled as a resource under {@code policies/NAME.json}. */
    public BanPolicy bundled(String name) {
        String resource = "/policies/" + name + ".json";
        try (InputStream in = PolicyLoader.class.getResourceAsStream(resource)) {
            if (in == null) throw new InvalidInputException(name, "", "no bundled policy of that name");
            return parse(in.readAllBytes(), "policies/" + name + ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resolves a policy reference: a path to a file, or the name of a bundled policy. */
    public BanPolicy resolve(String reference) {
        Path p = Path.of(reference);
        if (Files.isRegularFile(p)) return load(p);
        return bundled(reference);
    }

    /** A policy file's bytes: UTF-8, with or without a byte order mark (see {@link Json}). */
    public BanPolicy parse(byte[] content, String source) {
        try {
            return parse(Json.utf8(content), source);
        } catch (org.appban.json.StrictJson.NotStrictJson e) {
            throw new InvalidInputException(source, where(e), e.getOriginalMessage());
        }
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr();
    }

    public BanPolicy parse(String json, String source) {
        JsonNode root;
        try {
            root = Json.parse(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(source, where(e), Json.problem(e));
        }
        Problems problems = new Problems(source);
        StrictObject o = StrictObject.root(root, problems);

        String id = o.text("id");
        if (id != null && !ID.matcher(id).matches()) o.problem("id", "must be lower-case letters, digits and dashes (at most 63)");
        String title = bounded(o, "title", Bounds.TITLE);
        String organisation = bounded(o, "organisation", Bounds.NAME);
        ZoneId zone = o.zone("zone");
        LocalDate announcement = o.date("announcement", true);
        LocalDateTime deadline = null;
        ZoneOffset deadlineOffset = null;
        String deadlineText = o.text("deadline");
        if (deadlineText != null) {
            OneInstant d = OneInstant.read(deadlineText, zone);
            if (d.problem() != null) o.problem("deadline", d.problem());
            deadline = d.local();
            deadlineOffset = d.offset();
        }
        if (announcement != null && deadline != null && !deadline.toLocalDate().isAfter(announcement)) {
            o.problem("deadline", "must be after the announcement (" + announcement + ")");
        }
        if (announcement != null && deadline != null && announcement.plusDays(Bounds.CAMPAIGN_DAYS).isBefore(deadline.toLocalDate())) {
            o.problem("deadline", "is more than " + Bounds.CAMPAIGN_DAYS + " days after the announcement (" + announcement
                    + "): a campaign that long is a typo in the year, or a different ban");
        }
        BannedApp app = app(o.object("app", true));
        BanPolicy.Notices notices = notices(o.object("notices", true), source);
        BanPolicy.PrivateDevices privateDevices = privateDevices(o.object("privateDevices", true));
        BanPolicy.Enforcement enforcement = enforcement(o.object("enforcement", true));
        BanPolicy.Exemptions exemptions = exemptions(o.object("exemptions", true));
        BanPolicy.Sender sender = sender(o.object("sender", true));
        BanPolicy.Contact contact = contact(o.object("contact", true));
        if (notices != null) translations(notices.languages(), exemptions, problems);
        BanPolicy.Administration administration = administration(o.object("administration", false), exemptions);
        BanPolicy.AdminDigest adminDigest = adminDigest(o.object("adminDigest", false));
        o.rejectUnknownFields();
        problems.throwIfAny();
        BanPolicy policy = new BanPolicy(id, title, organisation, app, zone, announcement, deadline, notices, privateDevices,
                enforcement, exemptions, sender, contact, deadlineOffset, administration, adminDigest);
        // What needs the whole policy: every scheduled stage is sent within the campaign, at an instant that exists.
        CampaignCheck.check(policy, problems);
        problems.throwIfAny();
        return policy;
    }

    /**
     * The upper bound of every number and text of a policy, checked at load (README, "Policy files", says why each).
     * None is a limit of the code: each keeps a typo (an extra zero, a pasted document) from running as a ban.
     */
    public static final class Bounds {
        /** A title or a subject is one line of an email; 200 characters keep every notice a few kB, far under SES's 40 MB. */
        public static final int TITLE = 200;
        /** Names of the organisation, the sender, the contact. */
        public static final int NAME = 200;
        /** The app's name. */
        public static final int APP_NAME = 100;
        /** The exemption instructions are a paragraph of every notice. */
        public static final int INSTRUCTIONS = 2000;
        /** RFC 5321's longest address. */
        public static final int EMAIL = 254;
        /** The administrators' digest goes to each by name; more than this is a mailing list's job. */
        public static final int DIGEST_RECIPIENTS = 50;
        /**
         * Approvers and administrators: named people or their roles' patterns, each matched against the caller of
         * every decision and a second-approval check. A team that decides on exemptions is a handful of people; a
         * list longer than this is a directory pasted in, which would make everyone in it an approver.
         */
        public static final int PRINCIPALS = 100;
        public static final int PHONE = 40;
        /** Bundle ids and package names (Android's limit is 255). */
        public static final int APP_IDENTIFIER = 255;
        public static final int IDENTIFIERS_PER_PLATFORM = 20;
        public static final int DISPLAY_NAMES = 20;
        public static final int URL = 2048;
        /** RFC 1035's longest domain name. */
        public static final int DOMAIN = 253;
        public static final int DOMAINS = 200;
        public static final int HOLIDAYS = 100;
        public static final int STAGES = 40;
        /** Template sets: every one is compiled at each cold start, and no organisation writes its notices in more. */
        public static final int LANGUAGES = 20;
        /** Announcement to deadline. */
        public static final int CAMPAIGN_DAYS = 730;
        /** Overdue notices, grace, quiet period, escalation: days after the deadline, at most a year. */
        public static final int DAYS_AFTER = 365;
        /** A signed attestation link is a credential: it lives weeks, not months. */
        public static final int LINK_DAYS = 90;
        public static final int WEEKEND_WINDOW_DAYS = 60;
        public static final int EXEMPTION_DAYS = 730;
        public static final int DEVICES_PER_RUN = 1_000_000;

        private Bounds() {
        }
    }

    /** A text field that is present, not padded with spaces, and at most {@code max} characters. */
    private static String bounded(StrictObject o, String field, int max) {
        return checked(o, field, o.text(field), max);
    }

    /** As {@link #bounded}, for a field a policy may leave out (null then); present, it must not be blank. */
    private static String optionalBounded(StrictObject o, String field, int max) {
        String text = o.optionalText(field).orElse(null);
        if (text != null && text.isBlank()) {
            o.problem(field, "must not be empty");
            return null;
        }
        return checked(o, field, text, max);
    }

    private static String checked(StrictObject o, String field, String value, int max) {
        if (value == null) return null;
        if (value.length() > max) {
            o.problem(field, "is " + value.length() + " characters long; at most " + max);
            return null;
        }
        if (!value.equals(value.strip())) {
            o.problem(field, "'" + abbreviated(value) + "' has spaces before or after it: an identifier or name with them matches nothing");
            return null;
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            o.problem(field, "contains a line break or another control character");
            return null;
        }
        return value;
    }

    private static String abbreviated(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private BannedApp app(StrictObject o) {
        if (o == null) return null;
        String name = bounded(o, "name", Bounds.APP_NAME);
        Map<Platform, List<String>> identifiers = new EnumMap<>(Platform.class);
        StrictObject ids = o.object("identifiers", true);
        if (ids != null) {
            for (String key : ids.fieldNames()) {
                Platform platform;
                try {
                    platform = Platform.parse(key);
                } catch (IllegalArgumentException e) {
                    ids.problem(key, e.getMessage());
                    ids.has(key);
                    continue;
                }
                List<String> list = ids.texts(key, true);
                if (list.isEmpty()) ids.problem(key, "no app identifier for platform " + key);
                if (list.size() > Bounds.IDENTIFIERS_PER_PLATFORM) ids.problem(key, "lists " + list.size() + " identifiers; at most " + Bounds.IDENTIFIERS_PER_PLATFORM);
                for (int i = 0; i < list.size(); i++) {
                    String appId = list.get(i);
                    if (checked(ids, key + "[" + i + "]", appId, Bounds.APP_IDENTIFIER) != null && !APP_ID.matcher(appId).matches()) {
                        ids.problem(key + "[" + i + "]", "'" + abbreviated(appId) + "' is not a bundle id or package name (letters, digits, '.', '_', '-')");
                    }
                }
                identifiers.put(platform, list);
            }
            if (identifiers.isEmpty()) ids.problem(null, "must name the app's identifier for at least one platform");
            ids.rejectUnknownFields();
        }
        List<String> displayNames = o.texts("displayNames", true);
        if (o.has("displayNames") && displayNames.isEmpty()) o.problem("displayNames", "must name at least one display name");
        if (displayNames.size() > Bounds.DISPLAY_NAMES) o.problem("displayNames", "lists " + displayNames.size() + "; at most " + Bounds.DISPLAY_NAMES);
        for (int i = 0; i < displayNames.size(); i++) checked(o, "displayNames[" + i + "]", displayNames.get(i), Bounds.APP_NAME);
        Map<Platform, String> storeUrls = new EnumMap<>(Platform.class);
        StrictObject urls = o.object("storeUrls", false);
        if (urls != null) {
            for (String key : urls.fieldNames()) {
                try {
                    Platform platform = Platform.parse(key);
                    String url = urls.text(key);
                    if (url != null && !url.startsWith("https://")) urls.problem(key, "must be an https:// URL");
                    else checked(urls, key, url, Bounds.URL);
                    if (url != null) storeUrls.put(platform, url);
                } catch (IllegalArgumentException e) {
                    urls.problem(key, e.getMessage());
                    urls.has(key);
                }
            }
            urls.rejectUnknownFields();
        }
        List<String> domains = o.texts("domains", false);
        if (domains.size() > Bounds.DOMAINS) o.problem("domains", "lists " + domains.size() + "; at most " + Bounds.DOMAINS);
        for (int i = 0; i < domains.size(); i++) {
            if (domains.get(i).length() > Bounds.DOMAIN) {
                o.problem("domains[" + i + "]", "is longer than " + Bounds.DOMAIN + " characters");
                continue;
            }
            if (!DOMAIN.matcher(domains.get(i)).matches()) o.problem("domains[" + i + "]", "'" + domains.get(i) + "' is not a lower-case domain name");
        }
        o.rejectUnknownFields();
        return new BannedApp(name, Map.copyOf(identifiers), displayNames, Map.copyOf(storeUrls), domains);
    }

    private BanPolicy.Notices notices(StrictObject o, String source) {
        if (o == null) return null;
        BanPolicy.Languages languages = languages(o.object("languages", false), source);
        LocalTime sendTime = o.time("sendTime", true);
        int weekendDays = o.integer("weekendDaysBeforeDeadline", 0);
        if (weekendDays < 0) o.problem("weekendDaysBeforeDeadline", "must not be negative");
        if (weekendDays > Bounds.WEEKEND_WINDOW_DAYS) o.problem("weekendDaysBeforeDeadline", "must be at most " + Bounds.WEEKEND_WINDOW_DAYS);
        List<LocalDate> holidays = new ArrayList<>();
        List<String> holidayTexts = o.texts("holidays", false);
        if (holidayTexts.size() > Bounds.HOLIDAYS) o.problem("holidays", "lists " + holidayTexts.size() + "; at most " + Bounds.HOLIDAYS);
        for (int i = 0; i < holidayTexts.size(); i++) {
            try {
                holidays.add(LocalDate.parse(holidayTexts.get(i)));
            } catch (RuntimeException e) {
                o.problem("holidays[" + i + "]", "'" + holidayTexts.get(i) + "' is not a date (YYYY-MM-DD)");
            }
        }
        List<NoticeStage> stages = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<StageKind, String> singular = new EnumMap<>(StageKind.class);
        Map<String, String> offsets = new HashMap<>();
        List<StrictObject> stageObjects = o.objects("stages", true);
        if (stageObjects.size() > Bounds.STAGES) o.problem("stages", "lists " + stageObjects.size() + " stages; at most " + Bounds.STAGES);
        for (StrictObject s : stageObjects) {
            String id = s.text("id");
            if (id != null && !ID.matcher(id).matches()) s.problem("id", "must be lower-case letters, digits and dashes");
            if (id != null && !seen.add(id)) s.problem("id", "duplicate stage id '" + id + "'");
            StageKind kind = s.parsed("kind", true, "a stage kind (" + kinds() + ")", StageKind::parse);
            String subject = bounded(s, "subject", Bounds.TITLE);
            Map<String, String> subjects = subjects(s, languages);
            int offset = 0;
            if (kind == StageKind.REMINDER) {
                Integer days = s.integer("daysBeforeDeadline");
                if (days != null && days < 1) s.problem("daysBeforeDeadline", "must be at least 1");
                if (days != null && days > Bounds.CAMPAIGN_DAYS) s.problem("daysBeforeDeadline", "must be at most " + Bounds.CAMPAIGN_DAYS);
                offset = days == null ? 0 : days;
            } else if (kind == StageKind.OVERDUE) {
                Integer days = s.integer("daysAfterDeadline");
                if (days != null && days < 1) s.problem("daysAfterDeadline", "must be at least 1");
                if (days != null && days > Bounds.DAYS_AFTER) s.problem("daysAfterDeadline", "must be at most " + Bounds.DAYS_AFTER);
                offset = days == null ? 0 : days;
            }
            s.rejectUnknownFields();
            if (kind != null && id != null) {
                if (kind != StageKind.REMINDER && kind != StageKind.OVERDUE) {
                    // One notice per occasion: the campaign sends the first stage of the kind, a second is never sent.
                    String first = singular.putIfAbsent(kind, id);
                    if (first != null) s.problem("kind", "a second '" + kind.wireName() + "' stage (the first is '" + first
                            + "'): there is one " + kind.wireName() + " notice, the second would never be sent");
                } else if (offset > 0) {
                    String first = offsets.putIfAbsent(kind + "/" + offset, id);
                    if (first != null) s.problem(kind == StageKind.REMINDER ? "daysBeforeDeadline" : "daysAfterDeadline",
                            "'" + first + "' is already sent " + offset + " days " + (kind == StageKind.REMINDER ? "before" : "after")
                                    + " the deadline: one of the two would never be sent");
                }
            }
            if (id != null && kind != null && subject != null) stages.add(new NoticeStage(id, kind, offset, subject, subjects));
        }
        if (o.has("stages") && stageObjects.isEmpty()) o.problem("stages", "must list the campaign's notices (at least the announcement and the deadline)");
        for (StageKind required : List.of(StageKind.ANNOUNCEMENT, StageKind.DEADLINE)) {
            if (!stages.isEmpty() && stages.stream().noneMatch(s -> s.kind() == required)) {
                o.problem("stages", "must include a '" + required.wireName() + "' stage");
            }
        }
        Set<StageKind> notSent = notSent(o, singular.keySet());
        o.rejectUnknownFields();
        return new BanPolicy.Notices(sendTime, weekendDays, List.copyOf(holidays), List.copyOf(stages), notSent, languages);
    }

    /** A language tag as a policy and a roster write it: {@code fr}, {@code mi}, {@code en}, {@code pt-BR}. */
    private static final Pattern LANGUAGE = Pattern.compile("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$");

    /**
     * {@code notices.languages}: the template sets and the default (absent: the bundled English set alone). The
     * sets' files are checked where the templates are compiled ({@code org.appban.notice.NoticeLanguages}), when a
     * function or the CLI loads them: every stage's templates present in every set, every placeholder known.
     */
    private static BanPolicy.Languages languages(StrictObject o, String source) {
        if (o == null) return BanPolicy.Languages.BUNDLED_ONLY;
        List<BanPolicy.TemplateSetRef> sets = new ArrayList<>();
        List<StrictObject> setObjects = o.objects("sets", true);
        if (o.has("sets") && setObjects.isEmpty()) o.problem("sets", "must list at least the default language's template set");
        if (setObjects.size() > Bounds.LANGUAGES) o.problem("sets", "lists " + setObjects.size() + " sets; at most " + Bounds.LANGUAGES);
        Set<String> seen = new HashSet<>();
        for (StrictObject s : setObjects) {
            String language = s.text("language");
            if (language != null && !LANGUAGE.matcher(language).matches()) {
                s.problem("language", "'" + abbreviated(language) + "' is not a language tag (such as en, mi, fr or pt-BR)");
                language = null;
            } else if (language != null && !seen.add(language)) {
                s.problem("language", "'" + language + "' has a template set already: one set per language");
            }
            String templates = bounded(s, "templates", Bounds.TITLE);
            // The policy's own words in this set's language (checked against the default's in translations()).
            String title = optionalBounded(s, "title", Bounds.TITLE);
            // A paragraph, as exemptions.requestInstructions: bounded in length only.
            String instructions = s.optionalText("requestInstructions").orElse(null);
            if (instructions != null && instructions.length() > Bounds.INSTRUCTIONS) {
                s.problem("requestInstructions", "is " + instructions.length() + " characters long; at most " + Bounds.INSTRUCTIONS);
            }
            s.rejectUnknownFields();
            // A folder beside the policy file is read from there, wherever the command runs.
            if (templates != null && !templates.startsWith("classpath:") && !Path.of(templates).isAbsolute()
                    && source != null && Files.isRegularFile(Path.of(source))) {
                templates = Path.of(source).toAbsolutePath().getParent().resolve(templates).normalize().toString();
            }
            if (language != null && templates != null) sets.add(new BanPolicy.TemplateSetRef(language, templates, title, instructions));
        }
        String defaultLanguage = o.text("default");
        if (defaultLanguage != null && !seen.isEmpty() && !seen.contains(defaultLanguage)) {
            o.problem("default", "'" + abbreviated(defaultLanguage) + "' is not one of the sets' languages " + List.copyOf(seen));
        }
        List<String> bilingual = o.texts("bilingual", false);
        if (o.has("bilingual")) {
            if (bilingual.size() != 2 || bilingual.get(0).equals(bilingual.get(1))) {
                o.problem("bilingual", "must name two different languages (a notice in both), found " + bilingual);
            }
            for (int i = 0; i < bilingual.size(); i++) {
                if (!seen.contains(bilingual.get(i))) o.problem("bilingual[" + i + "]", "'" + abbreviated(bilingual.get(i))
                        + "' is not one of the sets' languages " + List.copyOf(seen));
            }
        }
        o.rejectUnknownFields();
        return new BanPolicy.Languages(defaultLanguage, sets, bilingual);
    }

    /**
     * The policy's words a member reads in a notice, in each set's language: a set other than the default's gives
     * the {@code title} (every notice names the ban) and, when the policy has any, the exemption
     * {@code requestInstructions}, since a French notice with an English paragraph in it is the first thing its
     * reader notices. The default's set reads the policy's own, so it may not give them a second time.
     */
    private static void translations(BanPolicy.Languages languages, BanPolicy.Exemptions exemptions, StrictObject.Problems problems) {
        List<BanPolicy.TemplateSetRef> sets = languages.sets();
        for (int i = 0; i < sets.size(); i++) {
            BanPolicy.TemplateSetRef set = sets.get(i);
            String at = "notices.languages.sets[" + i + "]";
            if (set.language().equals(languages.defaultLanguage())) {
                if (set.title() != null) problems.add(at + ".title", "is the default language's: its title is the policy's 'title'");
                if (set.requestInstructions() != null) {
                    problems.add(at + ".requestInstructions", "is the default language's: its instructions are exemptions.requestInstructions");
                }
                continue;
            }
            if (set.title() == null) {
                problems.add(at + ".title", "is required: members reading '" + set.language() + "' would otherwise get the ban's title in "
                        + languages.defaultLanguage());
            }
            boolean policyHasInstructions = exemptions != null && exemptions.requestInstructions() != null;
            if (policyHasInstructions && set.requestInstructions() == null) {
                problems.add(at + ".requestInstructions", "is required: the policy has exemptions.requestInstructions, and members reading '"
                        + set.language() + "' would otherwise get them in " + languages.defaultLanguage());
            } else if (!policyHasInstructions && set.requestInstructions() != null) {
                problems.add(at + ".requestInstructions", "has no exemptions.requestInstructions to translate: give those first");
            }
        }
    }

    /**
     * A stage's subject in each language but the default ({@code notices.stages[i].subjects}): every set's language
     * needs one, since a subject in the wrong language is the first thing a member reads.
     */
    private static Map<String, String> subjects(StrictObject stage, BanPolicy.Languages languages) {
        Map<String, String> subjects = new java.util.LinkedHashMap<>();
        StrictObject o = stage.object("subjects", false);
        List<String> others = languages.languages().stream().filter(l -> !l.equals(languages.defaultLanguage())).toList();
        if (o != null) {
            for (String language : o.fieldNames()) {
                if (language.equals(languages.defaultLanguage())) {
                    o.problem(language, "is the default language: its subject is the stage's 'subject'");
                } else if (!languages.languages().contains(language)) {
                    o.problem(language, "'" + abbreviated(language) + "' is not a language of notices.languages.sets " + languages.languages());
                } else {
                    String text = bounded(o, language, Bounds.TITLE);
                    if (text != null) subjects.put(language, text);
                }
            }
            o.rejectUnknownFields();
        }
        for (String language : others) {
            if (!subjects.containsKey(language) && (o == null || !o.has(language))) {
                stage.problem("subjects." + language, "is required: the policy ships a '" + language + "' template set, and its members"
                        + " would otherwise get this subject in " + languages.defaultLanguage());
            }
        }
        return subjects;
    }

    /**
     * The event-driven kinds the policy sends no notice of ({@code notices.notSent}). Each kind the campaign can
     * cause (a device cut off or restored, a removal escalated, an exemption granted, expiring or expired) has a
     * stage or is listed here: a kind missing from both is refused, so that nobody is left untold by an omission.
     */
    private static Set<StageKind> notSent(StrictObject o, Set<StageKind> withStage) {
        Set<StageKind> notSent = EnumSet.noneOf(StageKind.class);
        List<String> texts = o.texts("notSent", false);
        for (int i = 0; i < texts.size(); i++) {
            StageKind k;
            try {
                k = StageKind.parse(texts.get(i));
            } catch (IllegalArgumentException e) {
                o.problem("notSent[" + i + "]", "'" + abbreviated(texts.get(i)) + "' is not a stage kind (" + kinds() + ")");
                continue;
            }
            if (k.isScheduled()) o.problem("notSent[" + i + "]", "'" + k.wireName() + "' is a scheduled kind: "
                    + (k == StageKind.ANNOUNCEMENT || k == StageKind.DEADLINE ? "every ban sends it" : "leave its stages out instead"));
            else if (withStage.contains(k)) o.problem("notSent[" + i + "]", "'" + k.wireName() + "' has a stage: it is sent, or remove the stage");
            else if (!notSent.add(k)) o.problem("notSent[" + i + "]", "'" + k.wireName() + "' is listed twice");
        }
        List<String> missing = new ArrayList<>();
        for (StageKind k : StageKind.values()) {
            if (!k.isScheduled() && !withStage.contains(k) && !notSent.contains(k)) missing.add(k.wireName());
        }
        if (!missing.isEmpty() && o.has("stages")) {
            o.problem("stages", "no stage for " + String.join(", ", missing) + ": the campaign causes these notices"
                    + " (a device cut off or restored, a removal escalated, an exemption granted, expiring or expired);"
                    + " add a stage for each, or list the kinds this ban sends none of in notices.notSent");
        }
        return Set.copyOf(notSent);
    }

    private BanPolicy.PrivateDevices privateDevices(StrictObject o) {
        if (o == null) return null;
        Integer grace = atMost(o, "graceDays", Bounds.DAYS_AFTER);
        Integer quiet = atMost(o, "quietPeriodDays", Bounds.DAYS_AFTER);
        Integer link = atMost(o, "attestationLinkDays", Bounds.LINK_DAYS);
        if (link != null && link == 0) o.problem("attestationLinkDays", "must be at least 1");
        o.rejectUnknownFields();
        return new BanPolicy.PrivateDevices(orZero(grace), orZero(quiet), orZero(link));
    }

    private BanPolicy.Enforcement enforcement(StrictObject o) {
        if (o == null) return null;
        Integer escalate = atMost(o, "escalateAfterDays", Bounds.DAYS_AFTER);
        Integer max = atMost(o, "maxDevicesPerRun", Bounds.DEVICES_PER_RUN);
        double share = o.number("maxFleetShare", 1.0);
        if (share <= 0 || share > 1) o.problem("maxFleetShare", "must be above 0 and at most 1");
        o.rejectUnknownFields();
        return new BanPolicy.Enforcement(orZero(escalate), orZero(max), share);
    }

    private BanPolicy.Exemptions exemptions(StrictObject o) {
        if (o == null) return null;
        Integer maxDays = atMost(o, "maxDays", Bounds.EXEMPTION_DAYS);
        if (maxDays != null && maxDays == 0) o.problem("maxDays", "must be at least 1");
        Integer expiring = nonNegative(o, "expiringNoticeDays");
        if (expiring != null && maxDays != null && maxDays > 0 && expiring >= maxDays) {
            o.problem("expiringNoticeDays", "must be less than maxDays (" + maxDays + "): an exemption of the longest term"
                    + " would be told it is expiring on the day it is granted");
        }
        List<String> approvers = o.texts("approvers", true);
        if (o.has("approvers") && approvers.isEmpty()) o.problem("approvers", "must name at least one approver");
        principalPatterns(o, "approvers", approvers);
        String instructions = o.text("requestInstructions");
        if (instructions != null && instructions.length() > Bounds.INSTRUCTIONS) {
            o.problem("requestInstructions", "is " + instructions.length() + " characters long; at most " + Bounds.INSTRUCTIONS);
        }
        o.rejectUnknownFields();
        return new BanPolicy.Exemptions(orZero(maxDays), orZero(expiring), approvers, instructions);
    }

    /**
     * Optional: without it the approvers administer and nothing waits for a second administrator.
     * <pre>
     * "administration": {"administrators": [principal patterns],
     *                    "secondApproval": {"confirmAboveCap": true, "killSwitchOff": true,
     *                                       "exemptionsLongerThanDays": 90, "pendingHours": 24}}
     * </pre>
     */
    private BanPolicy.Administration administration(StrictObject o, BanPolicy.Exemptions exemptions) {
        if (o == null) return BanPolicy.Administration.byApprovers(exemptions == null ? List.of() : exemptions.approvers());
        List<String> administrators = o.texts("administrators", true);
        if (o.has("administrators") && administrators.isEmpty()) o.problem("administrators", "must name at least one administrator");
        principalPatterns(o, "administrators", administrators);
        BanPolicy.SecondApproval second = BanPolicy.SecondApproval.NONE;
        StrictObject s = o.object("secondApproval", false);
        if (s != null) {
            boolean cap = s.bool("confirmAboveCap", false);
            boolean off = s.bool("killSwitchOff", false);
            Integer longer = s.has("exemptionsLongerThanDays") ? nonNegative(s, "exemptionsLongerThanDays") : null;
            if (longer != null && exemptions != null && longer >= exemptions.maxDays()) {
                s.problem("exemptionsLongerThanDays", "is " + longer + " but exemptions.maxDays is " + exemptions.maxDays()
                        + ", so no exemption could ever need a second approval");
            }
            int hours = s.integer("pendingHours", 24);
            if (hours < 1 || hours > 24 * 14) s.problem("pendingHours", "must be between 1 and 336 (two weeks), found " + hours);
            s.rejectUnknownFields();
            second = new BanPolicy.SecondApproval(cap, off, longer, hours);
            if (second.any() && administrators.size() + (exemptions == null ? 0 : exemptions.approvers().size()) < 2) {
                s.problem(null, "a second approval needs a second person: administration.administrators and exemptions.approvers name only one");
            }
        }
        o.rejectUnknownFields();
        return new BanPolicy.Administration(administrators, second);
    }

    /** Every entry must be a pattern a proven caller can match ({@link PrincipalPattern}); the problem names its index. */
    private static void principalPatterns(StrictObject o, String field, List<String> patterns) {
        if (patterns.size() > Bounds.PRINCIPALS) {
            o.problem(field, "names " + patterns.size() + " principals; at most " + Bounds.PRINCIPALS
                    + " (a few people decide: name their roles' patterns rather than everyone who may ask)");
        }
        for (int i = 0; i < patterns.size(); i++) {
            try {
                PrincipalPattern.parse(patterns.get(i));
            } catch (IllegalArgumentException e) {
                o.problem(field + "[" + i + "]", e.getMessage());
            }
        }
    }

    private BanPolicy.Sender sender(StrictObject o) {
        if (o == null) return null;
        String address = email(o, "address", true);
        String name = bounded(o, "name", Bounds.NAME);
        String replyTo = email(o, "replyTo", false);
        o.rejectUnknownFields();
        return new BanPolicy.Sender(address, name, replyTo);
    }

    private BanPolicy.AdminDigest adminDigest(StrictObject o) {
        if (o == null) return null;
        LocalTime sendTime = o.time("sendTime", true);
        List<String> recipients = o.texts("recipients", true);
        if (o.has("recipients") && recipients.isEmpty()) o.problem("recipients", "must name at least one administrator's address");
        if (recipients.size() > Bounds.DIGEST_RECIPIENTS) {
            o.problem("recipients", "at most " + Bounds.DIGEST_RECIPIENTS + " administrators (found " + recipients.size() + "); use a list address");
        }
        for (int i = 0; i < recipients.size(); i++) {
            String r = recipients.get(i);
            if (!EMAIL.matcher(r).matches() || r.length() > Bounds.EMAIL || r.chars().anyMatch(c -> c < 0x20 || c == ',' || c == '<' || c == '>')) {
                o.problem("recipients[" + i + "]", "'" + r + "' is not an email address");
            }
        }
        String statusUrl = o.optionalText("statusUrl").orElse(null);
        if (statusUrl != null && (!statusUrl.startsWith("https://") || statusUrl.length() > Bounds.URL)) {
            o.problem("statusUrl", "must be an https:// URL of at most " + Bounds.URL + " characters");
        }
        o.rejectUnknownFields();
        return new BanPolicy.AdminDigest(sendTime, recipients, statusUrl);
    }

    private BanPolicy.Contact contact(StrictObject o) {
        if (o == null) return null;
        String name = bounded(o, "name", Bounds.NAME);
        String mail = email(o, "email", true);
        String phone = checked(o, "phone", o.optionalText("phone").orElse(null), Bounds.PHONE);
        o.rejectUnknownFields();
        return new BanPolicy.Contact(name, mail, phone);
    }

    private static String email(StrictObject o, String field, boolean required) {
        String value = required ? o.text(field) : o.optionalText(field).orElse(null);
        if (value != null && (!EMAIL.matcher(value).matches() || value.chars().anyMatch(c -> c < 0x20) || value.length() > Bounds.EMAIL)) {
            o.problem(field, "'" + value + "' is not an email address");
            return null;
        }
        return value;
    }

    private static Integer nonNegative(StrictObject o, String field) {
        Integer v = o.integer(field);
        if (v != null && v < 0) {
            o.problem(field, "must not be negative (found " + v + ")");
            return null;
        }
        return v;
    }

    private static Integer atMost(StrictObject o, String field, int max) {
        Integer v = nonNegative(o, field);
        if (v != null && v > max) {
            o.problem(field, "must be at most " + max + " (found " + v + ")");
            return null;
        }
        return v;
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    private static String kinds() {
        return String.join(", ", java.util.Arrays.stream(StageKind.values()).map(StageKind::wireName).toList());
    }
}
