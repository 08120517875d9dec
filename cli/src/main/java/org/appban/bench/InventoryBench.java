package org.appban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.Actor;
import org.appban.domain.Device;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.inventory.InventorySync;
import org.appban.inventory.DeviceEvents;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.ports.Ledger;
import org.appban.inventory.SyncReport;
import org.appban.json.Json;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.ports.DeviceStore;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.ports.MemberStore;
import java.util.concurrent.Callable;
import org.appban.cli.support.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./appban bench inventory --devices N [--scale F] [--latency-ms N] [--members N] [--single-cursor]}: one
 * inventory sync of a generated Intune fleet of N devices against the Intune simulator enforcing Graph's published
 * budget (2000 requests per 20 s for deviceManagement, times the scale factor). Prints the request rate achieved
 * against that budget and the busiest 20 s window, 429s, wall time, the sync's peak heap, and its live heap measured
 * with a forced full collection nine tenths of the way through.
 *
 * <p>{@code --latency-ms} adds that much to every simulator answer (default 0: only the simulator's own work, which
 * is far quicker than Graph); {@code --members} fixes the roster (default: two devices a member);
 * {@code --single-cursor} lists through one cursor instead of the concurrent split, for comparison.
 *
 * <p>The simulators run in a child process, so the heap is the sync's. Devices are stored as on Lambda: through the
 * production store ({@code DynamoDeviceStore}) into the template's devices table on the AWS emulator (moto, or
 * AWS_ENDPOINT_URL), and counted there afterwards; the roster is made up on demand (it is remote in production too).
 */
@Command(name = "inventory", description = {"One inventory sync over a generated fleet through the Intune simulator.",
            "Graph's published budget; devices stored in DynamoDB on the emulator. Prints the request rate against the "
                    + "budget, the busiest 20 s window, 429s, wall time, peak and live heap."})
public final class InventoryBench implements Callable<Integer> {
    private static final int GRAPH_ANY_PER_20S = 2000;

    @Option(names = "--devices", paramLabel = "N", description = "Intune devices in the generated fleet (default: "
            + "${DEFAULT-VALUE})")
    private int devices = 5_000;
    @Option(names = "--scale", paramLabel = "F", description = "multiplies Graph's budget, the simulator's and the client's "
            + "alike (default: ${DEFAULT-VALUE})")
    private double scale = 1.0;
    @Option(names = "--latency-ms", paramLabel = "N", description = "added to every simulator answer (default: ${DEFAULT-VALUE})")
    private int latencyMs = 0;
    @Option(names = "--members", paramLabel = "N", description = "members on the roster (default: two devices a member)")
    private int members = -1;
    @Option(names = "--single-cursor", description = "list through one cursor instead of the concurrent split, for comparison")
    private boolean singleCursor;
    private final PrintStream out;

    public InventoryBench(PrintStream out) {
        this.out = out;
    }

    public static int run(List<String> args, PrintStream out) {
        return CommandLines.call("./appban bench inventory", new InventoryBench(out), args, out, out);
    }

    @Override
    public Integer call() {
        boolean split = !singleCursor;
        BanPolicy policy = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
        int owners = members > 0 ? members : owners(devices);
        Path fleet = generateFleet(devices, owners);
        double budgetPerSecond = GRAPH_ANY_PER_20S * scale / 20.0;
        out.printf("inventory bench: %d Intune devices, budget %.0f requests per 20 s (published 2000 x scale %.2f) = %.1f/s%n",
                devices, GRAPH_ANY_PER_20S * scale, scale, budgetPerSecond);
        out.printf("                 %d members on the roster (the sync's member index grows with them, not with devices)%n", owners);
        out.printf("                 simulator latency %d ms per request, listing %s%n", latencyMs,
                split ? "split into concurrent cursors (owner type, corporate by OS when exact)" : "one cursor");
        try (SimulatorProcess sims = new SimulatorProcess(fleet, scale, latencyMs);
             LocalEmulator aws = startEmulator(out)) {
            String devicesTable = BenchTables.create(aws.clients().dynamoDb(), LocalEmulator.root(), "DevicesTable",
                    "appban-bench-devices-" + Long.toString(System.currentTimeMillis(), 36));
            RemoteOptions options = RemoteOptions.standard(Clock.systemUTC()).withBudgetScale(scale).withTimeout(Duration.ofSeconds(30));
            IntuneConnection connection = new IntuneConnection(sims.base("intune"), sims.base("intune"), Simulators.TENANT,
                    Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET));
            MemberStore roster = new GeneratedMembers(owners);
            DeviceStore store = new org.appban.store.dynamo.DynamoDeviceStore(aws.clients().dynamoDb(), devicesTable);
            RecordedCount events = new RecordedCount(devices);
            InventorySync sync = new InventorySync(policy, List.of(new IntuneGraphInventory(new IntuneGraphClient(connection, options), split)),
                    roster, store, events, new DiscardingLedger(), Clock.systemUTC());
            long cpuBefore = cpuNanos();
            long start = System.nanoTime();
            SyncReport report;
            long peak;
            long live;
            try (HeapSampler heap = new HeapSampler()) {
                report = sync.run(Actor.schedule("bench"), false);
                peak = heap.peakBytes();
                live = heap.peakLiveBytes();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = cpuNanos() - cpuBefore;
            List<JsonNode> requests = requests(sims.base("intune")).stream()
                    .filter(r -> r.path("path").asText().startsWith("/v1.0/deviceManagement")).toList();
            long api = requests.size();
            long throttled = requests.stream().filter(r -> r.path("status").asInt() == 429).count();
            double rate = api / seconds;
            int busiest = busiestWindow(requests.stream().mapToLong(r -> r.path("wallMillis").asLong()).sorted().toArray(), 20_000);
            out.printf("devices synced        %d (status %s, %d changes published)%n", report.perMdm().getOrDefault("intune", 0),
                    report.status(), events.count);
            out.printf("requests              %d to deviceManagement in %.1f s = %.1f/s%n", api, seconds, rate);
            out.printf("achieved / budget     %.2f%s%n", rate / budgetPerSecond, seconds < 20
                    ? " (the run is shorter than one 20 s window: the client's initial burst, a tenth of the budget, inflates this)" : "");
            out.printf("busiest 20 s window   %d requests of the %d allowed (%.2f)%n", busiest, Math.round(GRAPH_ANY_PER_20S * scale),
                    busiest / (GRAPH_ANY_PER_20S * scale));
            out.printf("429 responses         %d (%.2f%% of requests)%n", throttled, api == 0 ? 0 : 100.0 * throttled / api);
            int stored = aws.clients().dynamoDb().scanPaginator(r -> r.tableName(devicesTable).select(
                    software.amazon.awssdk.services.dynamodb.model.Select.COUNT)).stream().mapToInt(p -> p.count()).sum();
            out.printf("devices stored        %d in DynamoDB (the template's devices table on the emulator)%n", stored);
            out.printf("wall time             %.1f s%n", seconds);
            out.printf("CPU                   %.1f s%n", cpu / 1e9);
            out.printf("peak heap in use      %s (with uncollected garbage)%n", HeapSampler.mib(peak));
            out.printf("peak live heap        %s after GC (%.0f bytes per device; the devices table is remote in production)%n",
                    HeapSampler.mib(live), (double) live / devices);
            out.printf("live heap at 9/10     %s (forced full GC when nine tenths of the devices were through)%n",
                    events.liveAtNineTenths < 0 ? "not measured" : HeapSampler.mib(events.liveAtNineTenths));
            return 0;
        }
    }

    private static LocalEmulator startEmulator(PrintStream out) {
        try {
            return LocalEmulator.start(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The most requests in any window of {@code windowMillis} (times sorted). */
    static int busiestWindow(long[] times, long windowMillis) {
        int best = 0;
        for (int i = 0, j = 0; j < times.length; j++) {
            while (times[j] - times[i] >= windowMillis) i++;
            best = Math.max(best, j - i + 1);
        }
        return best;
    }

    /**
     * The roster as the members table would answer it, made up on demand: the table is remote in production, so
     * holding 25 000 members here would put them in the heap this bench measures.
     */
    private static final class GeneratedMembers implements MemberStore {
        private final int count;

        GeneratedMembers(int count) {
            this.count = count;
        }

        private static Member member(int i) {
            return Member.active("p" + i, "Person " + i, "p" + i + "@example.org", Role.STAFF);
        }

        @Override
        public Optional<Member> find(String id) {
            int i = id.startsWith("p") ? Integer.parseInt(id.substring(1)) : -1;
            return i >= 0 && i < count ? Optional.of(member(i)) : Optional.empty();
        }

        @Override
        public List<Member> all() {
            return new java.util.AbstractList<>() {
                @Override
                public Member get(int i) {
                    return member(i);
                }

                @Override
                public int size() {
                    return count;
                }
            };
        }

        @Override
        public void save(Member member) {
            throw new UnsupportedOperationException("the bench's roster is read-only");
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static List<JsonNode> requests(java.net.URI base) {
        try (InputStream in = base.resolve("/_sim/requests").toURL().openStream()) {
            List<JsonNode> list = new ArrayList<>();
            Json.parse(in.readAllBytes()).forEach(list::add);
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Two devices a person, as in an organisation where most people have a work phone and a personal one. */
    static int owners(int devices) {
        return Math.max(1, devices / 2);
    }

    /** Three in four devices corporate supervised iPhones (half with the app), one in four private. */
    static Path generateFleet(int devices, int owners) {
        ObjectNode root = Json.object();
        root.put("name", "generated fleet of " + devices + " devices").put("startsAt", "2023-03-17T08:00+13:00");
        root.putArray("catalog").addObject().put("identifier", "com.zhiliaoapp.musically").put("name", "TikTok");
        ArrayNode members = root.putArray("members");
        ArrayNode list = root.putArray("devices");
        for (int i = 0; i < owners; i++) {
            members.addObject().put("id", "p" + i).put("name", "Person " + i).put("email", "p" + i + "@example.org").put("role", "staff");
        }
        for (int i = 0; i < devices; i++) {
            boolean corporate = i % 4 != 3;
            ObjectNode d = list.addObject();
            d.put("id", "dev" + i).put("owner", "p" + (i % owners)).put("ownership", corporate ? "corporate" : "private").put("platform", "ios")
                    .put("supervised", corporate).put("mdm", "intune")
                    .put("mac", String.format("02:CD:%02X:%02X:%02X:%02X", (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255));
            ArrayNode apps = d.putArray("apps");
            if (i % 2 == 0) apps.add("com.zhiliaoapp.musically");
        }
        try {
            Path file = Files.createTempFile("appban-bench-fleet-", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, Json.write(root));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stands in for the remote devices table: answers "nothing stored yet" (a first sync) and counts writes. */
    /**
     * Counts the events, and once the sync is nine tenths through the fleet (every per-run structure near its
     * largest) forces a full collection and reads the heap still in use: the sync's live heap, measured rather
     * than sampled. The collection pauses the sync for a moment, once.
     */
    private static final class RecordedCount implements DeviceEvents {
        private final long measureAt;
        long count;
        long liveAtNineTenths = -1;

        RecordedCount(int devices) {
            this.measureAt = devices * 9L / 10;
        }

        @Override
        public synchronized void publish(List<org.appban.inventory.DeviceStatusChanged> changes) {
            count += changes.size();
            if (liveAtNineTenths < 0 && count >= measureAt) {
                System.gc();
                liveAtNineTenths = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            }
        }
    }

    /** Stands in for the remote ledger table: entries are appended elsewhere in production, not kept in the heap. */
    private static final class DiscardingLedger implements Ledger {
        long appended;

        @Override
        public synchronized Appended append(LedgerRecord record) {
            appended++;
            return new Appended(new LedgerEntry(record.chain(), appended, record, LedgerEntry.GENESIS, LedgerEntry.GENESIS), true);
        }

        @Override
        public Optional<LedgerEntry> byIdempotencyKey(String key) {
            return Optional.empty();
        }

        @Override
        public List<LedgerEntry> chain(String chain) {
            return List.of();
        }

        @Override
        public List<String> chains() {
            return List.of();
        }
    }
}
