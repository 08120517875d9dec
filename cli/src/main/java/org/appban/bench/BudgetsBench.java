package org.appban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.appban.remote.ApiBudgets;
import org.appban.remote.Budget;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.RecordedRequest;
import org.appban.sim.http.SimServer;
import org.appban.sim.http.SimSettings;
import org.appban.sim.world.SimDevice;
import java.util.concurrent.Callable;
import org.appban.cli.support.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./appban bench budgets}: every function that calls an external API, at once, each container in a JVM of its
 * own ({@link BudgetsContainer}), all drawing on the budgets shared in DynamoDB (on the emulator), against one set of
 * simulators that count as the services do: the inventory sync; enforce-removal's deciding run and its queue workers
 * at the template's concurrency; network access and the MDM webhook function at their reserved concurrency (read
 * from template.yaml), taking streams of device events and webhooks, each a NAC command.
 *
 * <p>Prints per API and budget: requests in the busiest and the emptiest 20 s window while work was queued, against
 * the budget; the most in any window of the budget's own length (sliding); 429s; ISE's overload seconds; Jamf's most
 * connections at once. Exit 0 only when no budget was exceeded in any window, every budget with work queued for it
 * got at least 0.9 of it in every such window, there was no 429 and no overload second.
 */
@Command(name = "budgets", description = {"Every function that calls an MDM or the NAC at once, through the shared budgets.",
            "Inventory sync, the enforcement deciding run and its queue workers, network access under a stream of device "
                    + "events and the MDM webhook function under a stream of webhooks, at once, each container its own JVM, through the budgets shared in DynamoDB (emulator), against the "
                    + "simulators. Prints the most in any window of each budget, 429s, ISE's overload seconds."})
public final class BudgetsBench implements Callable<Integer> {
    private static final String APP = "com.zhiliaoapp.musically";
    private static final Duration REPORT_WINDOW = Duration.ofSeconds(20);
    private static final double TARGET = 0.9;

    @Option(names = "--intune", paramLabel = "N", description = "Intune devices, 1 or more (default: ${DEFAULT-VALUE})")
    private int intune = 600;
    @Option(names = "--jamf", paramLabel = "N", description = "Jamf Pro devices (default: ${DEFAULT-VALUE})")
    private int jamf = 150;
    @Option(names = "--private", paramLabel = "N", description = "private devices, for network access (default: "
            + "${DEFAULT-VALUE})")
    private int privateDevices = 300;
    @Option(names = "--webhooks", paramLabel = "PER_SECOND", description = "MDM webhooks per second to MdmWebhookFunction, each a "
            + "NAC command (default: ${DEFAULT-VALUE})")
    private int webhooksPerSecond = 20;
    @Option(names = "--events", paramLabel = "PER_SECOND", description = "device events per second to network access, each a "
            + "NAC command (default: ${DEFAULT-VALUE})")
    private int eventsPerSecond = 40;
    @Option(names = "--seconds", paramLabel = "S", description = "how long the webhooks and events stream, 1 or more (default: "
            + "${DEFAULT-VALUE})")
    private int seconds = 120;
    @Option(names = "--ise-calls-per-second", paramLabel = "N", description = "the deployment's ISE budget (default: ${DEFAULT-VALUE})")
    private int iseCallsPerSecond = ApiBudgets.ISE_DEFAULT;
    @Option(names = "--budget-scale", paramLabel = "F", description = "multiplies every budget, above 0 (default: "
            + "${DEFAULT-VALUE})")
    private double scale = 1;
    @Option(names = "--latency-ms", paramLabel = "N", description = "added to every simulator answer (default: ${DEFAULT-VALUE})")
    private int latencyMs = 10;
    @Spec
    private CommandSpec spec;
    private final PrintStream out;

    public BudgetsBench(PrintStream out) {
        this.out = out;
    }

    public static int run(List<String> args, PrintStream out) {
        return CommandLines.call("./appban bench budgets", new BudgetsBench(out), args, out, out);
    }

    @Override
    public Integer call() {
        if (intune < 1 || jamf < 0 || privateDevices < 0 || webhooksPerSecond < 0 || eventsPerSecond < 0
                || webhooksPerSecond + eventsPerSecond < 1 || seconds < 1 || !(scale > 0) || latencyMs < 0) {
            throw new ParameterException(spec.commandLine(), "out of range");
        }
        try {
            new ApiBudgets(iseCallsPerSecond); // refused as production refuses it
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            return go();
        } catch (Exception e) {
            out.println("bench budgets: failed: " + e);
            e.printStackTrace(out);
            return 1;
        }
    }

    private int go() throws Exception {
        Path root = LocalEmulator.root();
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("template.yaml").toFile()).path("Resources");
        int workers = template.path("EnforceWorkEventSource").path("Properties").path("ScalingConfig").path("MaximumConcurrency").asInt();
        int accessContainers = reserved(template, "NetworkAccessFunction");
        int webhookContainers = reserved(template, "MdmWebhookFunction");
        Path work = Files.createTempDirectory("appban-bench-budgets-");
        String run = Long.toString(System.currentTimeMillis(), 36);
        Fleet fleet = new FleetLoader().parse(fleetJson(), "bench-budgets");
        try (LocalEmulator aws = LocalEmulator.start(out);
             Simulators sims = Simulators.of(fleet, SimSettings.defaults().budgetScale(scale).latency(Duration.ofMillis(latencyMs))).start()) {
            String table = BenchTables.create(aws.clients().dynamoDb(), root, "RateBudgetsTable", "appban-bench-budgets-" + run);
            // The NAC's budget as production finds it when a burst of work comes: drawn on before (yesterday's runs),
            // idle since, so full. Its item exists: the containers' first grants find a full bucket, not a new one
            // (which is cheaper: see DynamoRateLimits.grant). One permit, taken well before the containers start.
            org.appban.store.dynamo.DynamoRateLimits.forContainer(aws.clients().dynamoDb(), table, java.time.Clock.systemUTC())
                    .limit(new ApiBudgets(iseCallsPerSecond).ise(sims.ise().baseUri().getAuthority()).scaled(scale))
                    .take(org.appban.remote.Sleeper.REAL);
            List<String> intuneTargets = new ArrayList<>(), jamfTargets = new ArrayList<>();
            for (SimDevice d : sims.world().devices()) {
                if (!d.apps().contains(APP)) continue;
                if (d.spec().mdm() == org.appban.sim.fleet.FleetDevice.Mdm.INTUNE) intuneTargets.add(d.intuneId());
                if (d.spec().mdm() == org.appban.sim.fleet.FleetDevice.Mdm.JAMF) jamfTargets.add(Integer.toString(d.jamfId()));
            }
            Files.write(work.resolve("intune-targets"), intuneTargets, StandardCharsets.UTF_8);
            Files.write(work.resolve("jamf-targets"), jamfTargets, StandardCharsets.UTF_8);
            Map<String, String> conf = Map.ofEntries(Map.entry("endpoint", aws.endpoint().toString()),
                    Map.entry("region", aws.clients().dynamoDb().serviceClientConfiguration().region().id()), Map.entry("table", table),
                    Map.entry("iseCallsPerSecond", Integer.toString(iseCallsPerSecond)), Map.entry("budgetScale", Double.toString(scale)),
                    Map.entry("intune", sims.intune().baseUri().toString()), Map.entry("jamf", sims.jamf().baseUri().toString()),
                    Map.entry("ise", sims.ise().baseUri().toString()),
                    Map.entry("intuneTargets", work.resolve("intune-targets").toString()), Map.entry("jamfTargets", work.resolve("jamf-targets").toString()));

            out.printf(Locale.ROOT, "bench budgets: %d Intune and %d Jamf corporate devices with the app, %d private devices; budgets x%s;"
                            + " ISE_CALLS_PER_SECOND %d; device events %d/s and webhooks %d/s for %d s; simulator latency %d ms%n",
                    intuneTargets.size(), jamfTargets.size(), privateDevices, fmt(scale), iseCallsPerSecond, eventsPerSecond, webhooksPerSecond,
                    seconds, latencyMs);
            out.printf(Locale.ROOT, "containers (one JVM each, counts from template.yaml): inventory sync 1, enforce-removal deciding run 1"
                    + " + queue workers %d (EnforceWorkEventSource's MaximumConcurrency), network access %d and MDM webhook %d"
                    + " (their ReservedConcurrentExecutions)%n", workers, accessContainers, webhookContainers);

            Platform platform = new Platform(2 + workers + accessContainers + webhookContainers);
            List<Container> containers = new ArrayList<>();
            long t0 = System.currentTimeMillis();
            containers.add(Container.start("inventory", conf, work, platform));
            containers.add(Container.start("enforce-decide", conf, work, platform));
            for (int i = 0; i < workers; i++) containers.add(Container.start("enforce-worker", conf, work, platform));
            for (int i = 0; i < accessContainers; i++) containers.add(Container.start("network-access", conf, work, platform));
            for (int i = 0; i < webhookContainers; i++) containers.add(Container.start("mdm-webhook", conf, work, platform));
            if (!platform.ready.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("the containers did not start within 5 minutes");
            long goAt = System.currentTimeMillis();
            platform.go.countDown();
            platform.start();

            // Device events and webhooks: steady streams, together faster than the NAC's budget lets them be handled, so
            // that work is queued.
            long feedStart = System.currentTimeMillis();
            int sent = 0;
            for (int s = 0; s < seconds; s++) {
                long due = feedStart + (s + 1) * 1000L;
                for (int k = 0; k < eventsPerSecond + webhooksPerSecond; k++) {
                    int n = sent++;
                    String command = String.format(Locale.ROOT, "quarantine 02:BB:%02X:%02X:%02X:%02X", (n >> 24) & 0xFF, (n >> 16) & 0xFF,
                            (n >> 8) & 0xFF, n & 0xFF);
                    if (k < eventsPerSecond) platform.events.add("event " + command);
                    else platform.webhooks.add("webhook " + command);
                }
                long left = due - System.currentTimeMillis();
                if (left > 0) Thread.sleep(left);
            }
            platform.feeding = false;
            for (Container c : containers) c.await(Duration.ofMinutes(20));
            platform.finish();
            long t1 = System.currentTimeMillis();

            boolean containersOk = true;
            for (Container c : containers) {
                if (c.exit != 0) {
                    containersOk = false;
                    out.println("container " + c.role + " failed (exit " + c.exit + "): see " + c.log);
                }
            }
            out.printf(Locale.ROOT, "device events and webhooks sent: %d; wall time of the containers' work: %.0f s%n%n", sent,
                    (t1 - t0) / 1000.0);
            limiterReport(containers);
            startReport(containers, goAt, platform);
            return report(sims, platform, containersOk) ? 0 : 1;
        }
    }

    /** A function's reserved concurrency in the template: how many containers it can have at once. */
    static int reserved(JsonNode resources, String function) {
        JsonNode n = resources.path(function).path("Properties").path("ReservedConcurrentExecutions");
        if (!n.canConvertToInt() || n.asInt() < 1) throw new IllegalStateException("template.yaml: " + function + " has no ReservedConcurrentExecutions");
        return n.asInt();
    }

    /**
     * How the containers drew on the shared budgets, per role and budget (summed from each container's own count):
     * writes to the table and how many lost to another container's, the write's mean time, permits granted, used and
     * lapsed, the mean time a request spent waiting in the limiter, the batches asked for ahead of need, and the time
     * callers waited on the table itself, how often and how long (summed over the role's containers). This is where a starved budget shows why.
     */
    private void limiterReport(List<Container> containers) throws IOException {
        Map<String, long[]> sums = new java.util.TreeMap<>();
        for (Container c : containers) {
            for (String line : c.events()) {
                String[] f = line.split(" ");
                if (f.length < 15 || !f[1].equals("limiter")) continue;
                long[] sum = sums.computeIfAbsent(c.role + " " + f[3].replace('_', ' '), k -> new long[12]);
                sum[0]++;
                for (int i = 0; i < 11; i++) sum[i + 1] += Long.parseLong(f[4 + i]);
            }
        }
        out.println("limiter (per role and budget)                    containers  writes  lost  ms/write  granted    used  lapsed"
                + "  waits  ms in take/used  ahead  on table (times, ms)");
        sums.forEach((k, v) -> out.printf(Locale.ROOT, "%-48s %10d  %6d  %4d  %8.1f  %7d  %6d  %6d  %5d  %15.1f  %5d  %6d %8d%n", k, v[0], v[1], v[2],
                v[1] == 0 ? 0.0 : v[3] / (double) v[1], v[4], v[5], v[6], v[7], v[5] == 0 ? 0.0 : v[8] / (double) v[5], v[9], v[10], v[11]));
        out.println();
    }

    /**
     * How the containers started on each shared budget, counted from the moment they were told to go: per role, the
     * time to each container's first permit, the writes that first grant took (and lost), the grants that found the
     * bucket full and how long it had been full (refill that ran over, lost to everyone), and the sizes of the
     * first grants; and per budget the permits granted in each of the first four seconds. This is where the first
     * window's shortfall shows.
     */
    private void startReport(List<Container> containers, long goAt, Platform watch) throws IOException {
        long[] nac = watch.queued("nac");
        out.printf(Locale.ROOT, "start (from go; NAC work first seen queued %+d ms after it):%n", nac[0] == 0 ? 0 : nac[0] - goAt);
        out.println("budget / role                                    containers  first take ms (median/max)  first permit ms (min/median/max)  first grant writes (lost)"
                + "  grants found full  full ms  first grants' sizes (one container)");
        Map<String, List<String[]>> byRole = new java.util.TreeMap<>();
        Map<String, long[]> perSecond = new java.util.TreeMap<>();
        long firstAnswer = Long.MAX_VALUE;
        for (Container c : containers) {
            for (String line : c.events()) {
                String[] f = line.split(" ");
                if (f.length < 9 || !f[1].equals("start")) continue;
                byRole.computeIfAbsent(f[3] + " " + c.role, k -> new ArrayList<>()).add(f);
                long[] seconds = perSecond.computeIfAbsent(f[3], k -> new long[4]);
                if (f[8].equals("-")) continue;
                for (String g : f[8].split(";")) {
                    String[] v = g.split(",");
                    long lease = Long.parseLong(v[3]) - goAt;
                    if (lease >= 0 && lease < 4000) seconds[(int) (lease / 1000)] += Long.parseLong(v[2]);
                    if (f[3].startsWith("ISE")) firstAnswer = Math.min(firstAnswer, Long.parseLong(v[1]));
                }
            }
        }
        byRole.forEach((k, rows) -> {
            List<Long> firsts = rows.stream().map(f -> Long.parseLong(f[5])).filter(t -> t > 0).map(t -> t - goAt).sorted().toList();
            List<Long> asks = rows.stream().map(f -> Long.parseLong(f[4])).filter(t -> t > 0).map(t -> t - goAt).sorted().toList();
            long writes = 0, lost = 0, full = 0, fullMs = 0;
            for (String[] f : rows) {
                fullMs += Long.parseLong(f[6]);
                full += Long.parseLong(f[7]);
                if (!f[8].equals("-")) {
                    String[] g = f[8].split(";")[0].split(",");
                    writes += Long.parseLong(g[4]);
                    lost += Long.parseLong(g[5]);
                }
            }
            String sizes = rows.get(0)[8].equals("-") ? "-" : java.util.Arrays.stream(rows.get(0)[8].split(";"))
                    .map(g -> g.split(",")).map(g -> g[2] + (g[6].equals("1") ? "a" : "") + "@" + (Long.parseLong(g[3]) - goAt)).collect(java.util.stream.Collectors.joining(" "));
            out.printf(Locale.ROOT, "%-48s %10d  %26s  %32s  %25s  %17d  %7d  %s%n", k.replace('_', ' '), rows.size(),
                    asks.isEmpty() ? "-" : asks.get(asks.size() / 2) + " / " + asks.get(asks.size() - 1),
                    firsts.isEmpty() ? "-" : firsts.get(0) + " / " + firsts.get(firsts.size() / 2) + " / " + firsts.get(firsts.size() - 1),
                    writes + " (" + lost + ")", full, fullMs, sizes);
        });
        perSecond.forEach((label, sec) -> out.printf(Locale.ROOT, "%s: permits granted (first grants only) whose lease starts in each of the first 4 s: %s%n",
                label.replace('_', ' '), java.util.Arrays.toString(sec)));
        if (firstAnswer != Long.MAX_VALUE) out.printf(Locale.ROOT, "ISE: first grant answered %d ms after go%n", firstAnswer - goAt);
        out.println();
    }

    /** One budget as the simulators saw it: which requests draw on it, its limit and window (scaled), where work was queued. */
    private record Line(String name, SimServer sim, Predicate<RecordedRequest> applies, Budget budget, String queue) {
    }

    private boolean report(Simulators sims, Platform watch, boolean containersOk) {
        Predicate<RecordedRequest> dm = r -> r.path().contains("/deviceManagement/");
        Predicate<RecordedRequest> dam = r -> r.path().contains("/deviceAppManagement/");
        Predicate<RecordedRequest> dir = r -> r.path().contains("/groups") || r.path().contains("/directoryObjects/");
        Predicate<RecordedRequest> write = r -> !r.method().equals("GET");
        List<Line> lines = List.of(
                new Line("Graph deviceManagement writes", sims.intune(), dm.and(write), graph("dm-w", ApiBudgets.GRAPH_DEVICES_WRITES, ApiBudgets.GRAPH_WINDOW), "work"),
                new Line("Graph deviceManagement", sims.intune(), dm, graph("dm", ApiBudgets.GRAPH_DEVICES_ANY, ApiBudgets.GRAPH_WINDOW), null),
                new Line("Graph deviceAppManagement writes", sims.intune(), dam.and(write), graph("dam-w", ApiBudgets.GRAPH_APPS_WRITES, ApiBudgets.GRAPH_WINDOW), null),
                new Line("Graph deviceAppManagement", sims.intune(), dam, graph("dam", ApiBudgets.GRAPH_APPS_ANY, ApiBudgets.GRAPH_WINDOW), null),
                new Line("Graph directory writes", sims.intune(), dir.and(write), graph("dir-w", ApiBudgets.DIRECTORY_WRITES, ApiBudgets.DIRECTORY_WRITES_WINDOW), null),
                new Line("Graph directory", sims.intune(), dir, graph("dir", ApiBudgets.DIRECTORY_ANY, ApiBudgets.DIRECTORY_WINDOW), null),
                new Line("ISE ERS calls", sims.ise(), r -> true, new ApiBudgets(iseCallsPerSecond).ise("bench").scaled(scale), "nac"));
        boolean ok = containersOk;
        List<String> timelines = new ArrayList<>();
        out.println("budget (scaled)                      limit/window   most in a window   20 s budget   busiest 20 s   emptiest busy 20 s   share   429s");
        for (Line l : lines) {
            List<RecordedRequest> log = l.sim().requests().matching(r -> !r.path().startsWith("/_sim/") && !r.path().endsWith("$batch")
                    && !r.path().contains("/oauth") && l.applies().test(r));
            long throttled = log.stream().filter(r -> r.status() == 429).count();
            long[] at = log.stream().filter(r -> r.status() != 429).mapToLong(r -> r.wallTime().toEpochMilli()).sorted().toArray();
            int most = mostInAnyWindow(at, l.budget().window().toMillis());
            double per20 = l.budget().limit() * (double) REPORT_WINDOW.toMillis() / l.budget().window().toMillis();
            boolean over = most > l.budget().limit();
            String busiest = "-", emptiest = "-", share = "";
            if (l.queue() != null) {
                long[] busy = watch.queued(l.queue());
                List<Integer> windows = tumbling(at, busy[0], busy[1], REPORT_WINDOW.toMillis());
                if (windows.isEmpty()) {
                    emptiest = "(work queued < 20 s)";
                } else {
                    int max = windows.stream().mapToInt(Integer::intValue).max().orElse(0);
                    int min = windows.stream().mapToInt(Integer::intValue).min().orElse(0);
                    busiest = Integer.toString(max);
                    emptiest = Integer.toString(min);
                    share = String.format(Locale.ROOT, "%.2f", min / per20);
                    if (min < TARGET * per20) ok = false;
                }
                long firstIn = java.util.Arrays.stream(at).filter(t -> t >= busy[0]).findFirst().orElse(busy[0]) - busy[0];
                timelines.add(String.format(Locale.ROOT, "%s, per 5 s while work was queued: %s (the first request %d ms into the first)", l.name(),
                        tumbling(at, busy[0], busy[1], 5000), firstIn));
            } else {
                List<Integer> windows = tumbling(at, at.length == 0 ? 0 : at[0], at.length == 0 ? 0 : at[at.length - 1], REPORT_WINDOW.toMillis());
                busiest = windows.isEmpty() ? Integer.toString(at.length) : Integer.toString(windows.stream().mapToInt(Integer::intValue).max().orElse(0));
                emptiest = "(no queue: not a target)";
            }
            if (over || throttled > 0) ok = false;
            out.printf(Locale.ROOT, "%-34s %6d / %3ds   %8d%s   %11.0f   %12s   %18s   %5s   %4d%n", l.name(), l.budget().limit(),
                    l.budget().window().toSeconds(), most, over ? " OVER" : "     ", per20, busiest, emptiest, share, throttled);
        }
        out.println();
        timelines.forEach(out::println);
        var ise = sims.ise().load();
        var jamfLoad = sims.jamf().load();
        out.printf(Locale.ROOT, "%nISE: capacity %d calls/s, overload seconds %d, failed for overload %d; most in any 1 s: %d%n",
                ise.capacityPerSecond(), ise.overloadSeconds(), ise.failedForOverload(),
                mostInAnyWindow(sims.ise().requests().all().stream().filter(r -> !r.path().startsWith("/_sim/"))
                        .mapToLong(r -> r.wallTime().toEpochMilli()).sorted().toArray(), 1000));
        out.printf(Locale.ROOT, "Jamf Pro: most connections at once %d (recommended at most %d), seconds over it %d; 429s %d%n",
                jamfLoad.peakInFlight(), jamfLoad.connectionCap(), jamfLoad.secondsOverConnectionCap(),
                sims.jamf().requests().count(r -> r.status() == 429));
        long[] work = watch.queued("work"), nac = watch.queued("nac");
        out.printf(Locale.ROOT, "work queued: enforcement items %.0f s, NAC commands (device events or webhooks) %.0f s%n",
                Math.max(0, work[1] - work[0]) / 1000.0, Math.max(0, nac[1] - nac[0]) / 1000.0);
        if (ise.overloadSeconds() > 0 || jamfLoad.secondsOverConnectionCap() > 0) ok = false;
        out.println(ok ? "targets met: no window over any budget, at least " + TARGET + " of each queued-for budget, no 429, no ISE overload"
                : "TARGETS NOT MET (see above)");
        return ok;
    }

    private Budget graph(String key, int limit, Duration window) {
        return new Budget("graph/" + key, key, limit, window).scaled(scale);
    }

    /** The most requests in any span of {@code windowMillis} (sliding: every request starts a window). */
    static int mostInAnyWindow(long[] at, long windowMillis) {
        int most = 0;
        for (int i = 0, j = 0; i < at.length; i++) {
            while (at[j] <= at[i] - windowMillis) j++;
            most = Math.max(most, i - j + 1);
        }
        return most;
    }

    /** Requests in each whole window of {@code windowMillis} from {@code from}, up to {@code to}. */
    static List<Integer> tumbling(long[] at, long from, long to, long windowMillis) {
        List<Integer> out = new ArrayList<>();
        for (long start = from; start + windowMillis <= to; start += windowMillis) {
            int n = 0;
            for (long t : at) if (t >= start && t < start + windowMillis) n++;
            out.add(n);
        }
        return out;
    }

    private String fleetJson() {
        StringBuilder members = new StringBuilder();
        StringBuilder devices = new StringBuilder();
        int n = 0;
        int total = intune + jamf + privateDevices;
        for (int i = 0; i < total; i++) {
            if (i > 0) {
                members.append(',');
                devices.append(',');
            }
            members.append("{\"id\":\"p").append(i).append("\",\"name\":\"Person ").append(i).append("\",\"email\":\"p").append(i)
                    .append("@example.org\",\"role\":\"staff\"}");
            String mdm = i < intune ? "intune" : i < intune + jamf ? "jamf" : "none";
            boolean corporate = i < intune + jamf;
            devices.append("{\"id\":\"dev").append(i).append("\",\"owner\":\"p").append(i).append("\",\"ownership\":\"")
                    .append(corporate ? "corporate" : "private").append("\",\"platform\":\"ios\",\"model\":\"iPhone 14\",\"supervised\":")
                    .append(corporate).append(",\"apps\":[").append(corporate ? "\"" + APP + "\"" : "").append("],\"mdm\":\"").append(mdm)
                    .append("\",\"mac\":\"").append(String.format(Locale.ROOT, "02:AA:%02X:%02X:%02X:%02X", (i >> 24) & 0xFF, (i >> 16) & 0xFF,
                            (i >> 8) & 0xFF, i & 0xFF)).append("\"}");
            n++;
        }
        return "{\"startsAt\":\"2023-03-31T00:00+13:00\",\"catalog\":[{\"identifier\":\"" + APP + "\",\"name\":\"TikTok\"}],"
                + "\"members\":[" + members + "],\"devices\":[" + devices + "]}";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }


    /**
     * The Lambda platform's part: the queued work (the enforcement work queue, the webhooks on their way to the
     * function URL), handed to whichever container asks next, and when work was queued (sampled every quarter second).
     */
    private static final class Platform extends Thread {
        final java.util.concurrent.ConcurrentLinkedDeque<String> work = new java.util.concurrent.ConcurrentLinkedDeque<>();
        final java.util.concurrent.ConcurrentLinkedDeque<String> webhooks = new java.util.concurrent.ConcurrentLinkedDeque<>();
        final java.util.concurrent.ConcurrentLinkedDeque<String> events = new java.util.concurrent.ConcurrentLinkedDeque<>();
        volatile boolean decided;
        volatile boolean feeding = true;
        /** Every container warm (its JVM up, its clients built) before any starts its work: the runs start together. */
        final java.util.concurrent.CountDownLatch ready;
        final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean running = true;
        private final Map<String, long[]> queued = new java.util.concurrent.ConcurrentHashMap<>();

        Platform(int containers) {
            super("bench-platform");
            this.ready = new java.util.concurrent.CountDownLatch(containers);
            setDaemon(true);
        }

        /** What a container of {@code role} is handed when it asks for its next invocation. */
        synchronized String next(String role) {
            if (role.equals("enforce-worker")) {
                String first = work.poll();
                if (first == null) return decided ? "end" : "wait";
                // A batch of up to ten (the event source mapping's BatchSize), one MDM's devices.
                String mdm = first.split(" ")[0];
                StringBuilder batch = new StringBuilder("work ").append(first);
                for (int i = 1; i < 10; i++) {
                    String item = work.peek();
                    if (item == null || !item.startsWith(mdm + " ")) break;
                    batch.append(' ').append(work.poll().substring(mdm.length() + 1));
                }
                return batch.toString();
            }
            if (role.equals("network-access") || role.equals("mdm-webhook")) {
                String command = (role.equals("network-access") ? events : webhooks).poll();
                if (command == null) return feeding ? "wait" : "end";
                return command;
            }
            return "end";
        }

        @Override
        public void run() {
            while (running) {
                long now = System.currentTimeMillis();
                if (!work.isEmpty()) queued.compute("work", (k, v) -> v == null ? new long[]{now, now} : new long[]{v[0], now});
                if (!webhooks.isEmpty() || !events.isEmpty()) queued.compute("nac", (k, v) -> v == null ? new long[]{now, now} : new long[]{v[0], now});
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long[] queued(String name) {
            return queued.getOrDefault(name, new long[]{0, 0});
        }

        void finish() {
            running = false;
            interrupt();
        }
    }

    /** A container's JVM: the production adapters' classes, a small heap, Lambda's C1-only and serial GC flags. */
    private static final class Container {
        final String role;
        final Process process;
        final Path log;
        final Thread reader;
        int exit = -1;

        private Container(String role, Process process, Path log, Thread reader) {
            this.role = role;
            this.process = process;
            this.log = log;
            this.reader = reader;
        }

        static Container start(String role, Map<String, String> conf, Path work, Platform platform) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            // Niced: in production DynamoDB and the APIs do not share the containers' CPU. Here moto and the simulators
            // do, and fifteen JVMs busy at once on two cores made moto take seconds per write in the first windows
            // (each container's limiter counts showed it), which is this machine's shape, not production's.
            List<String> command = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/nice"))) command.addAll(List.of("/usr/bin/nice", "-n", "10"));
            command.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), BudgetsContainer.class.getName(), "role=" + role));
            conf.forEach((k, v) -> command.add(k + "=" + v));
            Path log = Files.createTempFile(work, role + "-", ".log");
            Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
            Path events = work.resolve(log.getFileName() + ".events");
            // Its output: milestones, the decider's work items, and its asks for the next invocation.
            Thread reader = new Thread(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                     var answers = new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8);
                     var record = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.equals("ready")) {
                            platform.ready.countDown();
                            platform.go.await();
                            answers.println("go");
                        } else if (line.equals("next")) {
                            answers.println(platform.next(role));
                        } else if (line.startsWith("enqueue ")) {
                            platform.work.add(line.substring("enqueue ".length()));
                        } else {
                            if (line.startsWith("event enqueued")) platform.decided = true;
                            record.write(line);
                            record.newLine();
                            record.flush();
                        }
                    }
                } catch (IOException e) {
                    // the container went away: its exit status tells
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (role.equals("enforce-decide")) platform.decided = true; // done or dead, it queues nothing more
                }
            }, "bench-" + role);
            reader.setDaemon(true);
            reader.start();
            return new Container(role, p, log, reader);
        }

        /** The lines it printed that the bench recorded (its milestones). */
        List<String> events() throws IOException {
            Path events = log.resolveSibling(log.getFileName() + ".events");
            return Files.exists(events) ? Files.readAllLines(events, StandardCharsets.UTF_8) : List.of();
        }

        void await(Duration most) throws InterruptedException {
            if (!process.waitFor(most.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            reader.join(5000);
            exit = process.exitValue();
        }
    }
}
