package org.appban.lambda;

import org.appban.json.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Json} reads and writes what Jackson's {@code ObjectMapper} did when the functions used one (the mapper
 * configured as they had it: nulls left out, java.time as ISO text): the reports, events and logs keep their form.
 */
class JsonTest {
    /** The mapper the functions used before, as the reference. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Core's enums once carried @JsonValue on wireName(); core names no JSON library now (WireNamed).
            .addMixIn(org.appban.domain.WireNamed.class, WireNamedAsValue.class);

    private interface WireNamedAsValue {
        @com.fasterxml.jackson.annotation.JsonValue
        String wireName();
    }

    private static final List<String> DOCUMENTS = List.of(
            "{\"trigger\":\"schedule\",\"schedule\":\"notify-daily\"}",
            "[1, -2, 2147483648, 9223372036854775808, 1.5, -0.0, 1e3, 12345678901234567890.5, true, false, null]",
            "{\"nested\":{\"a\":[{\"b\":[[]]},{}],\"text\":\"quote \\\" backslash \\\\ tab \\t ü \\u00e9 \\ud83d\\ude00 </script>\"}}",
            "  \"just text\"  ",
            "42",
            "");
    // Where the mapper was lenient (a key twice: the last won; content after the document: ignored) Json now refuses,
    // on purpose: see StrictJsonTest.

    @Test
    void documents_read_as_the_mapper_read_them_and_write_back_as_it_wrote_them() throws Exception {
        for (String doc : DOCUMENTS) {
            JsonNode expected = MAPPER.readTree(doc);
            JsonNode actual = Json.parse(doc);
            assertEquals(expected, actual, doc);
            assertEquals(expected.getClass(), actual.getClass(), doc);
            assertEquals(expected, Json.parse(doc.getBytes(StandardCharsets.UTF_8)), doc);
            if (!expected.isMissingNode()) {
                assertEquals(MAPPER.writeValueAsString(expected), Json.write(actual), doc);
                assertEquals(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(expected), Json.pretty(actual), doc);
            }
        }
    }

    @Test
    void malformed_json_is_refused_with_the_parser_s_location() {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> Json.parse("{\n  \"a\": [1,\n  }"));
        assertEquals(3, e.getLocation().getLineNr());
    }

    @Test
    void maps_lists_and_values_are_written_as_the_mapper_wrote_them() throws Exception {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("text", "a \"quoted\" <b>");
        map.put("nothing", null);
        map.put("n", 3);
        map.put("big", 12345678901L);
        map.put("ratio", 0.25);
        map.put("list", List.of(1, "two", List.of(), Map.of()));
        map.put("set", new LinkedHashSet<>(List.of("x", "y")));
        map.put("at", Instant.parse("2023-03-30T11:00:00Z"));
        map.put("nanos", Instant.parse("2023-03-30T11:00:00.120Z"));
        map.put("day", LocalDate.of(2023, 3, 31));
        map.put("local", LocalDateTime.of(2023, 3, 31, 9, 0));
        map.put("time", LocalTime.of(9, 0));
        map.put("zoned", ZonedDateTime.of(2023, 3, 31, 0, 0, 0, 0, ZoneId.of("Pacific/Auckland")));
        map.put("offset", OffsetDateTime.parse("2023-03-31T00:00:00+13:00"));
        map.put("zone", ZoneId.of("Pacific/Auckland"));
        map.put("tree", Json.object().put("k", "v").putNull("none"));
        map.put(Thread.State.NEW, "enum key");
        map.put("array", new String[] {"a", "b"});
        assertEquals(MAPPER.writeValueAsString(map), Json.write(map));
        assertEquals(MAPPER.valueToTree(map), Json.tree(map));
        assertEquals(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(map), Json.pretty(map));
    }

    @Test
    void what_has_no_json_form_is_refused_rather_than_guessed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("x", new Object())));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    }

    /**
     * Every record of the functions, filled with sample values (and once with every nullable component null), is
     * written exactly as the mapper wrote it: component order, extra getters, enum wire names, nulls left out.
     */
    @Test
    void every_record_of_the_functions_is_written_as_the_mapper_wrote_it() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Class<?> type : recordClasses()) {
            for (boolean nulls : new boolean[] {false, true}) {
                Object value;
                try {
                    value = sample(type, nulls, 0);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue; // its constructor refuses made-up values: not a shape a report can hold
                }
                if (value == null) continue;
                String expected;
                try {
                    expected = MAPPER.writeValueAsString(value);
                } catch (JsonProcessingException e) {
                    continue; // the mapper could not write it either, so no report held it
                } catch (RuntimeException e) {
                    continue; // an accessor of the made-up value throws: the same for both
                }
                assertEquals(expected, Json.write(value), type.getName() + (nulls ? " with nulls" : ""));
                checked.add(type.getSimpleName());
            }
        }
        assertTrue(new LinkedHashSet<>(checked).size() >= 80, "records compared: " + checked);
        for (String report : List.of("SyncReport", "AccessReport", "StatusReport", "RosterImportReport", "EnforcementReport", "SweepReport", "MemberResult")) {
            assertTrue(checked.contains(report), report + " was not compared: " + checked);
        }
    }

    private static List<Class<?>> recordClasses() throws Exception {
        List<Class<?>> records = new ArrayList<>();
        // Every ring whose records a report or a message can hold: core, adapters, lambda (one class of each names its classes folder).
        for (Class<?> ring : List.of(org.appban.domain.Member.class, Json.class, org.appban.wiring.Production.class)) {
            Path location = Path.of(ring.getProtectionDomain().getCodeSource().getLocation().toURI());
            // A classes folder when the modules are built to `test`; the module's jar when a reactor reaches `verify`.
            try (java.nio.file.FileSystem jar = Files.isDirectory(location) ? null : java.nio.file.FileSystems.newFileSystem(location);
                 Stream<Path> files = Files.walk(jar == null ? location : jar.getPath("/"))) {
                Path classes = jar == null ? location : jar.getPath("/");
                for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.toString().endsWith("module-info.class")).sorted().toList()) {
                    String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                    if (name.startsWith("META-INF")) continue;
                    Class<?> c = Class.forName(name, false, JsonTest.class.getClassLoader());
                    if (c.isRecord()) records.add(c);
                }
            }
        }
        return records;
    }

    private static Object sample(Type type, boolean nulls, int depth) throws ReflectiveOperationException {
        Class<?> raw = raw(type);
        if (raw == null) return "x";
        if (raw == String.class || raw == Object.class || raw == CharSequence.class) return nulls && depth > 0 ? null : "v\"<é>";
        if (raw == int.class || raw == Integer.class) return 7;
        if (raw == long.class || raw == Long.class) return 12345678901L;
        if (raw == double.class || raw == Double.class) return 0.5;
        if (raw == boolean.class || raw == Boolean.class) return true;
        if (raw == Instant.class) return Instant.parse("2023-03-30T11:00:00Z");
        if (raw == LocalDate.class) return LocalDate.of(2023, 3, 31);
        if (raw == ZonedDateTime.class) return ZonedDateTime.of(2023, 3, 31, 0, 0, 0, 0, ZoneId.of("Pacific/Auckland"));
        if (raw == ZoneId.class) return ZoneId.of("Pacific/Auckland");
        if (raw == Duration.class) return Duration.ofMinutes(90);
        if (raw.isEnum()) return raw.getEnumConstants()[raw.getEnumConstants().length - 1];
        if (JsonNode.class.isAssignableFrom(raw)) return Json.object().put("k", "v");
        if (depth > 3) return null;
        if (List.class.isAssignableFrom(raw) || raw == Collection.class) return List.of(element(type, 0, nulls, depth));
        if (Set.class.isAssignableFrom(raw)) return Set.of(element(type, 0, nulls, depth));
        if (Map.class.isAssignableFrom(raw)) {
            Map<Object, Object> m = new LinkedHashMap<>();
            m.put(element(type, 0, nulls, depth), element(type, 1, nulls, depth));
            return m;
        }
        if (raw.isRecord()) {
            RecordComponent[] cs = raw.getRecordComponents();
            Object[] args = new Object[cs.length];
            Class<?>[] types = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) {
                types[i] = cs[i].getType();
                args[i] = nulls && !types[i].isPrimitive() ? null : sample(cs[i].getGenericType(), nulls, depth + 1);
                if (args[i] == null && types[i].isPrimitive()) return null;
            }
            Constructor<?> c = raw.getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(args);
        }
        // Not a type a report holds (a stream, a file, a service): the record holding it is not a report.
        throw new UnsupportedOperationException("no sample of " + raw.getName());
    }

    private static Object element(Type type, int index, boolean nulls, int depth) throws ReflectiveOperationException {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            Object v = sample(p.getActualTypeArguments()[index], false, depth + 1);
            if (v == null) throw new UnsupportedOperationException("no sample of " + p.getActualTypeArguments()[index]);
            return v;
        }
        return "x";
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) return c;
        if (type instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        if (type instanceof WildcardType w) return raw(w.getUpperBounds()[0]);
        return null;
    }
}
