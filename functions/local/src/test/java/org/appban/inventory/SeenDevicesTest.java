package org.appban.inventory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeenDevicesTest {
    @Test
    void remembersEveryIdAddedAndNoOtherAcrossGrowth() {
        SeenDevices seen = new SeenDevices();
        for (int i = 0; i < 100_000; i++) seen.add("intune:" + i);
        for (int i = 0; i < 100_000; i++) assertTrue(seen.contains("intune:" + i), "intune:" + i);
        for (int i = 100_000; i < 200_000; i++) assertFalse(seen.contains("intune:" + i), "intune:" + i);
        assertFalse(seen.contains("jamf:1"));
    }

    @Test
    void addingTwiceIsHarmless() {
        SeenDevices seen = new SeenDevices();
        seen.add("jamf:7");
        seen.add("jamf:7");
        assertTrue(seen.contains("jamf:7"));
        assertFalse(seen.contains("jamf:8"));
    }
}
