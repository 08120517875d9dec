package org.appban.fleet.intune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.appban.json.Json;
import org.junit.jupiter.api.Test;

class ParkedDevicesTest {
    private static List<JsonNode> page(int from, int size) {
        return IntStream.range(from, from + size)
                .mapToObj(i -> (JsonNode) Json.object().put("id", "d-" + i).put("operatingSystem", "iOS").put("deviceName", "dropped"))
                .toList();
    }

    private static List<String> replayedIds(ParkedDevices parked, int pageSize) {
        List<String> ids = new ArrayList<>();
        for (List<JsonNode> page : parked.replay(pageSize)) {
            assertTrue(page.size() <= pageSize, "pages of at most " + pageSize);
            page.forEach(d -> ids.add(d.path("id").asText()));
        }
        return ids;
    }

    private static List<String> ids(int count) {
        return IntStream.range(0, count).mapToObj(i -> "d-" + i).toList();
    }

    @Test
    void a_few_pages_stay_in_memory_and_come_back_in_order_with_only_the_fields_the_inventory_reads() {
        try (ParkedDevices parked = new ParkedDevices()) {
            parked.park(page(0, 100));
            parked.park(page(100, 50));
            assertFalse(parked.onDisk());
            assertEquals(150, parked.count());
            assertEquals(ids(150), replayedIds(parked, 100));
            for (List<JsonNode> p : parked.replay(100)) p.forEach(d -> assertFalse(d.has("deviceName")));
        }
    }

    @Test
    void past_the_memory_allowance_every_parked_device_goes_to_disk_and_the_order_is_kept() {
        try (ParkedDevices parked = new ParkedDevices()) {
            int total = ParkedDevices.IN_MEMORY + 250;
            for (int from = 0; from < total; from += 100) parked.park(page(from, Math.min(100, total - from)));
            assertTrue(parked.onDisk());
            assertEquals(total, parked.count());
            assertEquals(ids(total), replayedIds(parked, 100));
        }
    }

    @Test
    void nothing_parked_replays_nothing() {
        try (ParkedDevices parked = new ParkedDevices()) {
            parked.park(List.of());
            assertEquals(List.of(), replayedIds(parked, 100));
        }
    }
}
