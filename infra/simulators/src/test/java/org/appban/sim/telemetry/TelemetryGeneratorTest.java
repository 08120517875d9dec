package org.appban.sim.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.appban.sim.SimClock;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.world.SimWorld;
import org.junit.jupiter.api.Test;

class TelemetryGeneratorTest {
    static final List<String> APPS = List.of("com.zhiliaoapp.musically", "com.ss.android.ugc.trill");
    static final List<String> DOMAINS = List.of("tiktok.com", "tiktokv.com", "tiktokcdn.com");
    private final Fleet fleet = new FleetLoader().bundled(FleetLoader.SAMPLE);
    private final SimClock clock = new SimClock(fleet.startsAt());
    private final SimWorld world = new SimWorld(fleet, clock);
    private final ObjectMapper json = new ObjectMapper();

    private Set<String> macsIn(List<String> lines) {
        return lines.stream().map(l -> {
            try {
                return json.readTree(l).path("mac").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toSet());
    }

    @Test
    void onlyDevicesThatCarryTheAppLookUpItsDomains() throws Exception {
        Instant from = fleet.startsAt();
        List<String> lines = new TelemetryGenerator(world, APPS, DOMAINS, 7).dns(from, from.plus(Duration.ofHours(3)), mac -> true);
        Set<String> macs = macsIn(lines);
        assertTrue(macs.contains("02:AB:00:00:00:1B"), "d25 keeps the app");
        assertTrue(macs.contains("02:AB:00:00:00:1A"), "d24 carries the regional variant");
        assertFalse(macs.contains("02:AB:00:00:00:09"), "d08 never had it");
        assertFalse(macs.contains("02:AB:00:00:00:22"), "d34's private phone is clean");
        JsonNode first = json.readTree(lines.get(0));
        assertEquals("dns", first.path("log").asText());
        assertTrue(DOMAINS.stream().anyMatch(d -> first.path("query").asText().endsWith(d)), first.toString());
        Instant t = Instant.parse(first.path("time").asText());
        assertFalse(t.isBefore(from));
        List<Instant> times = lines.stream().map(l -> Instant.parse(l.replaceAll(".*\"time\":\"([^\"]+)\".*", "$1"))).toList();
        assertEquals(times.stream().sorted().toList(), times, "in time order");
    }

    @Test
    void aDeviceIsSeenWhileItHadTheAppAndNotAfterItsOwnerRemovedIt() {
        // d09 removes the app on 2023-03-29 20:00 NZDT (07:00Z).
        clock.set(Instant.parse("2023-03-30T12:00:00Z"));
        TelemetryGenerator g = new TelemetryGenerator(world, APPS, DOMAINS, 7);
        assertTrue(macsIn(g.dns(Instant.parse("2023-03-29T04:00:00Z"), Instant.parse("2023-03-29T06:00:00Z"), m -> true)).contains("02:AB:00:00:00:0A"));
        assertFalse(macsIn(g.dns(Instant.parse("2023-03-29T08:00:00Z"), Instant.parse("2023-03-29T12:00:00Z"), m -> true)).contains("02:AB:00:00:00:0A"));
    }

    @Test
    void aDeviceOffTheNetworkIsNotSeen() {
        Instant from = fleet.startsAt();
        List<String> lines = new TelemetryGenerator(world, APPS, DOMAINS, 7).dns(from, from.plus(Duration.ofHours(2)), mac -> !mac.equals("02:AB:00:00:00:1B"));
        assertFalse(macsIn(lines).contains("02:AB:00:00:00:1B"));
    }

    @Test
    void theSameSeedMakesTheSameLog() {
        Instant from = fleet.startsAt();
        assertEquals(new TelemetryGenerator(world, APPS, DOMAINS, 42).dns(from, from.plus(Duration.ofHours(2)), m -> true),
                new TelemetryGenerator(world, APPS, DOMAINS, 42).dns(from, from.plus(Duration.ofHours(2)), m -> true));
    }
}
