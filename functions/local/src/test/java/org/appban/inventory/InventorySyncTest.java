package org.appban.inventory;

import org.appban.lambda.inventory.InventorySyncHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.MdmKind;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.fleet.SimulatedFleet;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProInventory;
import org.appban.inventory.DeviceStatusChanged.Change;
import org.appban.policy.BanPolicy;
import org.appban.policy.BannedApp;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.RemoteFailure;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetMember;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Inventory sync over the Intune and Jamf simulators (real HTTP), with the sample fleet's scripted changes. */
class InventorySyncTest {
    private static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    private SimulatedFleet fleet;
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final RecordedDeviceEvents events = new RecordedDeviceEvents();
    private InventorySync sync;
    private List<FleetInventory> mdms;

    @BeforeEach
    void setUp() {
        fleet = SimulatedFleet.sample();
        for (FleetMember m : fleet.sims.world().fleet().members()) {
            // One member is left off the roster: their devices must be reported, not dropped.
            if (m.id().equals(fleet.sims.world().fleet().members().get(0).id())) continue;
            members.save(Member.active(m.id(), m.name(), m.email(), Role.parse(m.role()).orElseThrow()));
        }
        IntuneConnection intune = new IntuneConnection(fleet.sims.intune().baseUri(), fleet.sims.intune().baseUri(),
                Simulators.TENANT, Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET));
        mdms = List.of(
                new IntuneGraphInventory(new IntuneGraphClient(intune, fleet.options)),
                new JamfProInventory(new JamfProClient(JamfConnection.apiClient(fleet.sims.jamf().baseUri(),
                        Simulators.JAMF_CLIENT_ID, new Secret(Simulators.JAMF_CLIENT_SECRET)), fleet.options)));
        sync = new InventorySync(POLICY, mdms, members, devices, events, ledger, fleet.sims.clock());
    }

    @AfterEach
    void tearDown() {
        fleet.close();
    }

    private SyncReport syncNow() {
        return sync.run(Actor.schedule("inventory-hourly"), false);
    }

    @Test
    void the_first_sync_announces_every_enrolled_device_and_a_second_announces_nothing() {
        SyncReport first = syncNow();
        long enrolled = fleet.sims.world().devices().stream().filter(d -> d.enrolled()).count();
        assertEquals(enrolled, events.published().size());
        assertTrue(events.published().stream().allMatch(e -> e.change() == Change.NEW_DEVICE));
        assertEquals("synced", first.status());
        assertEquals(2, first.perMdm().size());

        events.clear();
        SyncReport second = syncNow();
        assertEquals(List.of(), events.published());
        assertEquals(0, second.saved());
    }

    /** What a Jamf webhook triggers: the hourly sync's work for the one device, read from Jamf by its id alone. */
    @Test
    void one_device_is_refreshed_as_the_hourly_sync_would_and_only_that_device_is_asked_for() {
        syncNow();
        events.clear();
        Device jamfIphone = devices.all().stream().filter(d -> d.mdm() == MdmKind.JAMF && d.isCorporate() && d.appPresence() == AppPresence.PRESENT)
                .findFirst().orElseThrow();
        var sim = fleet.sims.world().devices().stream().filter(d -> d.spec().mdm() == org.appban.sim.fleet.FleetDevice.Mdm.JAMF
                && Integer.toString(d.jamfId()).equals(jamfIphone.mdmId())).findFirst().orElseThrow();
        fleet.sims.world().removeApp(sim, "com.zhiliaoapp.musically");
        fleet.sims.world().checkInNow(sim);

        assertEquals(java.util.Optional.of("{app-disappeared=1}"), sync.refresh(MdmKind.JAMF, jamfIphone.mdmId(), Actor.event("jamf-webhook")));
        assertEquals(List.of(jamfIphone.id()), events.published().stream().map(e -> e.device()).toList());
        assertEquals(AppPresence.ABSENT, devices.find(jamfIphone.id()).orElseThrow().appPresence());
        List<org.appban.sim.http.RecordedRequest> listings = fleet.sims.jamf().requests().matching(r -> r.path().equals("/api/v2/mobile-devices/detail"));
        assertTrue(listings.get(listings.size() - 1).query().contains("mobileDeviceId"), "narrowed on the server to the one device");
        assertEquals(java.util.Optional.empty(), sync.refresh(MdmKind.JAMF, "9999", Actor.event("jamf-webhook")), "neither Jamf nor the store has it");
    }

    @Test
    void private_devices_are_stored_without_app_lists_and_corporate_ones_with_the_apps_presence() {
        syncNow();
        assertTrue(devices.all().stream().filter(Device::isPrivate).allMatch(d -> d.appPresence() == AppPresence.UNKNOWN));
        assertTrue(devices.all().stream().anyMatch(d -> d.isCorporate() && d.appPresence() == AppPresence.PRESENT));
        assertEquals(List.of(), fleet.sims.intune().appListsDisclosed().stream()
                .filter(id -> !fleet.device(id).corporate()).toList());
    }

    @Test
    void a_scripted_change_is_published_once_exactly_for_the_device_that_changed() {
        syncNow();
        events.clear();
        // The sample fleet has a corporate iPhone whose owner removes the app on 24 March, and a late enrolment on the 27th.
        fleet.sims.clock().set(Instant.parse("2023-03-28T00:00:00Z"));
        syncNow();
        Map<Change, List<String>> byChange = events.published().stream()
                .collect(Collectors.groupingBy(DeviceStatusChanged::change, Collectors.mapping(DeviceStatusChanged::device, Collectors.toList())));
        assertTrue(byChange.getOrDefault(Change.APP_DISAPPEARED, List.of()).stream().anyMatch(id -> id.equals(storeId("d12-corp-iphone-self-removes"))),
                byChange.toString());
        assertTrue(byChange.getOrDefault(Change.NEW_DEVICE, List.of()).contains(storeId("d14-corp-iphone-late-enrol")), byChange.toString());
        int published = events.published().size();
        assertEquals(published, events.published().stream().distinct().count());

        events.clear();
        syncNow();
        assertEquals(List.of(), events.published());
    }

    @Test
    void a_device_unenrolled_from_its_mdm_is_marked_gone_not_deleted() {
        syncNow();
        String id = storeId("d22-private-iphone-unenrols");
        fleet.sims.clock().advance(Duration.ofDays(16));
        events.clear();
        syncNow();
        assertTrue(events.published().stream().anyMatch(e -> e.change() == Change.DEVICE_GONE && e.device().equals(id)), events.published().toString());
        assertTrue(devices.find(id).orElseThrow().retired());
    }

    @Test
    void gone_devices_are_found_by_streaming_the_store_never_by_loading_it_whole() {
        syncNow();
        String id = storeId("d22-private-iphone-unenrols");
        // The same store, but one that refuses to hand over the whole inventory at once.
        org.appban.ports.DeviceStore streamingOnly = new org.appban.ports.DeviceStore() {
            public java.util.Optional<Device> find(String i) { return devices.find(i); }
            public Map<String, Device> findAll(java.util.Collection<String> ids) { return devices.findAll(ids); }
            public List<Device> ofOwner(String m) { return devices.ofOwner(m); }
            public List<Device> all() { throw new AssertionError("the sync loaded the whole devices table"); }
            public void forEach(java.util.function.Consumer<Device> action) { devices.all().forEach(action); }
            public void save(Device d) { devices.save(d); }
            public Map<String, org.appban.ports.DeviceStore.Listed> findListed(java.util.Collection<String> ids, boolean consistent) { return devices.findListed(ids, consistent); }
            public boolean saveListed(Device d, String source, long period, long was) { return devices.saveListed(d, source, period, was); }
            public org.appban.ports.DeviceStore.StalePage stale(String source, int shard, long before, String after, int limit) { return devices.stale(source, shard, before, after, limit); }
        };
        InventorySync streaming = new InventorySync(POLICY, mdms, members, streamingOnly, events, ledger, fleet.sims.clock());
        fleet.sims.clock().advance(Duration.ofDays(16));
        events.clear();
        SyncReport report = streaming.run(Actor.schedule("inventory-hourly"), false);
        assertEquals("synced", report.status());
        assertEquals(List.of(id), events.published().stream().filter(e -> e.change() == Change.DEVICE_GONE).map(DeviceStatusChanged::device).toList());
        assertTrue(devices.find(id).orElseThrow().retired());
        events.clear();
        streaming.run(Actor.schedule("inventory-hourly"), false);
        assertEquals(List.of(), events.published().stream().filter(e -> e.change() == Change.DEVICE_GONE).toList(), "gone once, not again");
    }

    @Test
    void an_mdm_whose_listing_fails_loses_none_of_its_devices_while_the_others_are_synced_in_one_pass_over_the_store() {
        syncNow();
        String gone = storeId("d22-private-iphone-unenrols");
        MdmKind goneFrom = devices.find(gone).orElseThrow().mdm();
        FleetInventory failing = new FleetInventory() {
            @Override
            public MdmKind mdm() {
                return goneFrom == MdmKind.INTUNE ? MdmKind.JAMF : MdmKind.INTUNE;
            }

            @Override
            public Stream<InventoriedDevice> devices(BannedApp app) {
                return Stream.generate(() -> {
                    throw new RemoteFailure(RemoteFailure.Kind.THROTTLED, mdm().wireName(), "list devices", 429, "still throttled");
                });
            }
        };
        List<FleetInventory> oneFailing = mdms.stream().map(m -> m.mdm() == failing.mdm() ? failing : m).toList();
        AtomicInteger passes = new AtomicInteger();
        org.appban.ports.DeviceStore counting = new org.appban.ports.DeviceStore() {
            public java.util.Optional<Device> find(String i) { return devices.find(i); }
            public Map<String, Device> findAll(java.util.Collection<String> ids) { return devices.findAll(ids); }
            public List<Device> ofOwner(String m) { return devices.ofOwner(m); }
            public List<Device> all() { throw new AssertionError("the sync loaded the whole devices table"); }
            public void forEach(java.util.function.Consumer<Device> action) { passes.incrementAndGet(); devices.all().forEach(action); }
            public void save(Device d) { devices.save(d); }
            public Map<String, org.appban.ports.DeviceStore.Listed> findListed(java.util.Collection<String> ids, boolean consistent) { return devices.findListed(ids, consistent); }
            public boolean saveListed(Device d, String source, long period, long was) { return devices.saveListed(d, source, period, was); }
            public org.appban.ports.DeviceStore.StalePage stale(String source, int shard, long before, String after, int limit) { return devices.stale(source, shard, before, after, limit); }
        };
        fleet.sims.clock().advance(Duration.ofDays(16));
        events.clear();

        SyncReport report = new InventorySync(POLICY, oneFailing, members, counting, events, ledger, fleet.sims.clock())
                .run(Actor.schedule("inventory-hourly"), false);

        assertEquals("partial", report.status());
        assertEquals(1, passes.get(), "the stored devices are read once for the whole sync");
        assertEquals(List.of(gone), events.published().stream().filter(e -> e.change() == Change.DEVICE_GONE).map(DeviceStatusChanged::device).toList());
        assertTrue(devices.all().stream().filter(d -> d.mdm() == failing.mdm()).noneMatch(Device::retired),
                "nothing of the MDM that could not be listed is gone");
    }

    @Test
    void a_device_whose_owner_is_not_on_the_roster_is_stored_and_reported() {
        SyncReport report = syncNow();
        String missing = fleet.sims.world().fleet().members().get(0).id();
        long theirs = fleet.sims.world().devices().stream().filter(d -> d.enrolled() && d.spec().owner().equals(missing)).count();
        assertEquals(theirs, report.unknownOwners().size());
        assertTrue(devices.all().stream().filter(d -> d.owner().startsWith(InventorySync.UNKNOWN)).count() >= theirs);
    }

    @Test
    void an_unknown_owner_is_recorded_in_the_ledger_once_however_many_syncs_report_it() {
        SyncReport first = syncNow();
        SyncReport second = syncNow();
        assertEquals(first.unknownOwners(), second.unknownOwners(), "still reported by every sync");
        List<String> recorded = ledger.chain("fleet").stream().filter(e -> e.record().action().equals("inventory.unknown-owner"))
                .map(e -> e.record().device()).toList();
        assertEquals(first.unknownOwners().stream().map(SyncReport.UnknownOwner::device).sorted().toList(), recorded.stream().sorted().toList());
    }

    @Test
    void a_dry_run_reports_changes_and_publishes_and_saves_nothing() {
        SyncReport report = sync.run(Actor.administrator("ana"), true);
        assertTrue(report.changes().get("new-device") > 0);
        assertEquals(List.of(), events.published());
        assertEquals(List.of(), devices.all());
        assertFalse(ledger.chains().iterator().hasNext());
    }

    private String storeId(String fleetId) {
        var d = fleet.device(fleetId);
        return (d.spec().mdm() == org.appban.sim.fleet.FleetDevice.Mdm.JAMF ? "jamf:" : "intune:") + SimulatedFleet.mdmId(d);
    }

    @Test
    void every_sample_event_in_events_inventory_sync_is_accepted() throws Exception {
        InventorySyncHandler handler = new InventorySyncHandler(sync);
        for (String file : List.of("schedule.json", "manual.json")) {
            byte[] event = java.nio.file.Files.readAllBytes(org.appban.testing.ProjectLayout.root().resolve(java.nio.file.Path.of("events", "inventory-sync", file)));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            handler.handleRequest(new java.io.ByteArrayInputStream(event), out, null);
            com.fasterxml.jackson.databind.JsonNode r = org.appban.json.Json.parse(out.toByteArray());
            assertEquals("synced", r.path("status").asText(), file + ": " + r);
        }
        // The manual sample is a dry run: only the scheduled one saved devices.
        assertTrue(!devices.all().isEmpty());
    }
}
