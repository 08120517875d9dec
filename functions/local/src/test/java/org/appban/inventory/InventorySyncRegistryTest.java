package org.appban.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.appban.domain.MacAddress;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.MdmKind;
import org.appban.domain.Member;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.SimulatedFleet;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProInventory;
import org.appban.inventory.DeviceStatusChanged.Change;
import org.appban.network.RegisteredDevices;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.fleet.FleetMember;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Inventory sync with the NAC's device registry: the Intune, Jamf and ISE simulators over real HTTP, sample fleet.
 * Private devices no MDM enrols are known from the endpoint their owner registered in ISE.
 */
class InventorySyncRegistryTest {
    private static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    private static final String D10 = "nac:02ab0000000b";
    private static final String D17 = "nac:02ab00000013";
    private static final String D25 = "nac:02ab0000001b";
    private static final String SHARED = "nac:daa1195e0001";
    private SimulatedFleet fleet;
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final RecordedDeviceEvents events = new RecordedDeviceEvents();
    private List<FleetInventory> mdms;
    private CiscoIseNetworkAccess ise;

    @BeforeEach
    void setUp() {
        fleet = SimulatedFleet.sample();
        for (FleetMember m : fleet.sims.world().fleet().members()) {
            // m10 is left off the roster: the device they registered must be reported, not dropped.
            if (m.id().equals("m10")) continue;
            members.save(Member.active(m.id(), m.name(), m.email(), Role.parse(m.role()).orElseThrow()));
        }
        IntuneConnection intune = new IntuneConnection(fleet.sims.intune().baseUri(), fleet.sims.intune().baseUri(),
                Simulators.TENANT, Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET));
        mdms = List.of(
                new IntuneGraphInventory(new IntuneGraphClient(intune, fleet.options)),
                new JamfProInventory(new JamfProClient(JamfConnection.apiClient(fleet.sims.jamf().baseUri(),
                        Simulators.JAMF_CLIENT_ID, new Secret(Simulators.JAMF_CLIENT_SECRET)), fleet.options)));
        ise = new CiscoIseNetworkAccess(new IseConnection(fleet.sims.ise().baseUri(), Simulators.ISE_USER,
                new Secret(Simulators.ISE_PASSWORD), "Quarantine"), fleet.options);
    }

    @AfterEach
    void tearDown() {
        fleet.close();
    }

    private SyncReport sync(RegisteredDevices registry, boolean dryRun) {
        return new InventorySync(POLICY, mdms, Optional.of(registry), members, devices, events, ledger, fleet.sims.clock())
                .run(Actor.schedule("inventory-hourly"), dryRun);
    }

    private Set<String> registryIds() {
        return devices.all().stream().filter(d -> d.id().startsWith(InventorySync.REGISTRY_PREFIX) && !d.retired())
                .map(Device::id).collect(Collectors.toSet());
    }

    @Test
    void private_devices_enrolled_nowhere_are_stored_from_the_endpoints_their_owners_registered() {
        SyncReport report = sync(ise, false);
        assertEquals("synced", report.status());
        // d10, d17, d25 and the shared MAC of d26/d27 (one endpoint); d28 has no MAC, so ISE does not know it.
        assertEquals(Set.of(D10, D17, D25, SHARED), registryIds());
        assertEquals(4, report.perMdm().get(InventorySync.REGISTRY));
        Device d25 = devices.find(D25).orElseThrow();
        assertEquals(new Device(D25, "m25", Ownership.PRIVATE, Platform.OTHER, null, false, MdmKind.NONE, null, MacAddress.parse("02:AB:00:00:00:1B"),
                AppPresence.UNKNOWN, ComplianceState.NOT_ENROLLED, fleet.sims.clock().instant(), false), d25);
        assertEquals("m26", devices.find(SHARED).orElseThrow().owner(), "the first registrant of a shared MAC");
        long enrolled = fleet.sims.world().devices().stream().filter(d -> d.enrolled()).count();
        assertEquals(enrolled + 4, events.published().stream().filter(e -> e.change() == Change.NEW_DEVICE).count());
    }

    @Test
    void a_device_an_mdm_enrols_is_not_stored_twice_and_corporate_endpoints_are_counted_not_stored() {
        SyncReport report = sync(ise, false);
        java.util.Map<String, String> managedMacOwners = new java.util.HashMap<>();
        fleet.sims.world().devices().stream().filter(d -> d.enrolled() && d.spec().mac() != null)
                .forEach(d -> managedMacOwners.put(d.spec().mac(), d.spec().owner()));
        for (Device d : devices.all()) {
            // A registered endpoint on an enrolled device's MAC is stored only when someone else registered it: a
            // second device on that address (the sample's d26 beside m27's enrolled iPad d27).
            if (d.id().startsWith(InventorySync.REGISTRY_PREFIX) && managedMacOwners.containsKey(d.macAddress().toString())) {
                assertFalse(managedMacOwners.get(d.macAddress().toString()).equals(d.owner()), d.toString());
            }
        }
        long corporateUnmanaged = fleet.sims.world().devices().stream()
                .filter(d -> d.present() && !d.enrolled() && d.corporate() && d.spec().mac() != null).count();
        assertEquals(corporateUnmanaged, (long) report.perMdm().getOrDefault(InventorySync.REGISTRY + "-unregistered", 0));
    }

    @Test
    void a_portal_user_who_is_not_a_member_is_reported_and_the_device_kept() {
        SyncReport report = sync(ise, false);
        String m10 = fleet.sims.world().fleet().member("m10").orElseThrow().email();
        assertTrue(report.unknownOwners().contains(new SyncReport.UnknownOwner(D10, m10)), report.unknownOwners().toString());
        assertEquals(InventorySync.UNKNOWN + m10, devices.find(D10).orElseThrow().owner());
    }

    @Test
    void a_second_sync_announces_nothing_and_an_endpoint_no_longer_listed_is_gone() {
        sync(ise, false);
        events.clear();
        assertEquals(0, sync(ise, false).saved());
        assertEquals(List.of(), events.published());

        RegisteredDevices withoutD10 = () -> ise.registered().filter(e -> !e.mac().equals(MacAddress.parse("02:AB:00:00:00:0B")));
        sync(withoutD10, false);
        assertEquals(List.of(Change.DEVICE_GONE), events.published().stream().map(DeviceStatusChanged::change).toList());
        assertEquals(D10, events.published().get(0).device());
        assertTrue(devices.find(D10).orElseThrow().retired());

        events.clear();
        sync(ise, false);
        assertEquals(List.of(Change.NEW_DEVICE), events.published().stream().map(DeviceStatusChanged::change).toList(), "back again");
    }

    @Test
    void a_registry_listing_that_fails_marks_nothing_gone() {
        sync(ise, false);
        events.clear();
        fleet.sims.ise().faults().serverErrors(1.0);
        SyncReport report = sync(ise, false);
        assertEquals("partial", report.status());
        assertTrue(report.failures().stream().anyMatch(f -> f.startsWith("nac: listing failed")), report.failures().toString());
        assertEquals(List.of(), events.published());
        assertEquals(Set.of(D10, D17, D25, SHARED), registryIds());
    }

    @Test
    void a_dry_run_stores_and_publishes_nothing() {
        SyncReport report = sync(ise, true);
        assertEquals(4, report.perMdm().get(InventorySync.REGISTRY));
        assertEquals(List.of(), events.published());
        assertNull(devices.find(D10).orElse(null));
    }

    @Test
    void the_fleets_unenrolled_private_devices_are_the_ones_found() {
        Set<String> expected = fleet.sims.world().devices().stream()
                .filter(d -> d.present() && !d.corporate() && d.spec().mdm() == FleetDevice.Mdm.NONE && d.spec().mac() != null)
                .map(d -> InventorySync.REGISTRY_PREFIX + d.spec().mac().replace(":", "").toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.toSet());
        sync(ise, false);
        assertEquals(expected, registryIds());
    }
}
