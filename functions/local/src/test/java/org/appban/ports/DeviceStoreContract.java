package org.appban.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.appban.domain.MacAddress;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link DeviceStore} does. Subclasses supply an empty store per test. */
public abstract class DeviceStoreContract {
    private DeviceStore store;

    /** A new, empty store; called before each test. */
    protected abstract DeviceStore newStore();

    @BeforeEach
    void freshStore() {
        store = newStore();
    }

    static Device corporatePhone(String id, String owner) {
        return new Device(id, owner, Ownership.CORPORATE, Platform.IOS, "iPhone 14", true, MdmKind.INTUNE,
                "intune-" + id, MacAddress.parse("AA:BB:CC:DD:EE:01"), AppPresence.PRESENT, ComplianceState.NONCOMPLIANT,
                Instant.parse("2023-03-20T21:15:30.123456789Z"), false);
    }

    static Device privatePhone(String id, String owner) {
        return new Device(id, owner, Ownership.PRIVATE, Platform.ANDROID, null, false, MdmKind.NONE,
                null, null, AppPresence.UNKNOWN, ComplianceState.UNKNOWN, null, false);
    }

    @Test
    void a_saved_device_is_found_by_id_with_every_field() {
        Device device = corporatePhone("d-1", "m-1");
        store.save(device);
        assertEquals(Optional.of(device), store.find("d-1"));
    }

    @Test
    void a_device_with_nothing_optional_known_reads_back_with_those_fields_empty() {
        Device device = privatePhone("d-2", "m-1");
        store.save(device);
        assertEquals(Optional.of(device), store.find("d-2"));
    }

    @Test
    void a_listed_device_keeps_its_owners_address_fingerprint_with_its_stamp_and_loses_both_together() {
        Device device = corporatePhone("d-9", "m-1");
        assertTrue(store.saveListed(device, "intune", 7, 0, "0a1b2c3d.4e5f6a7b"));
        DeviceStore.Listed listed = store.findListed(List.of("d-9"), true).get("d-9");
        assertEquals(7, listed.period());
        assertEquals("0a1b2c3d.4e5f6a7b", listed.owner());
        assertTrue(store.saveListed(device, "intune", 8, 7));
        assertEquals(null, store.findListed(List.of("d-9"), true).get("d-9").owner(), "a write without one keeps none");
        assertTrue(store.saveListed(device, "intune", 9, 8, "0a1b2c3d.4e5f6a7b"));
        store.save(device.withCompliance(ComplianceState.COMPLIANT));
        DeviceStore.Listed plain = store.findListed(List.of("d-9"), true).get("d-9");
        assertEquals(0, plain.period());
        assertEquals(null, plain.owner(), "a plain save (the webhook's) drops the stamp and the fingerprint: the next listing asks again");
    }

    @Test
    void an_unknown_id_finds_nothing() {
        assertEquals(Optional.empty(), store.find("no-such-device"));
    }

    @Test
    void saving_a_device_again_replaces_it() {
        Device device = corporatePhone("d-1", "m-1");
        store.save(device);
        Device updated = device.withAppPresence(AppPresence.ABSENT).withCompliance(ComplianceState.COMPLIANT).withRetired(true);
        store.save(updated);
        assertEquals(Optional.of(updated), store.find("d-1"));
        assertEquals(List.of(updated), store.all());
    }

    @Test
    void a_members_devices_are_theirs_only_in_id_order() {
        store.save(corporatePhone("d-3", "m-1"));
        store.save(privatePhone("d-1", "m-1"));
        store.save(corporatePhone("d-2", "m-2"));
        assertEquals(List.of("d-1", "d-3"), store.ofOwner("m-1").stream().map(Device::id).toList());
        assertEquals(List.of("d-2"), store.ofOwner("m-2").stream().map(Device::id).toList());
        assertTrue(store.ofOwner("m-9").isEmpty());
    }

    @Test
    void a_device_that_changes_owner_is_listed_under_its_new_owner_only() {
        store.save(corporatePhone("d-1", "m-1"));
        store.save(corporatePhone("d-1", "m-2"));
        assertTrue(store.ofOwner("m-1").isEmpty());
        assertEquals(List.of("d-1"), store.ofOwner("m-2").stream().map(Device::id).toList());
    }

    @Test
    void all_lists_every_device_once_in_id_order() {
        for (String id : List.of("d-b", "d-c", "d-a")) store.save(privatePhone(id, "m-1"));
        assertEquals(List.of("d-a", "d-b", "d-c"), store.all().stream().map(Device::id).toList());
    }

    @Test
    void the_devices_with_a_mac_are_found_by_it_retired_ones_too_and_not_after_it_changed() {
        Device a = corporatePhone("d-1", "m-1");
        Device b = corporatePhone("d-2", "m-2").withRetired(true);
        store.save(a);
        store.save(b);
        store.save(privatePhone("d-3", "m-1"));
        MacAddress mac = a.macAddress();
        assertEquals(java.util.Set.of("d-1", "d-2"), store.idsWithMac(mac));
        MacAddress other = MacAddress.parse("AA:BB:CC:DD:EE:02");
        store.save(new Device("d-1", "m-1", a.ownership(), a.platform(), a.model(), a.supervised(), a.mdm(), a.mdmId(), other,
                a.appPresence(), a.compliance(), a.lastSeen(), a.retired()));
        assertEquals(java.util.Set.of("d-2"), store.idsWithMac(mac));
        assertEquals(java.util.Set.of("d-1"), store.idsWithMac(other));
        assertTrue(store.idsWithMac(MacAddress.parse("AA:BB:CC:DD:EE:09")).isEmpty());
    }

    @Test
    void the_parts_pages_together_hold_every_device_once_and_a_cursor_resumes_at_the_next_device_of_its_part() {
        java.util.Set<String> saved = new java.util.TreeSet<>();
        for (int i = 0; i < 23; i++) {
            store.save(corporatePhone(String.format("d-%02d", i), "m-" + (i % 5)));
            saved.add(String.format("d-%02d", i));
        }
        java.util.List<String> seen = new java.util.ArrayList<>();
        java.util.Map<Integer, java.util.List<String>> byPart = new java.util.TreeMap<>();
        for (int part = 0; part < 3; part++) {
            String after = null;
            for (int pages = 0; pages < 50; pages++) {
                DeviceStore.Page page = store.page(part, 3, after, 4);
                assertTrue(page.devices().size() <= 4);
                for (Device d : page.devices()) {
                    seen.add(d.id());
                    byPart.computeIfAbsent(part, k -> new java.util.ArrayList<>()).add(d.id());
                }
                if (page.last()) break;
                if (!page.devices().isEmpty()) after = page.devices().get(page.devices().size() - 1).id();
            }
        }
        assertEquals(saved, new java.util.TreeSet<>(seen), "the parts together are the inventory");
        assertEquals(seen.size(), saved.size(), "no device is in two parts or two pages");
        // A cursor is a position in the part: the next page starts at the device after it (AccessRoundIT deletes the
        // cursor's device on the emulator and finds the same).
        java.util.List<String> part0 = byPart.get(0);
        assertTrue(part0.size() >= 2, "the split gives part 0 at least two devices: " + byPart);
        DeviceStore.Page resumed = store.page(0, 3, part0.get(0), 100);
        assertEquals(part0.subList(1, part0.size()), resumed.devices().stream().map(Device::id).toList());
    }

    @Test
    void finds_many_devices_at_once_across_batches_and_leaves_out_unknown_ids() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 130; i++) {
            store.save(corporatePhone("batch-" + i, "m" + (i % 7)));
            ids.add("batch-" + i);
        }
        ids.add("never-stored");
        java.util.Map<String, Device> found = store.findAll(ids);
        assertEquals(130, found.size());
        assertEquals("m3", found.get("batch-10").owner());
        assertTrue(!found.containsKey("never-stored"));
    }
}
