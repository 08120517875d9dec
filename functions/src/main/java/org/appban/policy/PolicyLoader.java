package org.appban.policy;

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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.appban.domain.Platform;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.input.StrictObject.Problems;
import org.appban.lambda.Json;

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

    public BanPolicy load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), "", "cannot read the policy file: " + e.getMessage());
        }
    }

    /** Loads a policy bundled as a resource under {@code policies/NAME.json}. */
    public BanPolicy bundled(String name) {
        String resource = "/policies/" + name + ".json";
        try (InputStream in = PolicyLoader.class.getResourceAsStream(resource)) {
            if (in == null) throw new InvalidInputException(name, "", "no bundled policy of that name");
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "policies/" + name + ".json");
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

    public BanPolicy parse(String json, String source) {
        JsonNode root;
        try {
            root = Json.parse(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(source, "line " + e.getLocation().getLineNr(), "not valid JSON: " + e.getOriginalMessage());
        }
        Problems problems = new Problems(source);
        StrictObject o = StrictObject.root(root, problems);

        String id = o.text("id");
        if (id != null && !ID.matcher(id).matches()) o.problem("id", "must be lower-case letters, digits and dashes");
        String title = o.text("title");
        String organisation = o.text("organisation");
        ZoneId zone = o.zone("zone");
        LocalDate announcement = o.date("announcement", true);
        LocalDateTime deadline = o.localDateTime("deadline");
        if (announcement != null && deadline != null && !deadline.toLocalDate().isAfter(announcement)) {
            o.problem("deadline", "must be after the announcement (" + announcement + ")");
        }
        BannedApp app = app(o.object("app", true));
        BanPolicy.Notices notices = notices(o.object("notices", true));
        BanPolicy.PrivateDevices privateDevices = privateDevices(o.object("privateDevices", true));
        BanPolicy.Enforcement enforcement = enforcement(o.object("enforcement", true));
        BanPolicy.Exemptions exemptions = exemptions(o.object("exemptions", true));
        BanPolicy.Sender sender = sender(o.object("sender", true));
        BanPolicy.Contact contact = contact(o.object("contact", true));
        BanPolicy.AdminDigest adminDigest = adminDigest(o.object("adminDigest", false));
        o.rejectUnknownFields();
        problems.throwIfAny();
        return new BanPolicy(id, title, organisation, app, zone, announcement, deadline, notices, privateDevices,
                enforcement, exemptions, sender, contact, adminDigest);
    }

    private BannedApp app(StrictObject o) {
        if (o == null) return null;
        String name = o.text("name");
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
                identifiers.put(platform, list);
            }
            if (identifiers.isEmpty()) ids.problem(null, "must name the app's identifier for at least one platform");
            ids.rejectUnknownFields();
        }
        List<String> displayNames = o.texts("displayNames", true);
        if (o.has("displayNames") && displayNames.isEmpty()) o.problem("displayNames", "must name at least one display name");
        Map<Platform, String> storeUrls = new EnumMap<>(Platform.class);
        StrictObject urls = o.object("storeUrls", false);
        if (urls != null) {
            for (String key : urls.fieldNames()) {
                try {
                    Platform platform = Platform.parse(key);
                    String url = urls.text(key);
                    if (url != null && !url.startsWith("https://")) urls.problem(key, "must be an https:// URL");
                    if (url != null) storeUrls.put(platform, url);
                } catch (IllegalArgumentException e) {
                    urls.problem(key, e.getMessage());
                    urls.has(key);
                }
            }
            urls.rejectUnknownFields();
        }
        List<String> domains = o.texts("domains", false);
        for (int i = 0; i < domains.size(); i++) {
            if (!DOMAIN.matcher(domains.get(i)).matches()) o.problem("domains[" + i + "]", "'" + domains.get(i) + "' is not a lower-case domain name");
        }
        o.rejectUnknownFields();
        return new BannedApp(name, Map.copyOf(identifiers), displayNames, Map.copyOf(storeUrls), domains);
    }

    private BanPolicy.Notices notices(StrictObject o) {
        if (o == null) return null;
        LocalTime sendTime = o.time("sendTime", true);
        int weekendDays = o.integer("weekendDaysBeforeDeadline", 0);
        if (weekendDays < 0) o.problem("weekendDaysBeforeDeadline", "must not be negative");
        List<LocalDate> holidays = new ArrayList<>();
        List<String> holidayTexts = o.texts("holidays", false);
        for (int i = 0; i < holidayTexts.size(); i++) {
            try {
                holidays.add(LocalDate.parse(holidayTexts.get(i)));
            } catch (RuntimeException e) {
                o.problem("holidays[" + i + "]", "'" + holidayTexts.get(i) + "' is not a date (YYYY-MM-DD)");
            }
        }
        List<NoticeStage> stages = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (StrictObject s : o.objects("stages", true)) {
            String id = s.text("id");
            if (id != null && !ID.matcher(id).matches()) s.problem("id", "must be lower-case letters, digits and dashes");
            if (id != null && !seen.add(id)) s.problem("id", "duplicate stage id '" + id + "'");
            StageKind kind = s.parsed("kind", true, "a stage kind (" + kinds() + ")", StageKind::parse);
            String subject = s.text("subject");
            int offset = 0;
            if (kind == StageKind.REMINDER) {
                Integer days = s.integer("daysBeforeDeadline");
                if (days != null && days < 1) s.problem("daysBeforeDeadline", "must be at least 1");
                offset = days == null ? 0 : days;
            } else if (kind == StageKind.OVERDUE) {
                Integer days = s.integer("daysAfterDeadline");
                if (days != null && days < 1) s.problem("daysAfterDeadline", "must be at least 1");
                offset = days == null ? 0 : days;
            }
            s.rejectUnknownFields();
            if (id != null && kind != null && subject != null) stages.add(new NoticeStage(id, kind, offset, subject));
        }
        for (StageKind required : List.of(StageKind.ANNOUNCEMENT, StageKind.DEADLINE)) {
            if (!stages.isEmpty() && stages.stream().noneMatch(s -> s.kind() == required)) {
                o.problem("stages", "must include a '" + required.wireName() + "' stage");
            }
        }
        o.rejectUnknownFields();
        return new BanPolicy.Notices(sendTime, weekendDays, List.copyOf(holidays), List.copyOf(stages));
    }

    private BanPolicy.PrivateDevices privateDevices(StrictObject o) {
        if (o == null) return null;
        Integer grace = nonNegative(o, "graceDays");
        Integer quiet = nonNegative(o, "quietPeriodDays");
        Integer link = nonNegative(o, "attestationLinkDays");
        if (link != null && link == 0) o.problem("attestationLinkDays", "must be at least 1");
        o.rejectUnknownFields();
        return new BanPolicy.PrivateDevices(orZero(grace), orZero(quiet), orZero(link));
    }

    private BanPolicy.Enforcement enforcement(StrictObject o) {
        if (o == null) return null;
        Integer escalate = nonNegative(o, "escalateAfterDays");
        Integer max = nonNegative(o, "maxDevicesPerRun");
        double share = o.number("maxFleetShare", 1.0);
        if (share <= 0 || share > 1) o.problem("maxFleetShare", "must be above 0 and at most 1");
        o.rejectUnknownFields();
        return new BanPolicy.Enforcement(orZero(escalate), orZero(max), share);
    }

    private BanPolicy.Exemptions exemptions(StrictObject o) {
        if (o == null) return null;
        Integer maxDays = nonNegative(o, "maxDays");
        if (maxDays != null && maxDays == 0) o.problem("maxDays", "must be at least 1");
        Integer expiring = nonNegative(o, "expiringNoticeDays");
        List<String> approvers = o.texts("approvers", true);
        if (o.has("approvers") && approvers.isEmpty()) o.problem("approvers", "must name at least one approver");
        String instructions = o.text("requestInstructions");
        o.rejectUnknownFields();
        return new BanPolicy.Exemptions(orZero(maxDays), orZero(expiring), approvers, instructions);
    }

    private BanPolicy.Sender sender(StrictObject o) {
        if (o == null) return null;
        String address = email(o, "address", true);
        String name = o.text("name");
        String replyTo = email(o, "replyTo", false);
        o.rejectUnknownFields();
        return new BanPolicy.Sender(address, name, replyTo);
    }

    private BanPolicy.AdminDigest adminDigest(StrictObject o) {
        if (o == null) return null;
        LocalTime sendTime = o.time("sendTime", true);
        List<String> recipients = o.texts("recipients", true);
        if (o.has("recipients") && recipients.isEmpty()) o.problem("recipients", "must name at least one administrator's address");
        for (int i = 0; i < recipients.size(); i++) {
            String r = recipients.get(i);
            if (!EMAIL.matcher(r).matches() || r.chars().anyMatch(c -> c < 0x20 || c == ',' || c == '<' || c == '>')) {
                o.problem("recipients[" + i + "]", "'" + r + "' is not an email address");
            }
        }
        String statusUrl = o.optionalText("statusUrl").orElse(null);
        if (statusUrl != null && !statusUrl.startsWith("https://")) o.problem("statusUrl", "must be an https:// URL");
        o.rejectUnknownFields();
        return new BanPolicy.AdminDigest(sendTime, recipients, statusUrl);
    }

    private BanPolicy.Contact contact(StrictObject o) {
        if (o == null) return null;
        String name = o.text("name");
        String mail = email(o, "email", true);
        String phone = o.optionalText("phone").orElse(null);
        o.rejectUnknownFields();
        return new BanPolicy.Contact(name, mail, phone);
    }

    private static String email(StrictObject o, String field, boolean required) {
        String value = required ? o.text(field) : o.optionalText(field).orElse(null);
        if (value != null && (!EMAIL.matcher(value).matches() || value.chars().anyMatch(c -> c < 0x20))) {
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

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    private static String kinds() {
        return String.join(", ", java.util.Arrays.stream(StageKind.values()).map(StageKind::wireName).toList());
    }
}
