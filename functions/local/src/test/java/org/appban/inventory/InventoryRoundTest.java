package org.appban.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.appban.domain.Device;
import org.appban.domain.LedgerEntry;
import org.appban.domain.MacAddress;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.fleet.SimulatedFleet;
import org.appban.fleet.SourcePage;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProInventory;
import org.appban.inventory.DeviceStatusChanged.Change;
import org.appban.json.Json;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.policy.BanPolicy;
import org.appban.policy.BannedApp;
import org.appban.policy.file.PolicyLoader;
import org.appban.ports.DeviceStore;
import org.appban.remote.RemoteFailure;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetMember;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.WorkEvents;
import org.appban.work.ContinuationGate;
import org.appban.work.ContinuationJson;
import org.appban.work.WorkBatch;
import org.appban.work.WorkSteps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hourly inventory sync as a round of queued steps, over the Intune, Jamf and ISE simulators (real HTTP, the
 * sample fleet) with the in-memory stores: cut by the time limit at any point, or killed part-way through a page and
 * its message delivered again, it ends with the stored fleet one uncut run stores and announces each change once;
 * a device its MDM stops listing is marked gone by the first complete listing of the next stamp period, and nothing
 * else is, whatever is retried or fails part-way; and the devices table is never read whole.
 */
class InventoryRoundTest {
    static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    static final String QUEUE = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-test-InventoryWork";
    static SimulatedFleet fleet;

    @BeforeAll
    static void start() {
        fleet = SimulatedFleet.sample();
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    /** The stores of one stack, fresh; the simulators are shared (the round only reads them). */
    static final class World {
        final InMemoryMemberStore members = new InMemoryMemberStore();
        final InMemoryDeviceStore stored = new InMemoryDeviceStore();
        final IndexedOnly devices = new IndexedOnly(stored);
        final InMemoryLedger ledger = new InMemoryLedger();
        final InMemoryClaims claims = new InMemoryClaims();
        final RecordedDeviceEvents events = new RecordedDeviceEvents();
        /** The gate's clock, apart from the simulators' so that a lease can run out without the fleet moving on. */
        final MutableClock gateClock = new MutableClock(Instant.parse("2026-12-07T00:00:00Z"));
        final Deque<String> queue = new ArrayDeque<>();
        final List<Map<String, Object>> lines = new ArrayList<>();
        final List<FleetInventory> mdms;
        InventoryRound round;
        int invocations;

        World() {
            this(UnaryMdms.none());
        }

        World(UnaryMdms wrap) {
            for (FleetMember m : fleet.sims.world().fleet().members()) {
                members.save(Member.active(m.id(), m.name(), m.email(), Role.parse(m.role()).orElseThrow()));
            }
            IntuneConnection intune = new IntuneConnection(fleet.sims.intune().baseUri(), fleet.sims.intune().baseUri(),
                    Simulators.TENANT, Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET));
            mdms = List.of(
                    wrap.apply(new IntuneGraphInventory(new IntuneGraphClient(intune, fleet.options))),
                    wrap.apply(new JamfProInventory(new JamfProClient(JamfConnection.apiClient(fleet.sims.jamf().baseUri(),
                            Simulators.JAMF_CLIENT_ID, new Secret(Simulators.JAMF_CLIENT_SECRET)), fleet.options))));
            roundOver(mdms);
        }

        void roundOver(List<FleetInventory> sources) {
            CiscoIseNetworkAccess ise = new CiscoIseNetworkAccess(new IseConnection(fleet.sims.ise().baseUri(), Simulators.ISE_USER,
                    new Secret(Simulators.ISE_PASSWORD), "Quarantine"), fleet.options);
            InventorySync sync = new InventorySync(POLICY, sources, Optional.of(ise), members, devices, events, ledger, fleet.sims.clock());
            int n = InventoryRound.sources(sync);
            ContinuationGate gate = new ContinuationGate(InventoryRound.KIND, QUEUE, ContinuationJson.JSON, claims, ledger, gateClock, c -> InventoryRound.check(c, n));
            round = new InventoryRound(sync, new WorkSteps(gate, queue::add), fleet.sims.clock());
        }

        /** Delivers until the queue is empty, each invocation with {@code budget()}'s time; a step that dies is delivered again. */
        void drain(Supplier<BooleanSupplier> budget) {
            for (int guard = 0; !queue.isEmpty(); guard++) {
                assertTrue(guard < 3000, "the round does not end");
                String body = queue.poll();
                invocations++;
                Map<String, Object> out;
                try {
                    out = round.steps(sqs(body), "req-" + invocations, 60_000, budget.get(), l -> { });
                } catch (Died d) {
                    // The invocation died: SQS delivers the message again after its visibility timeout, by when the
                    // dead holder's lease (its time left plus 30 s) has run out.
                    gateClock.advance(Duration.ofSeconds(91));
                    queue.addFirst(body);
                    continue;
                }
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> steps = (List<Map<String, Object>>) out.get("steps");
                lines.addAll(steps);
                assertEquals(List.of(), out.get("batchItemFailures"), "no step is given back: " + steps);
            }
        }

        /** What is stored: every device with its stamp. */
        Map<String, DeviceStore.Listed> fleetStored() {
            return new TreeMap<>(stored.findListed(stored.all().stream().map(Device::id).toList(), true));
        }

        /** Each change announced, as device and kind, sorted (a change announced twice shows twice). */
        List<String> announced() {
            return events.published().stream().map(e -> e.device() + " " + e.change()).sorted().toList();
        }

        List<String> gone() {
            return events.published().stream().filter(e -> e.change() == Change.DEVICE_GONE).map(DeviceStatusChanged::device).sorted().toList();
        }

        List<String> recorded(String action) {
            return ledger.chains().stream().flatMap(c -> ledger.chain(c).stream()).map(LedgerEntry::record)
                    .filter(r -> r.action().equals(action)).map(r -> r.idempotencyKey()).sorted().toList();
        }

        List<String> refusals() {
            return ledger.chains().stream().flatMap(c -> ledger.chain(c).stream()).map(LedgerEntry::record)
                    .filter(r -> r.action().equals(ContinuationGate.REFUSED)).map(r -> r.details().get("reason")).toList();
        }

        /** Runs one hourly round through: the schedule's start, then its steps. */
        void hourly(Supplier<BooleanSupplier> budget) {
            round.start("inventory-hourly");
            drain(budget);
        }
    }

    /** A wrapper of each MDM adapter a world lists through. */
    @FunctionalInterface
    interface UnaryMdms {
        FleetInventory apply(FleetInventory mdm);

        static UnaryMdms none() {
            return m -> m;
        }
    }

    static WorkBatch sqs(String body) {
        return WorkEvents.batch(UUID.randomUUID().toString(), body);
    }

    static Supplier<BooleanSupplier> unlimited() {
        return () -> () -> true;
    }

    /** A time limit reached after {@code k} looks at the clock, in every invocation. */
    static Supplier<BooleanSupplier> cutAfter(int k) {
        return () -> {
            int[] left = {k};
            return () -> left[0]-- > 0;
        };
    }

    @Test
    void a_round_cut_by_the_time_limit_at_every_point_stores_the_fleet_one_uncut_run_stores_and_announces_each_change_once() {
        World uncut = new World();
        uncut.hourly(unlimited());
        assertEquals(1, uncut.invocations, "uncut, the round is one step");
        Map<String, DeviceStore.Listed> expected = uncut.fleetStored();
        assertTrue(expected.size() > 20, "the sample fleet is stored: " + expected.keySet());
        assertTrue(expected.keySet().stream().anyMatch(id -> id.startsWith("nac:")), "with the registry's private devices");
        assertTrue(expected.values().stream().allMatch(l -> l.period() > 0), "every listed device carries the round's stamp");
        List<String> announced = uncut.announced();
        assertEquals(announced.stream().distinct().toList(), announced, "each change once");

        int steps = 0;
        for (int k = 1; ; k++) {
            World cut = new World();
            cut.hourly(cutAfter(k));
            String why = "cut after " + k + " looks at the clock";
            assertEquals(expected, cut.fleetStored(), why);
            assertEquals(announced, cut.announced(), why + ": each change announced once");
            assertEquals(uncut.recorded("inventory.new-device"), cut.recorded("inventory.new-device"), why);
            assertEquals(List.of(), cut.refusals(), why + ": nothing refused");
            assertEquals(1, cut.lines.stream().filter(l -> "part-done".equals(l.get("status"))).count(), why + ": finished once");
            if (k == 1) {
                steps = cut.invocations;
                // Two MDMs and the registry, each a listing and sixteen shards of stamps, two of those a step.
                assertTrue(steps >= 3 * 17 / 2, why + ": the cut hands on at every point (" + steps + " steps)");
            }
            if (cut.invocations == 1) break;
            assertTrue(k < 200, "a round that never fits one invocation");
        }
    }

    @Test
    void a_step_killed_part_way_through_a_page_and_delivered_again_ends_with_the_same_fleet() {
        World uncut = new World();
        uncut.hourly(unlimited());
        Map<String, DeviceStore.Listed> expected = uncut.fleetStored();
        int writes = expected.size();
        for (int n = 1; n <= writes; n += 3) {
            World w = new World();
            w.devices.dieAtWrite(n);
            w.hourly(cutAfter(5));
            String why = "killed at write " + n;
            assertEquals(expected, w.fleetStored(), why);
            // Announced before it is saved, a change a dead step announced is announced again (consumers
            // reconcile); recorded, it is recorded once.
            assertEquals(uncut.recorded("inventory.new-device"), w.recorded("inventory.new-device"), why);
            assertEquals(List.of(), w.refusals(), why);
        }
    }

    @Test
    void an_hour_later_in_the_same_period_nothing_is_written_and_nothing_is_gone() {
        World w = new World();
        w.hourly(unlimited());
        int written = w.devices.writes.get();
        // The same delivery of the schedule run twice: the same round, refused as a replay and recorded.
        w.round.start("inventory-hourly");
        w.drain(unlimited());
        assertEquals(List.of("replayed"), w.refusals());
        assertEquals(written, w.devices.writes.get(), "a replay writes nothing");

        // The next hour, the same period: the devices are stamped already, so only those the MDMs report changed (a
        // check-in since) are written, and their stamps stay the period's.
        Map<String, DeviceStore.Listed> before = w.fleetStored();
        atNextHour();
        w.events.clear();
        w.hourly(cutAfter(2));
        Map<String, DeviceStore.Listed> after = w.fleetStored();
        long changed = after.keySet().stream().filter(id -> !after.get(id).device().equals(before.get(id).device())).count();
        assertEquals(written + changed, w.devices.writes.get(), "an hour writes the devices that changed, and no others");
        assertTrue(changed < before.size() / 2, "most devices did not change in the hour: " + changed);
        assertEquals(before.keySet(), after.keySet());
        assertTrue(after.values().stream().allMatch(l -> l.period() == before.values().iterator().next().period()), "the same period's stamps");
        assertEquals(List.of(), w.gone());
    }

    @Test
    void a_device_its_mdm_stops_listing_is_gone_at_the_next_periods_first_complete_listing_and_nothing_else_is() {
        earlyNextDay();
        Hiding hiding = new Hiding();
        World w = new World(hiding::wrap);
        w.hourly(unlimited());
        Device vanishing = w.stored.all().stream().filter(d -> d.id().startsWith("intune:") && !d.retired()).findFirst().orElseThrow();
        hiding.hidden.add(vanishing.mdmId());
        w.events.clear();

        // Later the same day (the period the listing stamped it in): late, by design, and never falsely.
        atNextHour();
        w.hourly(cutAfter(3));
        assertEquals(List.of(), w.gone(), "within the period nothing is marked gone");

        // The next period: its first complete listing finds it, and only it, though every step was cut.
        fleet.sims.clock().advance(Duration.ofDays(1));
        w.events.clear();
        w.hourly(cutAfter(2));
        assertEquals(List.of(vanishing.id()), w.gone());
        assertTrue(w.stored.find(vanishing.id()).orElseThrow().retired());
        assertEquals(1, w.recorded("inventory.device-gone").size());

        // An hour on, nothing more: the candidates left the index when they were marked.
        atNextHour();
        w.events.clear();
        w.hourly(unlimited());
        assertEquals(List.of(), w.gone());
    }

    @Test
    void a_listing_that_fails_part_way_marks_nothing_of_its_mdm_gone_and_the_next_complete_one_does() {
        earlyNextDay();
        Hiding hiding = new Hiding();
        World w = new World(hiding::wrap);
        w.hourly(unlimited());
        Device vanishing = w.stored.all().stream().filter(d -> d.id().startsWith("jamf:") && !d.retired()).findFirst().orElseThrow();
        hiding.hidden.add(vanishing.mdmId());
        fleet.sims.clock().advance(Duration.ofDays(1));
        w.events.clear();

        hiding.failAfterPages = 0;
        w.lines.clear();
        w.hourly(cutAfter(2));
        assertEquals(List.of(), w.gone(), "a failed listing says nothing of the devices it did not reach");
        assertTrue(w.lines.stream().anyMatch(l -> l.containsKey("failures")), "the failure is reported: " + w.lines);
        assertEquals(1, w.lines.stream().filter(l -> "part-done".equals(l.get("status"))).count(), "the round still ends, normally");

        hiding.failAfterPages = -1;
        atNextHour();
        w.hourly(unlimited());
        assertEquals(List.of(vanishing.id()), w.gone());
    }

    @Test
    void a_message_that_is_malformed_from_another_stage_or_a_replay_is_refused_recorded_and_not_run() {
        World w = new World();
        w.hourly(unlimited());
        int written = w.devices.writes.get();
        String round = "inventory-hourly/" + InventoryRound.name(fleet.sims.clock().instant());
        w.queue.add("{\"continue\":\"inventory-round\",\"queue\":\"" + QUEUE + "\",\"round\":\"" + round + "\",\"part\":0,\"parts\":1,\"step\":1}");
        w.queue.add("{\"continue\":\"inventory-round\",\"queue\":\"" + QUEUE + "\",\"round\":\"" + round + "\",\"part\":0,\"parts\":1,\"step\":2,\"cursor\":\"9|L|\"}");
        w.queue.add("{\"continue\":\"inventory-round\",\"queue\":\"" + QUEUE + "\",\"round\":\"inventory-hourly/2026-12-07T20\",\"part\":0,\"parts\":1,\"step\":2,\"cursor\":\"0|L|\"}");
        w.queue.add("{\"continue\":\"inventory-round\",\"queue\":\"" + QUEUE + "\",\"round\":\"" + round + "\",\"part\":0,\"parts\":1,\"step\":2,\"cursor\":\"0|S|99|\"}");
        w.queue.add("{\"continue\":\"inventory-round\",\"queue\":\"https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-prod-InventoryWork\",\"round\":\""
                + round + "\",\"part\":0,\"parts\":1,\"step\":2,\"cursor\":\"0|L|\"}");
        w.queue.add("not json");
        w.drain(unlimited());
        assertEquals(List.of("replayed", "malformed", "malformed", "malformed", "other-stage", "malformed"), w.refusals());
        assertEquals(written, w.devices.writes.get(), "nothing refused ran");
    }

    @Test
    void the_jamf_listing_pages_by_its_own_page_numbers_and_asks_for_the_apps_of_a_pages_institutional_devices_only() {
        World w = new World();
        FleetInventory jamf = w.mdms.get(1);
        try (FleetInventory.Listing listing = jamf.listing(POLICY.app())) {
            List<InventoriedDevice> paged = new ArrayList<>();
            String cursor = null;
            do {
                SourcePage<InventoriedDevice> page = listing.page(cursor);
                paged.addAll(page.items());
                cursor = page.next();
            } while (cursor != null);
            try (Stream<InventoriedDevice> all = jamf.devices(POLICY.app())) {
                assertEquals(all.sorted(java.util.Comparator.comparing(InventoriedDevice::deviceId)).toList(),
                        paged.stream().sorted(java.util.Comparator.comparing(InventoriedDevice::deviceId)).toList(),
                        "the pages are the listing");
            }
        }
    }

    /** Moves the simulators' clock to 01:00 UTC of the next day: a new period with hours of it ahead. */
    static void earlyNextDay() {
        Instant now = fleet.sims.clock().instant();
        fleet.sims.clock().set(now.truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofHours(25)));
    }

    /** Moves the simulators' clock to the start of the next hour (a new round). */
    static void atNextHour() {
        Instant now = fleet.sims.clock().instant();
        fleet.sims.clock().set(now.truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(Duration.ofHours(1)));
    }

    /** MDMs that stop reporting some devices (by their MDM id), and whose listing can fail after some pages. */
    static final class Hiding {
        final Set<String> hidden = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile int failAfterPages = -1;

        FleetInventory wrap(FleetInventory mdm) {
            return new FleetInventory() {
                @Override
                public org.appban.domain.MdmKind mdm() {
                    return mdm.mdm();
                }

                @Override
                public Stream<InventoriedDevice> devices(BannedApp app) {
                    return mdm.devices(app).filter(d -> !hidden.contains(d.mdmId()));
                }

                @Override
                public Listing listing(BannedApp app) {
                    Listing inner = mdm.listing(app);
                    AtomicInteger pages = new AtomicInteger();
                    return new Listing() {
                        @Override
                        public SourcePage<InventoriedDevice> page(String cursor) {
                            if (failAfterPages >= 0 && pages.getAndIncrement() >= failAfterPages) {
                                throw new RemoteFailure(RemoteFailure.Kind.TRANSIENT, mdm.mdm().wireName(), "list devices", 503, "unavailable");
                            }
                            SourcePage<InventoriedDevice> p = inner.page(cursor);
                            return new SourcePage<>(p.items().stream().filter(d -> !hidden.contains(d.mdmId())).toList(), p.next());
                        }

                        @Override
                        public void close() {
                            inner.close();
                        }
                    };
                }
            };
        }
    }

    /**
     * Thrown by a store write to play an invocation that dies there: an Error, so that nothing on the way catches it
     * and releases the step's claim, as nothing would in an invocation Lambda stops.
     */
    static final class Died extends Error {
        Died() {
            super("the invocation died");
        }
    }

    /**
     * The in-memory store as the devices table serves the hourly path: by key and by index only. Reading it whole (a
     * Scan) fails the test. Counts writes, and can die at the n-th one (once).
     */
    static final class IndexedOnly implements DeviceStore {
        final InMemoryDeviceStore inner;
        final AtomicInteger writes = new AtomicInteger();
        int dieAt = -1;

        IndexedOnly(InMemoryDeviceStore inner) {
            this.inner = inner;
        }

        void dieAtWrite(int n) {
            dieAt = n;
        }

        private void write() {
            if (writes.incrementAndGet() == dieAt) {
                dieAt = -1;
                throw new Died();
            }
        }

        @Override
        public Optional<Device> find(String id) {
            return inner.find(id);
        }

        @Override
        public Map<String, Device> findAll(Collection<String> ids) {
            return inner.findAll(ids);
        }

        @Override
        public List<Device> ofOwner(String memberId) {
            return inner.ofOwner(memberId);
        }

        @Override
        public List<Device> all() {
            throw new AssertionError("the hourly sync read the devices table whole");
        }

        @Override
        public void forEach(java.util.function.Consumer<Device> action) {
            throw new AssertionError("the hourly sync read the devices table whole");
        }

        @Override
        public Page page(int part, int parts, String after, int limit) {
            throw new AssertionError("the hourly sync scanned the devices table");
        }

        /** What the MAC index answers (the default would read the fleet). */
        @Override
        public Set<String> idsWithMac(MacAddress mac) {
            return inner.all().stream().filter(d -> mac.equals(d.macAddress())).map(Device::id).collect(Collectors.toSet());
        }

        @Override
        public void save(Device device) {
            write();
            inner.save(device);
        }

        @Override
        public Map<String, Listed> findListed(Collection<String> ids, boolean consistent) {
            return inner.findListed(ids, consistent);
        }

        @Override
        public boolean saveListed(Device device, String source, long period, long storedPeriod) {
            write();
            return inner.saveListed(device, source, period, storedPeriod);
        }

        @Override
        public StalePage stale(String source, int shard, long before, String after, int limit) {
            return inner.stale(source, shard, before, after, limit);
        }
    }

    /** A clock a test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
