package org.appban.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a JSON object field by field, strictly: wrong types, missing required fields and fields nobody asked for
 * are all reported with their path, and every problem in the input is collected before failing, so one run of the
 * validator tells the author everything to fix.
 *
 * <p>Typical use: read every field, then call {@link #finish()} (or {@link Problems#throwIfAny}) once.
 */
public final class StrictObject {
    private final JsonNode node;
    private final String path;
    private final Problems problems;
    private final Set<String> read = new LinkedHashSet<>();

    private StrictObject(JsonNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /** The root of a document; null when the document is not a JSON object (the problem is recorded). */
    public static StrictObject root(JsonNode node, Problems problems) {
        if (node == null || !node.isObject()) {
            problems.add("", "expected a JSON object" + (node == null ? "" : ", found " + describe(node)));
            return new StrictObject(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), "", problems);
        }
        return new StrictObject(node, "", problems);
    }

    public Problems problems() {
        return problems;
    }

    public String path() {
        return path;
    }

    public boolean has(String field) {
        read.add(field);
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    private String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private JsonNode get(String field, boolean required) {
        read.add(field);
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) problems.add(at(field), "is required");
            return null;
        }
        return v;
    }

    public String text(String field) {
        return textValue(field, true);
    }

    public Optional<String> optionalText(String field) {
        return Optional.ofNullable(textValue(field, false));
    }

    private String textValue(String field, boolean required) {
        JsonNode v = get(field, required);
        if (v == null) return null;
        if (!v.isTextual()) {
            problems.add(at(field), "must be a string, found " + describe(v));
            return null;
        }
        String s = v.textValue();
        if (required && s.isBlank()) {
            problems.add(at(field), "must not be empty");
            return null;
        }
        return s;
    }

    public Integer integer(String field) {
        return integerValue(field, true);
    }

    public int integer(String field, int defaultValue) {
        Integer v = integerValue(field, false);
        return v == null ? defaultValue : v;
    }

    private Integer integerValue(String field, boolean required) {
        JsonNode v = get(field, required);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            problems.add(at(field), "must be a whole number, found " + describe(v));
            return null;
        }
        return v.intValue();
    }

    /** A wrong type is recorded as a problem and answered with the default, so callers never unbox a null. */
    public double number(String field, double defaultValue) {
        JsonNode v = get(field, false);
        if (v == null) return defaultValue;
        if (!v.isNumber()) {
            problems.add(at(field), "must be a number, found " + describe(v));
            return defaultValue;
        }
        return v.doubleValue();
    }

    /** A wrong type is recorded as a problem and answered with the default, so callers never unbox a null. */
    public boolean bool(String field, boolean defaultValue) {
        JsonNode v = get(field, false);
        if (v == null) return defaultValue;
        if (!v.isBoolean()) {
            problems.add(at(field), "must be true or false, found " + describe(v));
            return defaultValue;
        }
        return v.booleanValue();
    }

    public Boolean bool(String field) {
        JsonNode v = get(field, true);
        if (v == null) return null;
        if (!v.isBoolean()) {
            problems.add(at(field), "must be true or false, found " + describe(v));
            return null;
        }
        return v.booleanValue();
    }

    public <T> T parsed(String field, boolean required, String expected, Function<String, T> parser) {
        String s = textValue(field, required);
        if (s == null) return null;
        try {
            T value = parser.apply(s);
            if (value == null) problems.add(at(field), "'" + s + "' is not " + expected);
            return value;
        } catch (RuntimeException e) {
            problems.add(at(field), "'" + s + "' is not " + expected + detail(e));
            return null;
        }
    }

    /**
     * An IANA region name (e.g. Pacific/Auckland, Europe/London) or UTC. Fixed offsets ({@code +13:00},
     * {@code UTC+13}, {@code Etc/GMT-13}) and the old abbreviations ({@code EST}, {@code CET}) are refused although
     * java.time reads them: they have no daylight saving, so a ban in a place that has it would send at the wrong
     * hour half the year, and EventBridge Scheduler's ScheduleExpressionTimezone takes region names.
     */
    /**
     * The name of one of the function's own schedules (template.yaml's Scheduler Inputs), or the default when absent.
     * Another name is refused: a schedule nobody defined, or a manual run mistaken for one, must not run the work
     * that a real schedule does (an unknown name once ran a full run).
     */
    public String scheduleName(String field, String own) {
        JsonNode v = node.get(field);
        String name = v == null || v.isNull() ? own : textValue(field, true);
        if (name != null && !name.equals(own)) {
            problems.add(at(field), "'" + (name.length() > 64 ? name.substring(0, 64) + "..." : name)
                    + "' is not a schedule of this function (its schedule is '" + own + "')");
            return null;
        }
        return name;
    }

    public ZoneId zone(String field) {
        JsonNode v = node.get(field);
        String problem = v != null && v.isTextual() ? notARegion(v.textValue()) : null;
        ZoneId zone = parsed(field, true, "a known time zone (e.g. Pacific/Auckland)", ZoneId::of);
        if (zone != null && problem != null) {
            problems.add(at(field), problem);
            return null;
        }
        return zone;
    }

    /** Why a zone id is not an IANA region name a schedule can use, or null when it is one. */
    public static String notARegion(String id) {
        if (id.equals("UTC") || id.equals("Etc/UTC")) return null;
        boolean region = id.indexOf('/') > 0 && !id.startsWith("Etc/") && !id.startsWith("SystemV/")
                && ZoneId.getAvailableZoneIds().contains(id);
        if (region) return null;
        return "'" + id + "' is not an IANA time zone name (Area/Location, e.g. Pacific/Auckland, Europe/London, or UTC):"
                + " a fixed offset or an abbreviation has no daylight saving, and EventBridge Scheduler's"
                + " ScheduleExpressionTimezone takes IANA names";
    }

    public LocalDate date(String field, boolean required) {
        return parsed(field, required, "a date (YYYY-MM-DD)", LocalDate::parse);
    }

    public LocalDateTime localDateTime(String field) {
        return parsed(field, true, "a local date-time (YYYY-MM-DDTHH:MM)", LocalDateTime::parse);
    }

    public LocalTime time(String field, boolean required) {
        return parsed(field, required, "a time of day (HH:MM)", LocalTime::parse);
    }

    /** An instant written with its offset or zone, e.g. 2023-03-31T09:00+13:00 or 2023-03-30T20:00Z. */
    public Instant instant(String field, boolean required) {
        return parsed(field, required, "a date-time with an offset (e.g. 2023-03-31T09:00+13:00)",
                s -> OffsetDateTime.parse(s).toInstant());
    }

    public StrictObject object(String field, boolean required) {
        JsonNode v = get(field, required);
        if (v == null) return null;
        if (!v.isObject()) {
            problems.add(at(field), "must be an object, found " + describe(v));
            return null;
        }
        return new StrictObject(v, at(field), problems);
    }

    public List<StrictObject> objects(String field, boolean required) {
        JsonNode v = get(field, required);
        List<StrictObject> out = new ArrayList<>();
        if (v == null) return out;
        if (!v.isArray()) {
            problems.add(at(field), "must be a list, found " + describe(v));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            String itemPath = at(field) + "[" + i + "]";
            if (!item.isObject()) {
                problems.add(itemPath, "must be an object, found " + describe(item));
                continue;
            }
            out.add(new StrictObject(item, itemPath, problems));
        }
        return out;
    }

    public List<String> texts(String field, boolean required) {
        JsonNode v = get(field, required);
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        if (!v.isArray()) {
            problems.add(at(field), "must be a list of strings, found " + describe(v));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual() || item.textValue().isBlank()) {
                problems.add(at(field) + "[" + i + "]", "must be a non-empty string, found " + describe(item));
                continue;
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** Names of the fields of this object, in document order (for maps keyed by name). */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) names.add(it.next());
        return names;
    }

    public void problem(String field, String message) {
        problems.add(field == null ? path : at(field), message);
    }

    /** Records every field present in the input that no reader asked for. */
    public void rejectUnknownFields() {
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!read.contains(f)) problems.add(at(f), "unknown field");
        }
    }

    static String describe(JsonNode v) {
        if (v.isTextual()) return "a string";
        if (v.isNumber()) return "a number";
        if (v.isBoolean()) return "a boolean";
        if (v.isArray()) return "a list";
        if (v.isObject()) return "an object";
        if (v.isNull()) return "null";
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String detail(RuntimeException e) {
        if (e instanceof DateTimeParseException) return "";
        String m = e.getMessage();
        return m == null ? "" : " (" + m + ")";
    }

    /** Collects problems across a whole document. */
    public static final class Problems {
        private final String source;
        private final List<InputProblem> list = new ArrayList<>();

        public Problems(String source) {
            this.source = source;
        }

        public void add(String where, String problem) {
            list.add(new InputProblem(where, problem));
        }

        public boolean isEmpty() {
            return list.isEmpty();
        }

        public List<InputProblem> list() {
            return List.copyOf(list);
        }

        public void throwIfAny() {
            if (!list.isEmpty()) throw new InvalidInputException(source, list);
        }
    }
}
