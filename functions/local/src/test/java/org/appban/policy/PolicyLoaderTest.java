package org.appban.policy;

import org.appban.policy.file.PolicyLoader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;
import org.appban.domain.Platform;
import org.appban.input.InvalidInputException;
import org.junit.jupiter.api.Test;

class PolicyLoaderTest {
    private final PolicyLoader loader = new PolicyLoader();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void the_bundled_policy_encodes_the_scenario() {
        BanPolicy p = loader.bundled(PolicyLoader.BUNDLED);
        assertEquals("nz-parliament-tiktok-2023", p.id());
        assertEquals(ZoneId.of("Pacific/Auckland"), p.zone());
        assertEquals("2023-03-17", p.announcement().toString());
        assertEquals(List.of("com.zhiliaoapp.musically"), p.app().identifiersFor(Platform.IOS));
        assertTrue(p.app().identifiersFor(Platform.ANDROID).contains("com.ss.android.ugc.trill"));
        assertTrue(p.privateDevices().graceDays() > 0);
    }

    @Test
    void a_deadline_at_midnight_in_auckland_daylight_time_is_eleven_the_previous_day_in_utc() {
        BanPolicy p = loader.bundled(PolicyLoader.BUNDLED);
        assertEquals(Instant.parse("2023-03-30T11:00:00Z"), p.deadlineInstant());
    }

    @Test
    void an_unknown_zone_is_named() {
        assertRejected(o -> o.put("zone", "Pacific/Atlantis"), "zone", "'Pacific/Atlantis' is not a known time zone");
    }

    @Test
    void a_deadline_before_the_announcement_is_refused() {
        assertRejected(o -> o.put("deadline", "2023-03-01T00:00"), "deadline", "must be after the announcement");
    }

    @Test
    void a_platform_without_an_app_identifier_is_refused() {
        assertRejected(o -> ((ObjectNode) o.get("app").get("identifiers")).putArray("android"), "app.identifiers.android",
                "no app identifier for platform android");
    }

    @Test
    void an_unknown_platform_is_refused() {
        assertRejected(o -> ((ObjectNode) o.get("app").get("identifiers")).putArray("symbian").add("x"), "app.identifiers.symbian",
                "unknown platform");
    }

    @Test
    void a_negative_grace_period_is_refused() {
        assertRejected(o -> ((ObjectNode) o.get("privateDevices")).put("graceDays", -1), "privateDevices.graceDays", "must not be negative");
    }

    @Test
    void unknown_fields_are_refused_wherever_they_are() {
        assertRejected(o -> o.put("deadlne", "2023-03-31T00:00"), "deadlne", "unknown field");
        assertRejected(o -> ((ObjectNode) o.get("notices").get("stages").get(0)).put("colour", "red"), "notices.stages[0].colour", "unknown field");
    }

    @Test
    void a_stage_of_unknown_kind_and_duplicate_stage_ids_are_refused() {
        assertRejected(o -> ((ObjectNode) o.get("notices").get("stages").get(1)).put("kind", "nag"), "notices.stages[1].kind", "is not a stage kind");
        assertRejected(o -> ((ObjectNode) o.get("notices").get("stages").get(2)).put("id", "reminder-7d"), "notices.stages[2].id", "duplicate stage id");
    }

    @Test
    void wrong_types_are_named_with_what_was_found() {
        assertRejected(o -> ((ObjectNode) o.get("enforcement")).put("maxDevicesPerRun", "lots"), "enforcement.maxDevicesPerRun",
                "must be a whole number, found a string");
    }

    @Test
    void every_problem_is_reported_at_once_with_the_file_name() {
        ObjectNode o = bundledJson();
        o.put("zone", "Nowhere/Else");
        ((ObjectNode) o.get("privateDevices")).put("graceDays", -3);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> loader.parse(o.toString(), "my-policy.json"));
        assertEquals(2, e.problems().size());
        assertTrue(e.getMessage().startsWith("my-policy.json: 2 problems"), e.getMessage());
    }

    @Test
    void malformed_json_gives_the_line() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> loader.parse("{\n\"id\": \"x\",\n}", "bad.json"));
        assertTrue(e.getMessage().contains("bad.json: line 3"), e.getMessage());
    }

    private void assertRejected(Consumer<ObjectNode> change, String field, String message) {
        ObjectNode o = bundledJson();
        change.accept(o);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> loader.parse(o.toString(), "policy.json"));
        assertTrue(e.problems().stream().anyMatch(p -> p.where().equals(field) && p.problem().contains(message)),
                () -> "expected '" + field + ": " + message + "' in " + e.getMessage());
        assertTrue(e.getMessage().startsWith("policy.json"), e.getMessage());
    }

    private ObjectNode bundledJson() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream("/policies/" + PolicyLoader.BUNDLED + ".json")) {
            return (ObjectNode) mapper.readTree(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

}
