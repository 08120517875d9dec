package org.appban.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.appban.access.AccessAlerts;
import org.appban.access.AccessNotices;
import org.appban.access.AccessReport;
import org.appban.access.AccessRequest;
import org.appban.access.AccessRules;
import org.appban.access.DeviceFacts;
import org.appban.access.NetworkAccessService;
import org.appban.access.NetworkIdentity;
import org.appban.access.Sighting;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.notice.Attestations;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.ApiBudgets;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.sim.SimClock;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.http.RecordedRequest;
import org.appban.sim.http.SimSettings;
import org.appban.sim.ise.IseSimulator;
import org.appban.sim.world.SimWorld;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryEvidenceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import java.util.concurrent.Callable;
import org.appban.cli.support.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./appban bench access [--devices N] [--rate TPS] [--seed S]}: the network-access function over a generated
 * fleet of private devices, through the Cisco ISE simulator over HTTP, at the deployment's default ISE budget
 * (ISE_CALLS_PER_SECOND, half of Cisco's published ERS ceiling of 100 per second; the adapter keeps under it itself,
 * as ISE reports no throttling). No second may see more than the published ceiling.
 *
 * <p>Two runs on the clock an hour after the grace period ends: the first quarantines what the evidence calls for
 * (about a quarter of the fleet, confirmed over the blast-radius cap as an administrator would); then half of
 * those comply (the MDM reports them compliant, or their members attest) and the second run, reading the NAC's
 * whole quarantine list first, releases them. Prints decisions per second, NAC calls against the allowed rate, wall
 * time and heap.
 *
 * <p>The fleet, by device number modulo 100: 55 enrolled and compliant; 10 enrolled and non-compliant; 15 unmanaged
 * with an attestation and no telemetry; 8 unmanaged, never attested; 5 unmanaged, attested, then seen in telemetry;
 * 4 non-compliant but exempt; 2 sharing a MAC in pairs; 1 without a MAC.
 */
@Command(name = "access", description = {"Network access over generated private devices through the Cisco ISE simulator.",
            "At the deployment's default ISE budget. Prints decisions per second, NAC calls against the allowed rate, wall "
                    + "time and heap."})
public final class AccessBench implements Callable<Integer> {
    @Option(names = "--devices", paramLabel = "N", description = "private devices in the generated fleet, 100 or more "
            + "(default: ${DEFAULT-VALUE})")
    private int devices = 20_000;
    @Option(names = "--rate", paramLabel = "TPS", description = "NAC calls per second (default: ${DEFAULT-VALUE}, the default "
            + "ISE_CALLS_PER_SECOND)")
    private double rate = ApiBudgets.ISE_DEFAULT;
    @Option(names = "--seed", paramLabel = "S", description = "the generated fleet's seed (default: ${DEFAULT-VALUE})")
    private long seed = 1;
    @Spec
    private CommandSpec spec;
    private final PrintStream out;

    public AccessBench(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out));
    }

    /** @return the process exit code: 0 done, 2 bad arguments, 1 the bench failed its own checks */
    public static int run(List<String> args, PrintStream out) {
        return CommandLines.call("./appban bench access", new AccessBench(out), args, out, out);
    }

    @Override
    public Integer call() {
        if (devices < 100) throw new ParameterException(spec.commandLine(), "--devices must be 100 or more");
        if (rate <= 0) throw new ParameterException(spec.commandLine(), "--rate must be more than 0");
        try {
            return new Bench(devices, rate, seed, out).run();
        } finally {
            out.flush();
        }
    }

    private static final class Bench {
        final int n;
        final double rate;
        final long seed;
        final PrintStream out;
        final BanPolicy policy = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
        final Instant now;
        final InMemoryDeviceStore devices = new InMemoryDeviceStore();
        final InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
        final InMemoryLedger ledger = new InMemoryLedger();
        final InMemoryEvidenceStore evidence = new InMemoryEvidenceStore();

        Bench(int n, double rate, long seed, PrintStream out) {
            this.n = n;
            this.rate = rate;
            this.seed = seed;
            this.out = out;
            this.now = policy.privateGraceEnds().plus(Duration.ofHours(1));
        }

        int run() {
            Clock clock = Clock.fixed(now, ZoneOffset.UTC);
            Fleet empty = new Fleet("bench", "bench", now, List.of(), List.of(), List.of(), List.of(), List.of());
            // The deployment scaled with the client's budget: its capacity (Cisco's 100 a second at the default) stays
            // twice the calls the budget allows, as production's default leaves it.
            IseSimulator ise = new IseSimulator(new SimWorld(empty, new SimClock(now)), SimSettings.defaults().seed(seed)
                    .budgetScale(rate / ApiBudgets.ISE_DEFAULT),
                    Simulators.ISE_USER, Simulators.ISE_PASSWORD, Simulators.ANC_POLICIES).start();
            try {
                long t0 = System.nanoTime();
                generate();
                long generated = System.nanoTime() - t0;
                RemoteOptions options = RemoteOptions.standard(clock).withBudgetScale(rate / ApiBudgets.ISE_DEFAULT);
                // What the budget lets through in any one second (it is counted over ApiBudgets.ISE_WINDOW).
                double allowedInOneSecond = ApiBudgets.DEFAULT.ise("bench").scaled(rate / ApiBudgets.ISE_DEFAULT).atMostIn(Duration.ofSeconds(1));
                var nac = new CiscoIseNetworkAccess(new IseConnection(ise.baseUri(), Simulators.ISE_USER, new Secret(Simulators.ISE_PASSWORD),
                        "Quarantine"), options);
                NetworkAccessService service = new NetworkAccessService(policy, devices, exemptions, Attestations.fromLedger(ledger), evidence, nac,
                        new InMemoryKillSwitch(), new InMemoryClaims(), ledger, AccessNotices.none(), AccessAlerts.none(), clock);

                out.printf(Locale.ROOT, "bench access: %d private devices, ISE simulator at %s, NAC rate %.0f calls/s allowed (%s)%n", n, ise.baseUri(),
                        rate, rate == ApiBudgets.ISE_DEFAULT ? "the default ISE_CALLS_PER_SECOND, per deployment" : "set by --rate");
                out.printf(Locale.ROOT, "fleet generated in %d ms%n", generated / 1_000_000);
                double pure = pureDecisionsPerSecond(service.rules());
                out.printf(Locale.ROOT, "rules alone (pure, no I/O): %,.0f decisions/s%n%n", pure);
                out.println("phase                     devices   decided/s   quarantined  released  reported  NAC calls  NAC calls/s  max in 1 s  wall s   heap used MB");

                Phase first = phase("1. enforce (confirm " + n + ")", ise, () -> service.run(
                        new AccessRequest("manual", AccessRequest.Scope.FLEET, List.of(), AccessRequest.Mode.RECONCILE, false, n),
                        Actor.administrator("bench"), "bench-1"));
                comply(first.report);
                Phase second = phase("2. half comply, release", ise, () -> service.run(AccessRequest.schedule(), Actor.schedule("bench"), "bench-2"));
                Phase third = phase("3. rerun, nothing to do", ise, () -> service.run(AccessRequest.schedule(), Actor.schedule("bench"), "bench-3"));

                long heapMax = Runtime.getRuntime().maxMemory();
                out.printf(Locale.ROOT, "%npeak heap %d MB of %d MB max; NAC: %d quarantines applied, %d cleared; never over the allowed rate: %s; ISE overload seconds: %d%n",
                        peakHeapBytes() / (1024 * 1024), heapMax / (1024 * 1024), ise.requests().count(r -> r.path().endsWith("/apply")),
                        ise.requests().count(r -> r.path().endsWith("/clear")),
                        first.maxInOneSecond <= allowedInOneSecond && second.maxInOneSecond <= allowedInOneSecond
                                && third.maxInOneSecond <= allowedInOneSecond, ise.load().overloadSeconds());
                int expected = expectedQuarantines();
                if (first.report.count("quarantine", "quarantined") != expected) {
                    out.println("FAILED: expected " + expected + " quarantines, got " + first.report.count("quarantine", "quarantined"));
                    return 1;
                }
                if (third.report.actions().stream().anyMatch(a -> a.outcome().equals("quarantined") || a.outcome().equals("released"))) {
                    out.println("FAILED: the rerun changed the network");
                    return 1;
                }
                return 0;
            } finally {
                ise.close();
            }
        }

        record Phase(AccessReport report, int maxInOneSecond) {
        }

        Phase phase(String name, IseSimulator ise, java.util.function.Supplier<AccessReport> run) {
            int before = ise.requests().all().size();
            long t0 = System.nanoTime();
            AccessReport r = run.get();
            double wall = (System.nanoTime() - t0) / 1e9;
            List<RecordedRequest> calls = ise.requests().all().subList(before, ise.requests().all().size());
            int max = maxInOneSecond(calls);
            System.gc();
            long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            out.printf(Locale.ROOT, "%-24s %8d %11.0f %13d %9d %9d %10d %12.1f %11d %7.1f %14d%n", name, r.devices(), r.devices() / wall,
                    r.count("quarantine", "quarantined"), r.count("release", "released"), r.unresolved().size(), calls.size(), calls.size() / wall,
                    max, wall, used / (1024 * 1024));
            if (!r.status().equals("done")) out.println("   stopped: " + r.note());
            return new Phase(r, max);
        }

        static int maxInOneSecond(List<RecordedRequest> calls) {
            List<Instant> times = calls.stream().map(RecordedRequest::wallTime).sorted().toList();
            int max = 0;
            for (int i = 0, j = 0; i < times.size(); i++) {
                while (Duration.between(times.get(j), times.get(i)).toMillis() >= 1000) j++;
                max = Math.max(max, i - j + 1);
            }
            return max;
        }

        int category(int i) {
            return i % 100;
        }

        int expectedQuarantines() {
            int q = 0;
            for (int i = 0; i < n; i++) {
                int c = category(i);
                if (c >= 55 && c <= 64 || c >= 80 && c <= 92) q++;
            }
            return q;
        }

        void generate() {
            Instant deadline = policy.deadlineInstant();
            Instant reported = now.minus(Duration.ofHours(5));
            List<Sighting> sightings = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int c = category(i);
                String id = "dev-" + i;
                String member = "m-" + i;
                String mac = c == 99 ? null : c == 97 || c == 98 ? macOf(1_000_000 + i / 100) : macOf(i);
                boolean enrolled = c < 65 || c >= 93 && c <= 96;
                ComplianceState compliance = !enrolled ? ComplianceState.NOT_ENROLLED : c < 55 ? ComplianceState.COMPLIANT : ComplianceState.NONCOMPLIANT;
                devices.save(new Device(id, member, Ownership.PRIVATE, i % 3 == 0 ? Platform.ANDROID : Platform.IOS, "phone", false,
                        enrolled ? MdmKind.INTUNE : MdmKind.NONE, enrolled ? "mdm-" + i : null, mac == null ? null : org.appban.domain.MacAddress.parse(mac), AppPresence.UNKNOWN, compliance,
                        enrolled ? reported : null, false));
                if (c >= 65 && c <= 79 || c >= 88 && c <= 92) attest(member, deadline.minus(Duration.ofDays(2)));
                if (c >= 88 && c <= 92) sightings.add(new Sighting(id, "tiktokv.com", now.minus(Duration.ofHours(3)), Sighting.Via.DNS, "s3://bench/dns.jsonl"));
                if (c >= 93 && c <= 96) {
                    exemptions.create(new Exemption("ex-" + i, member, id, "bench", ExemptionStatus.GRANTED, member, deadline, "approver", deadline,
                            now.plus(Duration.ofDays(90)), null, null));
                }
            }
            evidence.recordSightings(sightings);
        }

        /** Half of the quarantined comply: the MDM reports the enrolled ones compliant, the others' members attest. */
        void comply(AccessReport first) {
            int k = 0;
            for (AccessReport.Action a : first.actions()) {
                if (!a.outcome().equals("quarantined") || k++ % 2 != 0) continue;
                Device d = devices.find(a.device()).orElseThrow();
                if (d.mdm() != MdmKind.NONE) devices.save(d.withCompliance(ComplianceState.COMPLIANT).withLastSeen(now.plusSeconds(60)));
                else attest(d.owner(), now.plusSeconds(60));
            }
        }

        void attest(String member, Instant at) {
            ledger.append(new LedgerRecord(at, Actor.event("attestation-link:bench"), member, null, Attestations.ACTION, "ok", false,
                    "attestation/" + member + "/" + at, Map.of("via", "signed link")));
        }

        static String macOf(int i) {
            return String.format("02:BE:%02X:%02X:%02X:%02X", (i >> 24) & 0xFF, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF);
        }

        /** The rules alone over every device's facts: what deciding costs without any I/O. */
        double pureDecisionsPerSecond(AccessRules rules) {
            List<Device> all = devices.all();
            Map<String, NetworkIdentity> ids = NetworkIdentity.of(all);
            Map<String, Sighting> seen = evidence.latestSightings(all.stream().map(Device::id).toList());
            Attestations attestations = Attestations.fromLedger(ledger);
            Map<String, Instant> attested = new HashMap<>();
            List<DeviceFacts> facts = new ArrayList<>();
            for (Device d : all) {
                Exemption e = exemptions.ofMember(d.owner()).stream().filter(x -> x.protects(d, now)).findFirst().orElse(null);
                attested.computeIfAbsent(d.owner(), m -> attestations.privateDevicesCleanSince(m).orElse(null));
                facts.add(new DeviceFacts(d, e, ids.get(d.id()), attested.get(d.owner()), seen.get(d.id()), null));
            }
            int rounds = 5;
            long t0 = System.nanoTime();
            long sink = 0;
            for (int r = 0; r < rounds; r++) for (DeviceFacts f : facts) sink += rules.decide(f, now).action().ordinal();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (sink < 0) throw new IllegalStateException();
            return rounds * facts.size() / seconds;
        }

        static long peakHeapBytes() {
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) peak += pool.getPeakUsage().getUsed();
            }
            return peak;
        }
    }
}
