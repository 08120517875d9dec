package org.appban.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.enforce.EmbeddedEnforcement;
import org.appban.lambda.enforce.EnforceRemovalHandler;
import org.appban.enforce.EnforceRequest;
import org.appban.enforce.EnforcementReport;
import org.appban.enforce.WorkOutcome;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphEnforcement;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.RecordedRequest;
import org.appban.sim.http.SimSettings;
import org.appban.sim.intune.IntuneSimulator;
import org.appban.sim.world.SimDevice;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
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
 * {@code ./appban bench enforce [--devices N] [--budget-scale F] [--workers W] [--with-app SHARE]}: the deadline
 * run of enforce-removal over a generated Intune fleet of corporate supervised iPhones, against the Intune simulator
 * with Graph's published budgets, through the real adapter and the embedded service (in-memory stores, the
 * in-process queue drained by W workers).
 *
 * <p>As production runs by default: Graph's published budgets (scale 1), and the deciding run plus
 * {@link EnforceRemovalHandler#WORKERS} queue workers (the function's {@link EnforceRemovalHandler#CONTAINERS}
 * containers) drawing on one budget, as production's containers share it through RateBudgetsTable. {@code
 * --budget-scale} multiplies the simulator's and the client's budgets alike (a larger fleet in less time); the rate
 * achieved is reported as a share of the scaled budget. Setting the device store up is not timed against the
 * budget: it is filled from the simulated world, as inventory sync would leave it.
 */
@Command(name = "enforce", description = {"The deadline run of enforce-removal and its queue workers.",
            "Over a generated Intune fleet, production's containers sharing Graph's budgets. Prints the rate against the "
                    + "budget, 429s, wall time and heap."})
public final class EnforceBench implements Callable<Integer> {
    private static final String APP = "com.zhiliaoapp.musically";
    private static final String DEADLINE = "2023-03-31T00:00+13:00";

    @Option(names = "--devices", paramLabel = "N", description = "corporate supervised iPhones in the generated fleet "
            + "(default: ${DEFAULT-VALUE})")
    private int devices = 2_000;
    @Option(names = "--budget-scale", paramLabel = "F", description = "multiplies the simulator's and the client's budgets "
            + "alike (default: ${DEFAULT-VALUE})")
    private double scale = 1;
    @Option(names = "--workers", paramLabel = "W", description = "queue workers beside the deciding run (default: "
            + "${DEFAULT-VALUE}, production's)")
    private int workers = EnforceRemovalHandler.WORKERS;
    @Option(names = "--with-app", paramLabel = "SHARE", description = "the share of devices with the app, 0 to 1 (default: "
            + "${DEFAULT-VALUE})")
    private double withApp = 0.5;
    @Spec
    private CommandSpec spec;
    private final PrintStream out;

    public EnforceBench(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out));
    }

    public static int run(List<String> args, PrintStream out) {
        return CommandLines.call("./appban bench enforce", new EnforceBench(out), args, out, out);
    }

    @Override
    public Integer call() {
        if (devices < 1 || scale <= 0 || workers < 1 || withApp < 0 || withApp > 1) throw new ParameterException(spec.commandLine(), "out of range");
        return new EnforceBench.Run(devices, scale, workers, withApp, out).go();
    }

    private static final class Run {
        private final int devices;
        private final double scale;
        private final int workers;
        private final double withApp;
        private final PrintStream out;

        Run(int devices, double scale, int workers, double withApp, PrintStream out) {
            this.devices = devices;
            this.scale = scale;
            this.workers = workers;
            this.withApp = withApp;
            this.out = out;
        }

        int go() {
            HeapWatch heap = new HeapWatch();
            heap.start();
            long t0 = System.nanoTime();
            Fleet fleet = new FleetLoader().parse(fleetJson(), "bench-fleet-" + devices);
            try (Simulators sims = Simulators.of(fleet, SimSettings.defaults().budgetScale(scale)).start()) {
                BanPolicy policy = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
                Clock clock = sims.clock();
                InMemoryDeviceStore store = new InMemoryDeviceStore();
                InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
                Instant now = clock.instant();
                int present = 0;
                int exempt = 0;
                for (SimDevice d : sims.world().devices()) {
                    boolean has = d.apps().contains(APP);
                    if (has) present++;
                    store.save(new Device("intune:" + d.intuneId(), d.spec().owner(), Ownership.CORPORATE, Platform.IOS, d.spec().model(), true,
                            MdmKind.INTUNE, d.intuneId(), d.spec().mac() == null ? null : org.appban.domain.MacAddress.parse(d.spec().mac()), has ? AppPresence.PRESENT : AppPresence.ABSENT, ComplianceState.COMPLIANT, now, false));
                    if (Integer.parseInt(d.spec().owner().substring(1)) % 500 == 0) {
                        exempt++;
                        exemptions.create(new Exemption("ex-" + d.spec().owner(), d.spec().owner(), null, "bench", ExemptionStatus.GRANTED,
                                d.spec().owner(), now.minus(Duration.ofDays(10)), "approver", now.minus(Duration.ofDays(9)),
                                now.plus(Duration.ofDays(90)), null, null));
                    }
                }
                IntuneSimulator intune = sims.intune();
                RemoteOptions options = RemoteOptions.standard(clock).withBudgetScale(scale);
                IntuneGraphClient graph = new IntuneGraphClient(new IntuneConnection(intune.baseUri(), intune.baseUri(), Simulators.TENANT,
                        Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET)), options);
                EmbeddedEnforcement enforcement = EmbeddedEnforcement.of(policy, store, exemptions, new InMemoryLedger(), new InMemoryClaims(),
                        new InMemoryKillSwitch(), Map.of(MdmKind.INTUNE, new IntuneGraphEnforcement(graph, "appban")), r -> { }, clock);
                double setup = seconds(t0);
                out.printf(Locale.ROOT, "enforce bench: %d corporate supervised iPhones in Intune, %d with the app, %d exempt; "
                        + "Graph budgets x%s (simulator and client); the deciding run and %d queue workers drawing on one budget%n", devices, present, exempt, fmt(scale), workers);
                out.printf(Locale.ROOT, "setup (fleet, simulator, device store): %.1f s%n", setup);

                Instant decideStart = Instant.now();
                long t1 = System.nanoTime();
                EnforcementReport report = enforcement.service().run(EnforceRequest.deadline().confirmed(devices), Actor.schedule("deadline"), "bench");
                double decide = seconds(t1);
                Instant decideEnd = Instant.now();
                long t2 = System.nanoTime();
                EmbeddedEnforcement.Drained drained = enforcement.drain(workers);
                double work = seconds(t2);
                Instant workEnd = Instant.now();
                double wall = seconds(t0);
                heap.finish();

                out.printf(Locale.ROOT, "decide (fleet-wide reconcile, plan, enqueue): %.1f s, status %s, %d device action(s) queued%n",
                        decide, report.status(), report.actions() == null ? 0 : report.actions().enqueued());
                out.printf(Locale.ROOT, "work (check-in requests through the queue): %.1f s, %d done, %d retried to the end, %d dead-lettered%n",
                        work, drained.work().stream().filter(w -> w.result() == WorkOutcome.Result.DONE).count(),
                        drained.work().stream().filter(w -> w.result() == WorkOutcome.Result.RETRY).count(), drained.deadLetters().size());
                List<RecordedRequest> log = intune.requests().all();
                out.println();
                out.println("budget (per 20 s, scaled)           phase    requests   busiest stretch: requests   span s    rate/s  budget/s  achieved");
                List<Budget> budgets = List.of(
                        new Budget("deviceManagement writes", IntuneSimulator.DEVICES_WRITES, r -> r.path().contains("/deviceManagement/") && !r.method().equals("GET")),
                        new Budget("deviceManagement requests", IntuneSimulator.DEVICES_ANY, r -> r.path().contains("/deviceManagement/")),
                        new Budget("deviceAppManagement writes", IntuneSimulator.APPS_WRITES, r -> r.path().contains("/deviceAppManagement/") && !r.method().equals("GET")),
                        new Budget("deviceAppManagement requests", IntuneSimulator.APPS_ANY, r -> r.path().contains("/deviceAppManagement/")));
                for (Budget b : budgets) {
                    b.report(out, "decide", log, decideStart, decideEnd);
                    b.report(out, "work", log, decideEnd, workEnd);
                }
                long total = log.size();
                long throttled = log.stream().filter(r -> r.status() == 429).count();
                long api = log.stream().filter(r -> !r.path().endsWith("$batch")).count();
                out.println();
                out.printf(Locale.ROOT, "requests: %d (%d API calls, the rest $batch envelopes); 429s: %d (%.3f%% of API calls); client saw %d throttles%n",
                        total, api, throttled, api == 0 ? 0.0 : 100.0 * throttled / api, graph.stats().throttled());
                out.printf(Locale.ROOT, "wall time: %.1f s; peak heap used: %d MB (max heap %d MB), simulator and its request log included%n",
                        wall, heap.peak() / (1024 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024));
                boolean ok = "done".equals(report.status()) && drained.deadLetters().isEmpty();
                return ok ? 0 : 1;
            }
        }

        private String fleetJson() {
            StringBuilder members = new StringBuilder(devices * 80);
            StringBuilder list = new StringBuilder(devices * 200);
            long withAppCount = Math.round(devices * withApp);
            for (int i = 0; i < devices; i++) {
                if (i > 0) {
                    members.append(',');
                    list.append(',');
                }
                // Spread the devices with the app evenly over the fleet.
                boolean has = (long) (i + 1) * withAppCount / devices > (long) i * withAppCount / devices;
                members.append("{\"id\":\"p").append(i).append("\",\"name\":\"Person ").append(i).append("\",\"email\":\"p").append(i)
                        .append("@example.org\",\"role\":\"staff\"}");
                list.append("{\"id\":\"dev").append(i).append("\",\"owner\":\"p").append(i)
                        .append("\",\"ownership\":\"corporate\",\"platform\":\"ios\",\"model\":\"iPhone 14\",\"supervised\":true,\"apps\":[")
                        .append(has ? "\"" + APP + "\"" : "").append("],\"mdm\":\"intune\",\"mac\":\"")
                        .append(String.format(Locale.ROOT, "02:00:%02X:%02X:%02X:%02X", (i >> 24) & 0xFF, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF))
                        .append("\"}");
            }
            return "{\"startsAt\":\"" + DEADLINE + "\",\"catalog\":[{\"identifier\":\"" + APP + "\",\"name\":\"TikTok\"}],"
                    + "\"members\":[" + members + "],\"devices\":[" + list + "]}";
        }

        private final class Budget {
            final String name;
            final int limit;
            final Predicate<RecordedRequest> applies;

            Budget(String name, int published, Predicate<RecordedRequest> applies) {
                this.name = name;
                this.limit = (int) Math.max(1, Math.round(published * scale));
                this.applies = applies;
            }

            void report(PrintStream out, String phase, List<RecordedRequest> log, Instant from, Instant to) {
                List<Instant> times = new ArrayList<>();
                for (RecordedRequest r : log) {
                    if (r.status() == 429 || r.path().endsWith("$batch") || !applies.test(r)) continue;
                    if (r.wallTime().isBefore(from) || !r.wallTime().isBefore(to)) continue;
                    times.add(r.wallTime());
                }
                double perSecond = limit / 20.0;
                if (times.size() < 2) {
                    out.printf(Locale.ROOT, "%-34s  %-6s  %8d%n", name + " (" + limit + ")", phase, times.size());
                    return;
                }
                times.sort(null);
                // The budget binds only while requests of its kind are sent back to back; a phase also spends time on
                // other calls (directory lookups, other budgets). Rate is measured over the busiest stretch: the
                // longest run of these requests without a pause over two seconds.
                int bestFrom = 0;
                int bestTo = 0;
                int start = 0;
                for (int i = 1; i <= times.size(); i++) {
                    boolean gap = i == times.size() || Duration.between(times.get(i - 1), times.get(i)).toMillis() > 2000;
                    if (!gap) continue;
                    if (i - 1 - start > bestTo - bestFrom) {
                        bestFrom = start;
                        bestTo = i - 1;
                    }
                    start = i;
                }
                double span = Duration.between(times.get(bestFrom), times.get(bestTo)).toNanos() / 1e9;
                int n = bestTo - bestFrom + 1;
                // n requests over the span between the first and the last: n - 1 intervals.
                double rate = span <= 0 ? 0 : (n - 1) / span;
                if (n < limit / 10) {
                    // Fewer than the client's burst allowance: the budget never bound, a rate would mean nothing.
                    out.printf(Locale.ROOT, "%-34s  %-6s  %8d  %26s%n", name + " (" + limit + ")", phase, times.size(), "(within the burst: not bound)");
                    return;
                }
                out.printf(Locale.ROOT, "%-34s  %-6s  %8d  %26d  %7.1f  %8.1f  %8.1f  %8.2f%n", name + " (" + limit + ")", phase, times.size(), n, span,
                        rate, perSecond, rate / perSecond);
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Samples heap use every 50 ms: the peak of what was live at once, not the sum of each pool's own peak. */
    private static final class HeapWatch extends Thread {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final AtomicLong peak = new AtomicLong();
        private volatile boolean running = true;

        HeapWatch() {
            super("bench-heap-watch");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void finish() {
            peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            running = false;
            interrupt();
        }

        long peak() {
            return peak.get();
        }
    }
}
