package org.appban.roster;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.input.InvalidInputException;
import org.appban.policy.BanPolicy;
import org.appban.json.Json;

/**
 * Reads a roster (CSV with a header row, or JSON: a list of members or {@code {"members": [...]}}) and validates
 * each row on its own, so one bad row never stops the good ones.
 *
 * <p>Columns / fields: {@code id, name, email, role}, and optionally {@code active} (true/false) and {@code language}
 * (a language tag: the member's notices use the policy's template set of that language). A file that
 * cannot be read as a roster at all (not UTF-8, no header, not JSON) is rejected as a whole.
 */
public final class RosterParser implements RosterFormat {
    private static final Pattern EMAIL = Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    private static final List<String> COLUMNS = List.of("id", "name", "email", "role", "active", "language");
    /** ISO 639 languages, for a roster's {@code language}: a language the JDK does not know is a typo, not a choice. */
    private static final Set<String> ISO_LANGUAGES = Set.of(Locale.getISOLanguages());
    private static final int MAX_NAME = 200;

    private static final CsvFactory CSV = new CsvFactory();

    /** The policy's notice languages, or null: a parser that does not know the policy checks tags only. */
    private final BanPolicy.Languages languages;

    /** A parser that checks a row's language is a language, not that the policy writes in it (tests, the CLI's checks). */
    public RosterParser() {
        this(null);
    }

    /**
     * A parser for the policy the campaign runs: a row's language the policy ships no template set for is reported
     * for that row, so an administrator learns it at import rather than from a member who got the default's notice.
     */
    public RosterParser(BanPolicy.Languages languages) {
        this.languages = languages;
    }

    @Override
    public ParsedRoster parse(String source, byte[] content) {
        String text = decodeUtf8(source, content);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("[") || trimmed.startsWith("{")) return parseJson(source, text);
        return parseCsv(source, text);
    }

    /** The one UTF-8 reading of every input ({@link Json#utf8}): the first bad byte named, with where it is. */
    private static String decodeUtf8(String source, byte[] content) {
        try {
            return Json.utf8(content);
        } catch (org.appban.json.StrictJson.NotStrictJson e) {
            throw new InvalidInputException(source, "", "the roster is not valid UTF-8 text: " + e.getOriginalMessage());
        }
    }

    private ParsedRoster parseCsv(String source, String text) {
        Validator v = new Validator(languages);
        // jackson-core's streaming CSV parser, not a CsvMapper: a mapper costs a cold start 100+ ms to build (see Json).
        try (CsvParser p = CSV.createParser(text)) {
            p.setSchema(CsvSchema.emptySchema().withoutHeader());
            List<String> header = null;
            while (true) {
                // The location once the record's first token is read is the start of the record (fields may span
                // lines when quoted).
                int line;
                String[] row;
                try {
                    if (p.nextToken() == null) break;
                    line = p.currentLocation() == null ? -1 : p.currentLocation().getLineNr();
                    row = row(p);
                } catch (RuntimeException | IOException e) {
                    int at = errorLine(e);
                    v.reject(at, null, "unreadable CSV: " + firstLine(e.getMessage()));
                    break;
                }
                if (row.length == 1 && row[0].isBlank()) continue;
                if (header == null) {
                    header = header(source, row, line);
                    continue;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                if (row.length != header.size()) {
                    v.reject(line, row.length > 0 ? row[0] : null, "has " + row.length + " fields, the header has " + header.size());
                    continue;
                }
                for (int i = 0; i < header.size(); i++) fields.put(header.get(i), row[i]);
                v.accept(line, fields);
            }
            if (header == null) throw new InvalidInputException(source, "line 1", "no header row (expected id,name,email,role)");
        } catch (IOException e) {
            throw new InvalidInputException(source, "", "unreadable CSV: " + e.getMessage());
        }
        return v.result();
    }

    /** The cells of the record the parser has just opened (a schema without columns gives each record as an array). */
    private static String[] row(CsvParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw new IOException("expected a record, found " + p.currentToken());
        List<String> cells = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == null) throw new IOException("the file ends inside a record");
            cells.add(p.getText());
        }
        return cells.toArray(String[]::new);
    }

    private static List<String> header(String source, String[] row, int line) {
        if (row.length == 1) {
            for (String separator : List.of(";", "\t", "|")) {
                if (row[0].contains(separator)) {
                    throw new InvalidInputException(source, "line " + line, "the header is separated by '" + (separator.equals("\t") ? "tab" : separator)
                            + "', not commas: a roster is comma-separated (id,name,email,role[,active][,language]); export it again as CSV with commas");
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (String cell : row) names.add(cell.trim().toLowerCase(Locale.ROOT));
        for (String required : List.of("id", "name", "email", "role")) {
            if (!names.contains(required)) {
                throw new InvalidInputException(source, "line " + line, "header has no '" + required + "' column (expected id,name,email,role[,active][,language])");
            }
        }
        for (String n : names) {
            if (!COLUMNS.contains(n)) throw new InvalidInputException(source, "line " + line, "unknown column '" + n + "' (expected id,name,email,role[,active][,language])");
        }
        if (new HashSet<>(names).size() != names.size()) throw new InvalidInputException(source, "line " + line, "a column is named twice");
        return names;
    }

    private ParsedRoster parseJson(String source, String text) {
        Validator v = new Validator(languages);
        try (JsonParser p = Json.parser(text)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                String field = p.nextFieldName();
                if (!"members".equals(field)) throw new InvalidInputException(source, "line " + p.currentLocation().getLineNr(), "expected a list of members or {\"members\": [...]}");
                if (p.nextToken() != JsonToken.START_ARRAY) throw new InvalidInputException(source, "members", "must be a list");
            } else if (first != JsonToken.START_ARRAY) {
                throw new InvalidInputException(source, "line 1", "expected a list of members or {\"members\": [...]}");
            }
            int index = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) throw new InvalidInputException(source, "line " + p.currentLocation().getLineNr(), "not valid JSON: the file ends inside the list of members");
                int line = p.currentLocation().getLineNr();
                JsonNode node = Json.read(p);
                String where = "members[" + index++ + "]";
                if (node == null || !node.isObject()) {
                    v.reject(line, null, where + " is not an object");
                    continue;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                List<String> problems = new ArrayList<>();
                node.fields().forEachRemaining(e -> {
                    if (!COLUMNS.contains(e.getKey())) problems.add("unknown field '" + e.getKey() + "'");
                    else if (e.getValue().isTextual()) fields.put(e.getKey(), e.getValue().textValue());
                    else if (e.getKey().equals("active") && e.getValue().isBoolean()) fields.put("active", Boolean.toString(e.getValue().booleanValue()));
                    else problems.add("field '" + e.getKey() + "' must be a string");
                });
                if (!problems.isEmpty()) {
                    v.reject(line, node.path("id").isTextual() ? node.path("id").textValue() : null, String.join("; ", problems));
                    continue;
                }
                v.accept(line, fields);
            }
            if (first == JsonToken.START_OBJECT) {
                String other = p.nextFieldName();
                if (other != null) throw new InvalidInputException(source, "line " + p.currentLocation().getLineNr(),
                        ("members".equals(other) ? "duplicate key 'members'" : "unknown field '" + other + "'")
                                + " after the list of members (expected {\"members\": [...]} and nothing else)");
            }
            // A second document after the roster is refused, not ignored: the file is not what its author thinks.
            Json.requireEnd(p);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new InvalidInputException(source, loc == null ? "" : "line " + loc.getLineNr(), Json.problem(e));
        } catch (IOException e) {
            throw new InvalidInputException(source, "", "unreadable roster: " + e.getMessage());
        }
        return v.result();
    }

    private static int errorLine(Exception e) {
        if (e instanceof JsonProcessingException j && j.getLocation() != null) return j.getLocation().getLineNr();
        if (e.getCause() instanceof JsonProcessingException j && j.getLocation() != null) return j.getLocation().getLineNr();
        return -1;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Row-level validation, shared by both formats. */
    private static final class Validator {
        private final BanPolicy.Languages languages;

        Validator(BanPolicy.Languages languages) {
            this.languages = languages;
        }

        private final List<Member> members = new ArrayList<>();
        private final List<RejectedRow> rejected = new ArrayList<>();
        private final List<RejectedRow> warnings = new ArrayList<>();
        private final Set<String> rejectedIds = new HashSet<>();
        /** Keyed by the id in lower case: ids that differ only in case are one person to a reader, so one member. */
        private final Map<String, Integer> firstLineOfId = new HashMap<>();
        private final Map<String, String> firstIdOf = new HashMap<>();
        /** Keyed by the mailbox in lower case (as the fleet loader does): one address, one member, one notice each. */
        private final Map<String, Integer> firstLineOfEmail = new HashMap<>();
        private final Map<String, String> firstIdOfEmail = new HashMap<>();

        void reject(int line, String id, String reason) {
            rejected.add(new RejectedRow(line, id == null || id.isBlank() ? null : clean(id), reason));
            if (id != null && !id.isBlank()) rejectedIds.add(id.trim());
        }

        void accept(int line, Map<String, String> f) {
            String id = f.getOrDefault("id", "");
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, String> e : f.entrySet()) {
                if (e.getValue() != null && (e.getValue().indexOf('\r') >= 0 || e.getValue().indexOf('\n') >= 0)) {
                    problems.add("field '" + e.getKey() + "' contains a line break");
                } else if (e.getValue() != null && e.getValue().chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                    problems.add("field '" + e.getKey() + "' contains a control character");
                }
            }
            String name = f.getOrDefault("name", "").trim();
            String email = f.getOrDefault("email", "").trim();
            String roleText = f.getOrDefault("role", "");
            if (id.isBlank()) problems.add("missing id");
            else if (!ID.matcher(id.trim()).matches()) problems.add("id '" + clean(id) + "' may only contain letters, digits, '.', '_' and '-'");
            if (name.isEmpty()) problems.add("missing name");
            else if (name.length() > MAX_NAME) problems.add("name is longer than " + MAX_NAME + " characters");
            if (email.isEmpty()) problems.add("missing email");
            // The value is not quoted: a rejected row's reason goes to the ledger and the logs, where an address (even a
            // mistyped one) must not be written. The line number finds it in the file.
            else if (!EMAIL.matcher(email).matches()) problems.add("malformed email (not repeated here: the file's line has it)");
            Role role = Role.parse(roleText).orElse(null);
            if (role == null) problems.add("unknown role '" + clean(roleText) + "' (expected member, staff or contractor)");
            String activeText = f.getOrDefault("active", "true").trim().toLowerCase(Locale.ROOT);
            if (!activeText.equals("true") && !activeText.equals("false") && !activeText.isEmpty()) {
                problems.add("active must be true or false, found '" + clean(activeText) + "'");
            }
            String idKey = id.trim().toLowerCase(Locale.ROOT);
            String emailKey = email.toLowerCase(Locale.ROOT);
            if (problems.isEmpty() && firstLineOfId.containsKey(idKey)) {
                String first = firstIdOf.get(idKey);
                problems.add("duplicate id '" + clean(id.trim()) + "' (" + (first.equals(id.trim()) ? "first" : "'" + first + "'")
                        + " on line " + firstLineOfId.get(idKey) + (first.equals(id.trim()) ? ")" : "; ids are compared ignoring case)"));
            } else if (problems.isEmpty() && firstLineOfEmail.containsKey(emailKey)) {
                // The address itself is not repeated: rejected rows' reasons go to the ledger, which keeps no addresses.
                problems.add("the mailbox is already on line " + firstLineOfEmail.get(emailKey) + " (member '"
                        + firstIdOfEmail.get(emailKey) + "'; mailboxes are compared ignoring case): one person, one member");
            }
            if (!problems.isEmpty()) {
                reject(line, id, String.join("; ", problems));
                return;
            }
            firstLineOfId.put(idKey, line);
            firstIdOf.put(idKey, id.trim());
            firstLineOfEmail.put(emailKey, line);
            firstIdOfEmail.put(emailKey, id.trim());
            boolean active = !activeText.equals("false");
            members.add(new Member(id.trim(), name, email.toLowerCase(Locale.ROOT), role, active, false, language(line, id.trim(), f.get("language"))));
        }

        /**
         * The member's language, as a lower-case tag ({@code mi}, {@code fr}, {@code pt-br}); empty is none. One that
         * is not an ISO 639 language is reported for the row, and the member is imported without it: they get the
         * policy's default language rather than no notice. A language the policy ships no set for (nor one of its
         * primary subtag: {@code fr-ca} reads {@code fr}) is reported too, but kept: the member reads the default
         * until the policy adds a set for it, and then their own without a second import.
         */
        private String language(int line, String id, String text) {
            if (text == null || text.isBlank()) return null;
            String tag = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            String primary = tag.contains("-") ? tag.substring(0, tag.indexOf('-')) : tag;
            if (!tag.matches("[a-z]{2,3}(-[a-z0-9]{2,8})*") || !ISO_LANGUAGES.contains(primary)) {
                warnings.add(new RejectedRow(line, id, "language: '" + clean(text.trim()) + "' is not a language tag (ISO 639, such as en, mi"
                        + " or fr); imported without it, so the member gets the policy's default language"));
                return null;
            }
            if (languages != null && languages.shipped(tag).isEmpty()) {
                warnings.add(new RejectedRow(line, id, "language: the policy writes no notices in '" + tag + "' (notices.languages: "
                        + String.join(", ", languages.languages()) + "); imported with it, the member reads '" + languages.defaultLanguage()
                        + "' until the policy adds a template set for it"));
            }
            return tag;
        }

        ParsedRoster result() {
            // The first valid row of an id wins; later rows with the same id are rejected as duplicates.
            Set<String> imported = new HashSet<>();
            members.forEach(m -> imported.add(m.id()));
            Set<String> untouched = new HashSet<>(rejectedIds);
            untouched.removeAll(imported);
            Map<String, Integer> lines = new HashMap<>();
            firstIdOf.forEach((key, firstId) -> lines.put(firstId, firstLineOfId.get(key)));
            return new ParsedRoster(List.copyOf(members), List.copyOf(rejected), Set.copyOf(untouched), List.copyOf(warnings), lines);
        }

        /** Makes a value safe to echo in a report: no control characters, bounded length. */
        private static String clean(String s) {
            String c = s.replaceAll("\\p{Cntrl}", "?");
            return c.length() > 80 ? c.substring(0, 80) + "…" : c;
        }
    }
}
