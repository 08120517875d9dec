package org.appban.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.appban.domain.LedgerEntry;
import org.appban.json.Json;
import org.appban.ledger.ChainVerifier;
import org.appban.ledger.LedgerJson;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The next ban is another policy file, not another build: a council in Europe/London bans WeChat, with its own
 * stages, send time, grace and quiet periods, and a deadline the day after the clocks go forward. The fleet is the
 * sample fleet's story moved to that ban (its times shifted by the distance between the two deadlines, its TikTok
 * installs turned into WeChat ones), so the same people do the same things relative to the deadline.
 */
class AnotherBanRehearsalIT {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final Set<String> SCHEDULED = Set.of("announcement", "reminder", "deadline", "overdue");
    @TempDir
    static Path dir;
    static BanPolicy policy;
    static JsonNode report;
    static String timeline;

    @BeforeAll
    static void rehearse() throws Exception {
        policy = new PolicyLoader().load(Path.of("src/test/resources/another-ban/policy.json"));
        BanPolicy original = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
        Fleet fleet = movedTo(policy, original);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new Rehearsal(new Rehearsal.Options(policy, fleet, dir, policy.deadlineInZone().plusDays(14).toInstant()),
                new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        timeline = printed.toString(StandardCharsets.UTF_8);
        report = Json.parse(dir.resolve("report.json"));
    }

    /** The sample fleet, its instants shifted from the bundled deadline to this one and its app made this policy's. */
    static Fleet movedTo(BanPolicy policy, BanPolicy original) throws Exception {
        Duration shift = Duration.between(original.deadlineInZone().toInstant(), policy.deadlineInZone().toInstant());
        String text = new String(FleetLoader.class.getResourceAsStream("/fleets/" + FleetLoader.SAMPLE + ".json").readAllBytes(), StandardCharsets.UTF_8)
                .replace("parliament.govt.nz", "council.example.gov.uk").replace("TikTok", "WeChat");
        ObjectNode fleet = (ObjectNode) Json.parse(text);
        shiftInstants(fleet, shift);
        // The story starts on the announcement day before its send time, as the sample fleet does for its own policy.
        fleet.put("startsAt", policy.announcement().atStartOfDay(policy.zone()).toOffsetDateTime()
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmxxx")));
        Map<String, String> platformOf = new HashMap<>();
        for (JsonNode d : fleet.path("devices")) {
            platformOf.put(d.path("id").asText(), d.path("platform").asText());
            ArrayNode apps = (ArrayNode) d.path("apps");
            for (int i = 0; i < apps.size(); i++) {
                if (isBanned(original, apps.get(i).asText())) apps.set(i, TextNode.valueOf(banned(policy, d.path("platform").asText())));
            }
        }
        for (JsonNode e : fleet.path("events")) {
            if (e.has("app") && isBanned(original, e.path("app").asText())) {
                ((ObjectNode) e).put("app", banned(policy, platformOf.get(e.path("device").asText())));
            }
        }
        ArrayNode catalog = (ArrayNode) fleet.path("catalog");
        for (String id : List.of("com.tencent.xin", "com.tencent.mm")) {
            catalog.addObject().put("identifier", id).put("name", "WeChat").put("publisher", "Tencent Holdings Ltd.");
        }
        return new FleetLoader().parse(Json.write(fleet), "sample fleet moved to " + policy.id());
    }

    private static boolean isBanned(BanPolicy policy, String identifier) {
        return policy.app().identifiers().values().stream().anyMatch(ids -> ids.contains(identifier));
    }

    private static String banned(BanPolicy policy, String platform) {
        return policy.app().identifiers().entrySet().stream()
                .filter(e -> e.getKey().name().equalsIgnoreCase(platform)).findFirst().orElseThrow().getValue().get(0);
    }

    private static void shiftInstants(JsonNode node, Duration shift) {
        if (node instanceof ObjectNode o) {
            for (String field : List.copyOf(iterable(o))) {
                JsonNode v = o.get(field);
                if (v.isTextual() && Set.of("at", "startsAt", "expires", "leavesAt").contains(field)) {
                    OffsetDateTime moved = OffsetDateTime.parse(v.asText()).plus(shift).atZoneSameInstant(LONDON).toOffsetDateTime();
                    o.put(field, moved.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmxxx")));
                } else {
                    shiftInstants(v, shift);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (JsonNode v : a) shiftInstants(v, shift);
        }
    }

    private static List<String> iterable(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Instant at(JsonNode entry) {
        return ReportReading.at(entry);
    }

    /**
     * Each stage's round goes out at 08:30 London time, before the clocks change (GMT) and after (BST). A member whose
     * device turns up later gets the stage they missed at once (the catch-up), so a few notices of a round are later.
     */
    @Test
    void scheduled_notices_go_out_at_the_policys_send_time_in_london_on_both_sides_of_the_clock_change() {
        Map<String, List<java.time.ZonedDateTime>> byStage = new TreeMap<>();
        for (JsonNode e : report.path("emails")) {
            if (SCHEDULED.contains(e.path("kind").asText())) {
                byStage.computeIfAbsent(e.path("stage").asText(), k -> new ArrayList<>()).add(at(e).atZone(LONDON));
            }
        }
        LocalTime send = policy.notices().sendTime();
        Set<String> offsets = new java.util.TreeSet<>();
        for (var stage : byStage.entrySet()) {
            List<java.time.ZonedDateTime> sent = stage.getValue().stream().sorted().toList();
            java.time.ZonedDateTime round = sent.get(0);
            assertFalse(round.toLocalTime().isBefore(send), stage.getKey() + " round before 08:30 London time: " + round);
            assertTrue(round.toLocalTime().isBefore(send.plusHours(1)), stage.getKey() + " round long after 08:30 London time: " + round);
            long inRound = sent.stream().filter(t -> t.toLocalDate().equals(round.toLocalDate()) && t.toLocalTime().isBefore(send.plusHours(1))).count();
            assertTrue(inRound * 10 >= sent.size() * 8, stage.getKey() + ": only " + inRound + " of " + sent.size() + " in the round at " + round);
            offsets.add(round.getOffset().getId());
        }
        assertEquals(Set.of("Z", "+01:00"), offsets, "rounds before the clocks went forward (GMT) and after (BST)");
        assertTrue(timeline.contains("GMT") && timeline.contains("BST"), "the timeline is in London time");
    }

    @Test
    void the_stages_are_this_policys_and_each_member_gets_each_scheduled_stage_once() {
        Set<String> stages = new java.util.TreeSet<>();
        Set<String> seen = new java.util.HashSet<>();
        for (JsonNode e : report.path("emails")) {
            if (!SCHEDULED.contains(e.path("kind").asText())) continue;
            stages.add(e.path("stage").asText());
            assertTrue(seen.add(e.path("member").asText() + "/" + e.path("stage").asText()), "sent twice: " + e);
        }
        assertEquals(Set.of("announcement", "reminder-5d", "deadline", "overdue"), stages);
    }

    @Test
    void every_notice_names_this_ban_and_nothing_of_the_other_one() throws Exception {
        int read = 0;
        for (JsonNode e : report.path("emails")) {
            String message = Files.readString(dir.resolve(e.path("file").asText()), StandardCharsets.UTF_8);
            // Quoted-printable soft breaks joined, folded header lines unfolded.
            String decoded = message.replace("=\r\n", "").replaceAll("\r\n[ \t]+", " ");
            for (String foreign : List.of("TikTok", "Parliament", "parliament", "Pacific/Auckland", "NZDT", "NZST", "+64 4")) {
                assertFalse(decoded.contains(foreign), foreign + " in " + e.path("file").asText());
            }
            assertTrue(decoded.contains("WeChat"), "the app is named in " + e.path("file").asText());
            assertTrue(decoded.contains("From: Example Borough Council Information Security <information-security@council.example.gov.uk>"),
                    "the policy's sender in " + e.path("file").asText());
            read++;
        }
        assertTrue(read > 20, "notices read: " + read);
    }

    @Test
    void corporate_removal_starts_at_this_deadline_and_leaves_every_manageable_corporate_device_clean() {
        Instant deadline = policy.deadlineInZone().toInstant();
        boolean removed = false;
        for (JsonNode a : report.path("actions")) {
            String kind = a.path("kind").asText();
            if (!kind.startsWith("enforce.") || a.path("dryRun").asBoolean()) continue;
            if (kind.equals("enforce.not-blockable")) continue;
            assertFalse(at(a).isBefore(deadline), "acted before the deadline: " + a);
            removed = true;
        }
        assertTrue(removed, "no enforcement action on record");
        for (JsonNode d : report.path("devices")) {
            if (!d.path("ownership").asText().equals("corporate") || d.path("exempt").asBoolean()) continue;
            if (d.path("id").asText().contains("unsupervised")) continue;
            assertFalse(d.path("hasApp").asBoolean(), d.path("id").asText() + " still has WeChat: " + d);
        }
    }

    @Test
    void private_devices_lose_network_access_only_after_this_policys_grace_and_are_released_when_they_comply() {
        Instant graceEnds = policy.deadlineInZone().plusDays(policy.privateDevices().graceDays()).toInstant();
        int quarantines = 0;
        for (JsonNode a : report.path("actions")) {
            if (!a.path("kind").asText().equals("nac.quarantined") || a.path("dryRun").asBoolean()) continue;
            assertFalse(at(a).isBefore(graceEnds), "quarantined before deadline + 5 days: " + a);
            quarantines++;
        }
        assertTrue(quarantines > 0, "nobody was quarantined");
        assertEquals("quarantined", device("d24-private-android").path("networkAccess").asText());
        assertEquals("allowed", device("d18-private-iphone").path("networkAccess").asText(), "released after removing the app");
        for (JsonNode d : report.path("devices")) {
            if (d.path("exempt").asBoolean()) assertEquals("allowed", d.path("networkAccess").asText(), d.toString());
        }
    }

    @Test
    void the_ledger_verifies() throws Exception {
        LedgerJson codec = new LedgerJson();
        Map<String, List<LedgerEntry>> chains = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("ledger.jsonl"))) {
            LedgerEntry e = codec.fromJson(Json.parse(line));
            chains.computeIfAbsent(e.chain(), c -> new ArrayList<>()).add(e);
        }
        ChainVerifier verifier = new ChainVerifier();
        chains.forEach((chain, entries) -> assertTrue(verifier.verify(chain, entries).intact(), chain));
    }

    private static JsonNode device(String fleetId) {
        return ReportReading.device(report, fleetId);
    }
}
