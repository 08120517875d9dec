package org.appban.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.policy.file.PolicyLoader;
import org.junit.jupiter.api.Test;

/** What reports list from a snapshot comes in one order, run after run: the digest and previews read the same each time. */
class FleetSnapshotTest {
    @Test
    void every_device_is_listed_by_id_whatever_order_the_owners_came_in() {
        Instant at = Instant.parse("2023-04-01T00:00:00Z");
        Map<String, List<Device>> byOwner = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 12; i >= 1; i--) {
            String id = String.format("intune:device-%02d", i);
            ids.add(0, id);
            byOwner.put("m" + i, List.of(new Device(id, "m" + i, Ownership.CORPORATE, Platform.IOS, "iPhone", true, MdmKind.INTUNE,
                    "device-" + i, MacAddress.parse(String.format("02:00:00:00:00:%02X", i)), AppPresence.PRESENT, ComplianceState.COMPLIANT,
                    at, false)));
        }
        FleetSnapshot snapshot = new FleetSnapshot(new PolicyLoader().bundled(PolicyLoader.BUNDLED), at, List.of(), byOwner, Map.of(), Map.of(), Set.of());
        assertEquals(ids, snapshot.allDevices().stream().map(Device::id).toList());
    }
}
