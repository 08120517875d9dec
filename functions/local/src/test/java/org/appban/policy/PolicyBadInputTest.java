package org.appban.policy;

import org.appban.policy.file.PolicyLoader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;
import org.appban.input.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy inputs nobody had written tests for (issue 23): each is refused at load with the field and a sentence
 * that says what to do, so no function ever runs a policy that would mislead members or tell them nothing.
 */
class PolicyBadInputTest {
    private final PolicyLoader loader = new PolicyLoader();
    private final ObjectMapper mapper = new ObjectMapper();

    // A policy is complete or refused

    @Test
    void a_policy_without_the_event_driven_stages_is_refused_naming_each_missing_kind() {
        InvalidInputException e = rejected(o -> {
            ArrayNode stages = stages(o);
            for (int i = stages.size() - 1; i >= 0; i--) {
                String kind = stages.get(i).path("kind").asText();
                if (kind.equals("access-revoked") || kind.equals("removal-escalated") || kind.startsWith("exemption-")) stages.remove(i);
            }
        }, "notices.stages", "no stage for access-revoked, exemption-granted, exemption-expiring, exemption-expired, removal-escalated");
        assertTrue(e.getMessage().contains("notices.notSent"), e.getMessage());
    }

    @Test
    void a_policy_with_no_stages_at_all_is_refused() {
        rejected(o -> stages(o).removeAll(), "notices.stages", "must list the campaign's notices");
    }

    @Test
    void a_kind_the_policy_says_it_sends_none_of_is_accepted_and_known() {
        ObjectNode o = bundledJson();
        ArrayNode stages = stages(o);
        for (int i = stages.size() - 1; i >= 0; i--) if (stages.get(i).path("kind").asText().equals("access-restored")) stages.remove(i);
        ((ObjectNode) o.get("notices")).putArray("notSent").add("access-restored");
        BanPolicy p = loader.parse(o.toString(), "policy.json");
        assertTrue(p.notices().sendsNone(StageKind.ACCESS_RESTORED));
        assertTrue(p.notices().firstOfKind(StageKind.ACCESS_RESTORED).isEmpty());
    }

    @Test
    void not_sent_may_not_name_a_kind_with_a_stage_nor_a_scheduled_kind() {
        rejected(o -> ((ObjectNode) o.get("notices")).putArray("notSent").add("access-revoked"), "notices.notSent[0]", "has a stage");
        rejected(o -> ((ObjectNode) o.get("notices")).putArray("notSent").add("deadline"), "notices.notSent[0]", "every ban sends it");
    }

    @Test
    void a_second_stage_of_a_singular_kind_is_refused_naming_the_first() {
        rejected(o -> stages(o).addObject().put("id", "deadline-again").put("kind", "deadline").put("subject", "Again"),
                "notices.stages[11].kind", "a second 'deadline' stage (the first is 'deadline')");
    }

    @Test
    void two_reminders_on_the_same_day_are_refused() {
        rejected(o -> stages(o).addObject().put("id", "reminder-again").put("kind", "reminder").put("daysBeforeDeadline", 7).put("subject", "Again"),
                "notices.stages[11].daysBeforeDeadline", "'reminder-7d' is already sent 7 days before the deadline");
    }

    @Test
    void a_reminder_before_the_announcement_is_refused_as_never_sent() {
        // The bundled campaign runs 14 days (17 to 31 March 2023): a reminder 20 days before the deadline is 11 March.
        // (With its subject in every language of the policy's template sets, so that only its date is wrong.)
        rejected(o -> stages(o).addObject().put("id", "reminder-20d").put("kind", "reminder").put("daysBeforeDeadline", 20).put("subject", "Early")
                        .putObject("subjects").put("fr", "Tôt"),
                "notices.stages", "the reminder 'reminder-20d' (20 days before the deadline, 2023-03-11) falls on or before the announcement");
    }

    // Bounds with reasons

    @Test
    void grace_days_of_two_to_the_thirty_first_are_refused() {
        rejected(o -> ((ObjectNode) o.get("privateDevices")).put("graceDays", Integer.MAX_VALUE), "privateDevices.graceDays", "must be at most 365");
    }

    @Test
    void a_ten_megabyte_title_is_refused_with_its_length() {
        rejected(o -> o.put("title", "x".repeat(10 * 1024 * 1024)), "title", "is 10485760 characters long; at most 200");
    }

    @Test
    void every_list_and_number_has_an_upper_bound() {
        rejected(o -> ((ObjectNode) o.get("enforcement")).put("escalateAfterDays", 100_000), "enforcement.escalateAfterDays", "at most 365");
        rejected(o -> ((ObjectNode) o.get("privateDevices")).put("attestationLinkDays", 400), "privateDevices.attestationLinkDays", "at most 90");
        rejected(o -> ((ObjectNode) o.get("exemptions")).put("maxDays", 5000), "exemptions.maxDays", "at most 730");
        rejected(o -> ((ObjectNode) o.get("exemptions")).put("expiringNoticeDays", 180), "exemptions.expiringNoticeDays", "less than maxDays (180)");
        rejected(o -> ((ObjectNode) o.get("exemptions")).put("requestInstructions", "y".repeat(3000)), "exemptions.requestInstructions", "at most 2000");
        rejected(o -> {
            ArrayNode d = ((ObjectNode) o.get("app")).putArray("domains");
            for (int i = 0; i < 201; i++) d.add("d" + i + ".example.com");
        }, "app.domains", "lists 201; at most 200");
        rejected(o -> ((ObjectNode) stages(o).get(0)).put("subject", "s".repeat(201)), "notices.stages[0].subject", "at most 200");
        rejected(o -> o.put("deadline", "2026-03-31T00:00"), "deadline", "more than 730 days after the announcement");
    }

    @Test
    void an_app_identifier_with_a_trailing_space_is_refused_rather_than_matching_nothing() {
        rejected(o -> ((ArrayNode) o.get("app").get("identifiers").get("ios")).set(0, "com.zhiliaoapp.musically "),
                "app.identifiers.ios[0]", "has spaces before or after it");
        rejected(o -> ((ArrayNode) o.get("app").get("displayNames")).set(0, " TikTok"), "app.displayNames[0]", "has spaces before or after it");
        rejected(o -> ((ArrayNode) o.get("app").get("identifiers").get("ios")).set(0, "com.tiktok/app"), "app.identifiers.ios[0]", "is not a bundle id");
    }

    // One strict JSON reading

    @Test
    void a_policy_file_with_a_byte_order_mark_is_accepted(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("policy.json");
        byte[] json = bundledJson().toString().getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);
        Files.write(file, withBom);
        assertEquals(PolicyLoader.BUNDLED, loader.load(file).id());
    }

    @Test
    void a_policy_file_that_is_not_utf8_is_refused_naming_the_byte_and_line(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("latin1.json");
        Files.write(file, bundledJson().put("organisation", "Service parlementaire é").toPrettyString().getBytes(StandardCharsets.ISO_8859_1));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> loader.load(file));
        assertTrue(e.getMessage().contains("the text is not UTF-8: byte 0xE9 at offset"), e.getMessage());
        assertTrue(e.getMessage().contains("(line 4, column"), e.getMessage());
        assertTrue(e.getMessage().contains("save it as UTF-8"), e.getMessage());
    }

    @Test
    void a_key_twice_is_refused_naming_it_and_where_instead_of_the_last_one_winning() {
        String json = bundledJson().toString().replaceFirst("\"deadline\":\"2023-03-31T00:00\"", "\"deadline\":\"2023-03-31T00:00\",\"deadline\":\"2023-06-30T00:00\"");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> loader.parse(json, "policy.json"));
        assertTrue(e.getMessage().contains("duplicate key 'deadline' in the top-level object (line 1, column"), e.getMessage());
        String nested = bundledJson().toString().replaceFirst("\"graceDays\":7", "\"graceDays\":7,\"graceDays\":70");
        e = assertThrows(InvalidInputException.class, () -> loader.parse(nested, "policy.json"));
        assertTrue(e.getMessage().contains("duplicate key 'graceDays' in /privateDevices"), e.getMessage());
    }

    @Test
    void content_after_the_policy_is_refused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> loader.parse(bundledJson() + "\n{\"id\": \"other\"}", "policy.json"));
        assertTrue(e.getMessage().contains("content after the end of the JSON document (at line 2, column 1)"), e.getMessage());
    }

    // Time that means one instant

    @Test
    void zones_must_be_iana_region_names() {
        for (String zone : new String[] {"UTC+13", "+13:00", "Etc/GMT-13", "GMT+12"}) {
            rejected(o -> o.put("zone", zone), "zone", "'" + zone + "' is not an IANA time zone name");
        }
        ObjectNode utc = bundledJson();
        utc.put("zone", "UTC");
        assertEquals("UTC", loader.parse(utc.toString(), "policy.json").zone().getId());
    }

    @Test
    void a_deadline_in_the_spring_forward_gap_is_refused_naming_both_instants() {
        // 26 March 2023, London: 01:00 GMT becomes 02:00 BST; 01:30 never happens.
        rejected(o -> london(o).put("deadline", "2023-03-26T01:30"), "deadline",
                "2023-03-26T01:30 does not exist in Europe/London (the clocks go forward from 01:00 to 02:00 that day): it could mean"
                        + " 2023-03-26T00:30:00Z (+01:00, the offset after the change) or 2023-03-26T01:30:00Z (Z, the offset before it)");
    }

    @Test
    void a_deadline_in_the_autumn_overlap_is_refused_naming_both_instants() {
        rejected(o -> london(o).put("deadline", "2023-10-29T01:30"), "deadline",
                "2023-10-29T01:30 happens twice in Europe/London (the clocks go back from 02:00 to 01:00 that day):"
                        + " 2023-10-29T00:30:00Z (+01:00, the first) and 2023-10-29T01:30:00Z (Z, the second)");
    }

    @Test
    void a_deadline_written_with_the_offset_meant_is_that_instant() {
        ObjectNode first = london(bundledJson());
        first.put("deadline", "2023-10-29T01:30+01:00");
        assertEquals(Instant.parse("2023-10-29T00:30:00Z"), loader.parse(first.toString(), "policy.json").deadlineInstant());
        ObjectNode second = london(bundledJson());
        second.put("deadline", "2023-10-29T01:30Z");
        assertEquals(Instant.parse("2023-10-29T01:30:00Z"), loader.parse(second.toString(), "policy.json").deadlineInstant());
        rejected(o -> london(o).put("deadline", "2023-10-29T01:30+05:00"), "deadline", "the offset +05:00 is not one Europe/London has");
    }

    @Test
    void a_send_time_that_does_not_exist_on_a_send_date_is_refused() {
        // A deadline on Sunday 26 March 2023 in London, weekends counting as send days before it: the deadline
        // notice goes out that Sunday, when 01:30 does not exist.
        rejected(o -> {
            london(o).put("deadline", "2023-03-26T12:00");
            ((ObjectNode) o.get("notices")).put("sendTime", "01:30");
        }, "notices.sendTime", "the stage 'deadline' is sent on 2023-03-26, and 2023-03-26T01:30 does not exist in Europe/London");
    }

    private ObjectNode london(ObjectNode o) {
        o.put("zone", "Europe/London").put("announcement", "2023-03-01");
        return o;
    }

    private static ArrayNode stages(ObjectNode o) {
        return (ArrayNode) o.get("notices").get("stages");
    }

    private InvalidInputException rejected(Consumer<ObjectNode> change, String field, String message) {
        ObjectNode o = bundledJson();
        change.accept(o);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> loader.parse(o.toString(), "policy.json"));
        assertTrue(e.problems().stream().anyMatch(p -> p.where().equals(field) && p.problem().contains(message)),
                () -> "expected '" + field + ": " + message + "' in " + e.getMessage());
        return e;
    }

    private ObjectNode bundledJson() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream("/policies/" + PolicyLoader.BUNDLED + ".json")) {
            return (ObjectNode) mapper.readTree(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
