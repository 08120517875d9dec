package org.appban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.appban.coldstart.BaselineHandler;
import org.appban.coldstart.CallTimer;
import org.appban.coldstart.FirstInvocation;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.SimSettings;
import org.appban.coldstart.ServiceCosts;
import org.appban.locallambda.FreshEvents;
import org.appban.testing.TemplateResources;
import software.amazon.awssdk.core.sync.RequestBody;
import java.util.concurrent.Callable;
import org.appban.cli.support.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./appban bench coldstart}: each function's first invocation through AWS's Runtime Interface Emulator and
 * Client, beside a baseline on the same path ({@link LambdaColdStart}, the default; {@code --against JAR} measures another
 * build's jar alternately with this one there). With {@code --direct} (or any of {@code --prime}, {@code --phases},
 * {@code --plain-http}), the older
 * measure described here: {@code [--runs N] [--prime] [--only FUNCTION] [--phases] [--jvm-opt OPTION]...}: each
 * handler's cold start in a plain JVM, beside a baseline handler that makes one DynamoDB GetItem and nothing else.
 *
 * <p>For each function of template.yaml: a fresh JVM ({@code java -cp functions/target/appban-functions-lambda.jar
 * org.appban.coldstart.FirstInvocation}, JVM flags as Lambda's java21 runtime sets them) builds the handler through
 * its no-arg constructor (the production wiring) with the environment template.yaml gives it, pointed at the emulator
 * (the stack created by the LocalStack init hook, the MDM and NAC simulators behind its secrets), and invokes it with
 * one of its samples from events/, then once more with the same sample in the same JVM. The handlers run in
 * template order on one stack, so each sees what the ones before it left (the roster imported, the fleet synced).
 *
 * <p>Printed per handler (median of the runs): the time from starting the JVM to the first completed invocation
 * ("first") and its ratio to the baseline's; the handler's construction ("init") and first invocation ("call")
 * within the JVM; the second invocation ("warm": the same work without the cold start); "cold" = first - warm, what
 * the cold start itself costs, and its ratio; the classes loaded by the end of the first invocation.
 * {@code --phases} runs each once more with its AWS calls timed (a global SDK interceptor, {@code CallTimer}) and
 * prints where the time went: JVM start, construction, the first invocation, and the AWS calls in each by operation.
 * {@code --prime} also runs the SnapStart priming before the invocation and prints the invocation alone, as a
 * restored snapshot would pay it.
 *
 * <p>Conditions, to read the figures by: the JVM is the one running this command (the build's JDK, not Lambda's
 * Corretto 21), with the flags Lambda's java21 runtime uses by default ({@link #LAMBDA_JVM_FLAGS}) and the JDK's
 * default CDS archive (on by default since JDK 12, as on Lambda); the emulator is moto on loopback (every AWS call
 * a local round trip, about 10-20 ms each warm), behind a TLS front ({@link TlsFront}) so that AWS calls are HTTPS
 * as on Lambda ({@code --plain-http} for plain HTTP); the MDM and NAC simulators answer plain HTTP (the real services
 * are HTTPS: a function calling them shares the TLS set-up with its AWS calls, and pays its own handshakes); the
 * machine is shared, so compare ratios measured in one command, not absolute times across commands.
 */
@Command(name = "coldstart", description = {"Each function's first invocation in a fresh JVM, as Lambda runs it.",
            "By default through AWS's Runtime Interface Emulator and Client, against the emulator (SnapStart unless "
                    + "--classic). --direct, or any of --prime, --phases, --plain-http: each handler in a "
                    + "plain JVM with Lambda's flags. --services: what each AWS service costs a fresh JVM the first time."})
public final class ColdStartBench implements Callable<Integer> {
    @Option(names = "--runs", paramLabel = "N", description = "runs per function; the median is printed (default: "
            + "${DEFAULT-VALUE})")
    private int runs = 3;
    @Option(names = "--only", paramLabel = "FUNCTION", description = "only this function (and the baseline)")
    private String only;
    @Option(names = "--classic", description = "as functions without SnapStart (the Lambda path)")
    private boolean classic;
    @Option(names = "--direct", description = "the handler in a plain JVM (FirstInvocation), not through the Runtime Interface "
            + "Emulator and Client")
    private boolean direct;
    @Option(names = "--prime", description = "(direct) run the SnapStart priming first and time the invocation alone, as a "
            + "restored snapshot pays it")
    private boolean prime;
    @Option(names = "--phases", description = "(direct) once more with the AWS calls timed: where the time went")
    private boolean phases;
    @Option(names = "--against", paramLabel = "JAR", description = "another build's deployable jar (e.g. main's), measured run for "
            + "run alternately with this one on the same stack")
    private Path against;
    // The AWS calls in plain HTTP straight to the emulator, as the bench measured before it had a TLS front.
    @Option(names = "--plain-http", description = "(direct) AWS calls in plain HTTP to the emulator, without the TLS front")
    private boolean plainHttp;
    // For finding out why a handler is slow, e.g. --jvm-opt -Xlog:class+load:file=/tmp/cl-%p.log:uptime
    @Option(names = "--jvm-opt", paramLabel = "OPTION", description = "an extra JVM option for the measured JVMs (on the Lambda path: JAVA_TOOL_OPTIONS); "
            + "repeatable")
    private List<String> extra = new ArrayList<>();
    @Option(names = "--services", description = "what each AWS service (and the MDM and NAC adapters) costs a fresh JVM the "
            + "first time, no emulator")
    private boolean services;
    private final PrintStream out;

    public ColdStartBench(PrintStream out) {
        this.out = out;
    }
    /**
     * Lambda's java17 and java21 runtimes stop tiered compilation at level 1 (C1 only) by default, and use the
     * serial collector (AWS Lambda developer guide, "Customize Java runtime startup behavior").
     */
    static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    /** The sample each function's first invocation handles: a real trigger, as light as the function allows. */
    static final Map<String, String> FIRST_EVENTS = Map.ofEntries(
            Map.entry("RosterImportFunction", "roster-import/s3-object-created.json"),
            Map.entry("InventorySyncFunction", "inventory-sync/schedule.json"),
            Map.entry("NotifyMembersFunction", "notify-members/schedule.json"),
            Map.entry("AdminFunction", "admin/status.json"),
            Map.entry("ExemptionLinkFunction", "exemption-link/get-form.json"),
            Map.entry("ExemptionSweepFunction", "exemption-sweep/schedule.json"),
            Map.entry("NetworkAccessFunction", "network-access/schedule.json"),
            Map.entry("AttestationFunction", "attestation/open-link.json"),
            Map.entry("EnforceRemovalFunction", "enforce-removal/sqs-batch.json"),
            Map.entry("MdmWebhookFunction", "mdm-webhook/signed-compliance-changed.json"),
            // The digest function came after these were chosen; --direct and --against stopped at it.
            Map.entry("LedgerDigestFunction", "ledger-digest/schedule.json"));
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The functions whose samples carry a signature or a signed token, made fresh for the stack (see {@link #events}). */
    static final java.util.Set<String> SIGNED = java.util.Set.of("MdmWebhookFunction", "AttestationFunction", "ExemptionLinkFunction");

    /** The event files of one run: its first invocation's and its second (warm) one's. */
    @FunctionalInterface
    interface Events {
        Path[] next() throws IOException;
    }

    /**
     * {@code function}'s events: its sample as it is, or for a signed one ({@link #SIGNED}) a new event per invocation,
     * signed now with the stack's key: the MDM webhook a delivery of its own about a device the stack's fleet has (a
     * replayed delivery is refused before any work, and a sample signed with another key gets a 401), the
     * attestation link and the exemption form a fresh token for the roster's first member.
     */
    private static Events events(String function, String sample, org.appban.locallambda.FreshEvents fresh, EmulatedStack stack,
                                 LocalEmulator emulator, SetUp setUp, Path work) throws IOException {
        String signing = stack.environment("AttestationFunction").get("SIGNING_SECRET_ARN");
        java.util.function.Supplier<String> signed = switch (function) {
            case "MdmWebhookFunction" -> {
                String key = stack.environment(function).get("WEBHOOK_SECRET_ARN");
                yield () -> fresh.mdmWebhook(key, setUp.intuneDevice(emulator));
            }
            case "AttestationFunction" -> () -> fresh.attestationLink(signing, "m-001");
            case "ExemptionLinkFunction" -> () -> fresh.exemptionForm(signing, "m-001");
            default -> null;
        };
        if (signed == null) {
            Path file = Files.writeString(work.resolve(function + ".json"), sample);
            return () -> new Path[] {file, file};
        }
        return () -> new Path[] {Files.writeString(work.resolve(function + "-" + UUID.randomUUID() + ".json"), signed.get()),
                Files.writeString(work.resolve(function + "-" + UUID.randomUUID() + ".json"), signed.get())};
    }

    /**
     * Runs, once each and unmeasured, the functions whose runs leave what a signed sample needs when the bench does
     * not measure them first: the roster import (the members the links name), the inventory's whole sync (the device
     * the webhook's delivery names: the hourly schedule's sample only hands its round on).
     */
    private static final class SetUp {
        private final EmulatedStack stack;
        private final Map<String, String> common;
        private final String stage;
        private final Path jar;
        private final List<String> extra;
        private final Path work;
        private final PrintStream out;
        private String device;

        SetUp(EmulatedStack stack, Map<String, String> common, String stage, Path jar, List<String> extra, Path work, PrintStream out) {
            this.stack = stack;
            this.common = common;
            this.stage = stage;
            this.jar = jar;
            this.extra = extra;
            this.work = work;
            this.out = out;
        }

        void roster() throws IOException, InterruptedException {
            run("RosterImportFunction", stack.localNames(Files.readString(LocalEmulator.root().resolve("events/roster-import/s3-object-created.json"))));
        }

        /** The mdmId of an Intune device the stack has, after syncing the fleet if it has none yet. */
        String intuneDevice(LocalEmulator emulator) {
            if (device != null) return device;
            try {
                device = LambdaColdStart.firstIntuneDevice(emulator, stack);
            } catch (IllegalStateException none) {
                try {
                    run("InventorySyncFunction", "{\"trigger\": \"manual\", \"dryRun\": false}");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                device = LambdaColdStart.firstIntuneDevice(emulator, stack);
            }
            return device;
        }

        private void run(String function, String event) throws IOException, InterruptedException {
            out.printf("set-up (not measured): %s, for the signed samples%n", function);
            Path file = Files.writeString(work.resolve("setup-" + function + ".json"), event);
            Map<String, String> env = new LinkedHashMap<>(common);
            env.putAll(stack.environment(function));
            env.put("AWS_LAMBDA_FUNCTION_NAME", "appban-" + stage + "-" + function);
            Run r = once(stack.handlers().get(function), env, () -> new Path[] {file}, jar, false, false, extra, work);
            if (r.error != null) throw new IllegalStateException("set-up: " + function + " failed: " + r.error);
        }
    }

    public static int run(List<String> args, PrintStream out) {
        return CommandLines.call("./appban bench coldstart", new ColdStartBench(out), args, out, out);
    }

    @Override
    public Integer call() {
        Path against = this.against == null ? null : this.against.toAbsolutePath();
        try {
            if (services) return services(runs, extra, out);
            if (!direct && !prime && !phases && !plainHttp) {
                return LambdaColdStart.run(runs, only, classic ? org.appban.locallambda.LocalLambda.Mode.CLASSIC
                        : org.appban.locallambda.LocalLambda.Mode.SNAPSTART, extra, against, out);
            }
            return bench(runs, prime, phases, only, against, plainHttp, extra, out);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up the TLS front: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int bench(int runs, boolean prime, boolean phases, String only, Path against, boolean plainHttp, List<String> diagnostics,
                             PrintStream out) throws IOException, InterruptedException, java.security.GeneralSecurityException {
        Path root = LocalEmulator.root();
        Path jar = root.resolve("functions/target/appban-functions-lambda.jar");
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: ./mvnw -B -DskipTests package");
        Path work = Files.createTempDirectory("appban-coldstart-");
        try (LocalEmulator emulator = LocalEmulator.start(out);
             TlsFront tls = plainHttp ? null : TlsFront.start(emulator.endpoint(), work);
             Simulators sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults()).start()) {
            String stage = "cs" + UUID.randomUUID().toString().substring(0, 6);
            EmulatedStack stack = EmulatedStack.create(root, emulator.endpoint(), emulator.clients().region().id(), stage,
                    new TemplateResources.SimulatorPorts("127.0.0.1", sims.intune().baseUri().getPort(), sims.jamf().baseUri().getPort(),
                            sims.ise().baseUri().getPort()));
            emulator.clients().s3().putObject(r -> r.bucket(stack.bucket("RosterBucket")).key("rosters/parliament 2023-03-16.csv"),
                    RequestBody.fromFile(root.resolve("events/roster-import/rosters/parliament 2023-03-16.csv")));
            Map<String, String> common = new LinkedHashMap<>();
            common.put("AWS_ENDPOINT_URL", (tls == null ? emulator.endpoint() : tls.endpoint()).toString());
            List<String> extra = new ArrayList<>(diagnostics);
            if (tls != null) extra.addAll(tls.jvmOptions());
            common.put("AWS_REGION", emulator.clients().region().id());
            common.put("AWS_ACCESS_KEY_ID", "test");
            common.put("AWS_SECRET_ACCESS_KEY", "test");

            long jarBytes = Files.size(jar);
            out.printf("jar: %s, %.1f MB (%d bytes)%n", root.relativize(jar), jarBytes / 1e6, jarBytes);
            out.printf("JVM: %s %s, flags %s; median of %d run(s) per handler%n%n", System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), String.join(" ", LAMBDA_JVM_FLAGS), runs);
            out.println(tls == null ? "AWS calls: plain HTTP to the emulator (--plain-http); the functions that call an MDM or NAC still set up TLS"
                    : "AWS calls: HTTPS, as on Lambda (a TLS front to the emulator, trusted with the JDK's CA certificates); MDM and NAC simulators: HTTP");
            if (!diagnostics.isEmpty()) out.printf("extra JVM options (diagnostics, not Lambda's): %s%n", String.join(" ", diagnostics));

            Map<String, String> baselineEnv = new LinkedHashMap<>(common);
            baselineEnv.put("BASELINE_TABLE", stack.environment("AdminFunction").get("MEMBERS_TABLE"));
            baselineEnv.put("AWS_LAMBDA_FUNCTION_NAME", "baseline");
            Path baselineFile = Files.writeString(work.resolve("baseline.json"), "{}");
            Events baselineEvent = () -> new Path[] {baselineFile, baselineFile};
            // The samples signed with a key (the webhook's HMAC, the members' links) are made fresh for this stack with
            // its keys, one delivery per invocation; the events/ samples' own signatures are by keys nobody has.
            FreshEvents fresh = new FreshEvents(root, arn -> emulator.clients().secretsManager().getSecretValue(r -> r.secretId(arn)).secretString());
            SetUp setUp = new SetUp(stack, common, stage, jar, extra, work, out);
            if (only != null && SIGNED.contains(stack.function(only))) setUp.roster();
            if (against != null) {
                return compare(stack, root, common, stage, baselineEnv, baselineEvent, jar, against, only, runs, prime, extra, work, fresh, emulator,
                        setUp, out);
            }
            Result baseline = measure("baseline (one GetItem)", BaselineHandler.class.getName(), baselineEnv, baselineEvent, jar, runs, prime, phases, extra, work);

            List<Result> results = new ArrayList<>();
            for (Map.Entry<String, String> f : stack.handlers().entrySet()) {
                if (only != null && !stack.function(only).equals(f.getKey())) continue;
                String sample = FIRST_EVENTS.get(f.getKey());
                if (sample == null) throw new IllegalStateException("no first event chosen for " + f.getKey() + " (ColdStartBench.FIRST_EVENTS)");
                Events event = events(f.getKey(), stack.localNames(Files.readString(root.resolve("events").resolve(sample))), fresh, stack, emulator,
                        setUp, work);
                Map<String, String> env = new LinkedHashMap<>(common);
                env.putAll(stack.environment(f.getKey()));
                env.put("AWS_LAMBDA_FUNCTION_NAME", "appban-" + stage + "-" + f.getKey());
                results.add(measure(f.getKey() + " (" + sample + ")", f.getValue(), env, event, jar, runs, prime, phases, extra, work));
            }

            out.printf("%-58s %11s %6s %9s %9s %9s %9s %6s %8s %6s %8s%s%n", "handler (first event)", "first (ms)", "x base", "init (ms)",
                    "call (ms)", "warm (ms)", "cold (ms)", "x base", "cpu (ms)", "x base", "classes",
                    prime ? "  primed call (ms)" : "");
            print(out, baseline, baseline, prime);
            List<String> over = new ArrayList<>();
            List<String> coldOver = new ArrayList<>();
            for (Result r : results) {
                print(out, r, baseline, prime);
                String fn = r.name.split(" ")[0];
                if (r.error != null || r.firstMillis > 1.5 * baseline.firstMillis) over.add(fn);
                if (r.error != null || r.coldMillis > 1.5 * baseline.coldMillis) coldOver.add(fn);
            }
            out.printf("%ntarget: every handler's first invocation within 1.5x the baseline's (%.0f ms): %s%n", 1.5 * baseline.firstMillis,
                    over.isEmpty() ? "met" : "NOT met by " + String.join(", ", over));
            out.printf("        the same without the invocation's warm cost (cold = first - warm; %.0f ms): %s%n", 1.5 * baseline.coldMillis,
                    coldOver.isEmpty() ? "met" : "NOT met by " + String.join(", ", coldOver));
            if (phases) {
                out.printf("%nwhere the time goes (one more run each, primed as SnapStart primes, its AWS calls timed by a global SDK "
                        + "interceptor): per phase wall ms, CPU ms of the whole JVM, classes loaded. The JVM's start counts the "
                        + "java.management classes that read these; the restore hooks are not run on this path (the Lambda path's "
                        + "\"restored\" minus \"invoke\" is theirs).%n");
                out.printf("%-24s %7s | %-20s | %-20s | %-20s | %-20s | %-17s | %-12s |  %s%n", "handler", "first", "JVM start: ms cpu cls",
                        "construct: ms cpu cls", "priming: ms cpu cls", "1st call: ms cpu cls", "AWS: init 1st n", "warm (aws)",
                        "AWS calls: count x operation = ms (first call ms)");
                printPhases(out, baseline);
                for (Result r : results) printPhases(out, r);
            }
            out.printf("target: deployable jar under 20 MB: %s (%.1f MB)%n", jarBytes < 20_000_000 ? "met" : "NOT met", jarBytes / 1e6);
            return 0;
        }
    }

    private record Result(String name, double firstMillis, double initMillis, double callMillis, double warmMillis,
            double coldMillis, long classes, double primedCallMillis, String error,
            Run timed, double cpuMillis) {
    }

    private static void print(PrintStream out, Result r, Result baseline, boolean prime) {
        if (r.error != null) {
            out.printf("%-58s failed: %s%n", r.name, r.error);
            return;
        }
        out.printf("%-58s %11.0f %6.2f %9.0f %9.0f %9.0f %9.0f %6.2f %8.0f %6.2f %8d%s%n", r.name, r.firstMillis,
                r.firstMillis / baseline.firstMillis, r.initMillis, r.callMillis, r.warmMillis, r.coldMillis, r.coldMillis / baseline.coldMillis,
                r.cpuMillis, r.cpuMillis / baseline.cpuMillis, r.classes, prime && r.primedCallMillis >= 0 ? String.format("  %17.0f", r.primedCallMillis) : "");
    }

    /**
     * {@code --against}: the baseline and each handler on this build's jar and on {@code before}, run for run
     * alternately (A B, then B A, ...), after one unmeasured run that brings the stack to the state later runs see:
     * a loaded machine then slows both sides alike, and the before/after figures can be set side by side.
     */
    private static int compare(EmulatedStack stack, Path root, Map<String, String> common, String stage, Map<String, String> baselineEnv,
                               Events baselineEvent, Path after, Path before, String only, int runs, boolean prime, List<String> extra, Path work,
                               FreshEvents fresh, LocalEmulator emulator, SetUp setUp,
                               PrintStream out) throws IOException, InterruptedException {
        out.printf("comparing with %s (%.1f MB): median of %d alternating run(s) each, after one unmeasured run%n", before,
                Files.size(before) / 1e6, runs);
        // Primed, each run's classes are those its first invocation loaded after the priming, as a restored snapshot's would.
        out.printf("%s%n%n", prime ? "primed (--prime): the invocation after the SnapStart priming; classes = loaded by that invocation"
                : "classes = loaded by the end of the first invocation");
        out.printf("%-24s | %-46s | %-46s%n", "", "before", "after (this build)");
        out.printf("%-24s | %7s %6s %7s %7s %6s %8s | %7s %6s %7s %7s %6s %8s%n", "handler", "first", "x base", "cold x", "cpu", "x base",
                "classes", "first", "x base", "cold x", "cpu", "x base", "classes");
        Result[] base = pair("baseline", BaselineHandler.class.getName(), BaselineHandler.class.getName(), baselineEnv, baselineEvent, before,
                after, runs, prime, extra, work);
        printPair(out, "baseline", base, base);
        for (Map.Entry<String, String> f : stack.handlers().entrySet()) {
            if (only != null && !stack.function(only).equals(f.getKey())) continue;
            String sample = FIRST_EVENTS.get(f.getKey());
            if (sample == null) throw new IllegalStateException("no first event chosen for " + f.getKey() + " (ColdStartBench.FIRST_EVENTS)");
            Events event = events(f.getKey(), stack.localNames(Files.readString(root.resolve("events").resolve(sample))), fresh, stack, emulator,
                    setUp, work);
            Map<String, String> env = new LinkedHashMap<>(common);
            env.putAll(stack.environment(f.getKey()));
            env.put("AWS_LAMBDA_FUNCTION_NAME", "appban-" + stage + "-" + f.getKey());
            String beforeHandler;
            try {
                beforeHandler = handlerIn(before, f.getValue());
            } catch (IllegalStateException e) {
                out.printf("%-24s | failed: %s%n", f.getKey(), e.getMessage()); // a function the older build did not have
                continue;
            }
            printPair(out, f.getKey(), pair(f.getKey(), f.getValue(), beforeHandler, env, event, before, after, runs, prime, extra, work), base);
        }
        return 0;
    }

    /**
     * {@code handler} as the older jar names it: the same class, or, when the jar has none of that name (handlers
     * moved to org.appban.lambda.&lt;feature&gt; with the module split), its one class of the same simple name.
     */
    static String handlerIn(Path jar, String handler) throws IOException {
        String simple = "/" + handler.substring(handler.lastIndexOf('.') + 1) + ".class";
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
            if (z.getEntry(handler.replace('.', '/') + ".class") != null) return handler;
            List<String> named = z.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.endsWith(simple)).toList();
            if (named.size() != 1) throw new IllegalStateException(jar + " has " + named.size() + " classes named like " + handler + ": " + named);
            String entry = named.get(0);
            return entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
        }
    }

    private static Result[] pair(String name, String handler, String beforeHandler, Map<String, String> env, Events event, Path before,
                                 Path after, int runs, boolean prime, List<String> extra, Path work) throws IOException, InterruptedException {
        once(handler, env, event, after, false, false, extra, work);
        Path[] jars = {before, after};
        String[] handlers = {beforeHandler, handler};
        double[][] first = new double[2][runs];
        double[][] cold = new double[2][runs];
        double[][] cpu = new double[2][runs];
        long[] classes = new long[2];
        for (int i = 0; i < runs; i++) {
            for (int k = 0; k < 2; k++) {
                int side = (i % 2 == 0) ? k : 1 - k;
                Run r = once(handlers[side], env, event, jars[side], prime, false, extra, work);
                if (r.error != null) {
                    Result failed = new Result(name, -1, -1, -1, -1, -1, 0, -1, r.error, null, -1);
                    return new Result[] {failed, failed};
                }
                first[side][i] = r.firstMillis;
                cold[side][i] = r.firstMillis - r.result.path("invocations").path(1).path("nanos").asLong() / 1e6;
                cpu[side][i] = r.cpuMillis;
                classes[side] = r.result.has("classesAtFirst") ? r.result.path("classesAtFirst").asLong() : r.result.path("classesLoaded").asLong();
                if (prime) classes[side] = r.result.has("classesPrimed") ? classes[side] - r.result.path("classesPrimed").asLong() : -1;
            }
        }
        Result[] results = new Result[2];
        for (int side = 0; side < 2; side++) {
            results[side] = new Result(name, median(first[side]), -1, -1, -1, median(cold[side]), classes[side], -1, null, null,
                    median(cpu[side]));
        }
        return results;
    }

    private static void printPair(PrintStream out, String name, Result[] r, Result[] base) {
        if (r[0].error != null) {
            out.printf("%-24s | failed: %s%n", name, r[0].error);
            return;
        }
        out.printf("%-24s | %7.0f %6.2f %7.2f %7s %6s %8d | %7.0f %6.2f %7.2f %7.0f %6.2f %8d%n", name,
                r[0].firstMillis, r[0].firstMillis / base[0].firstMillis, r[0].coldMillis / base[0].coldMillis,
                r[0].cpuMillis < 0 ? "-" : String.format("%.0f", r[0].cpuMillis), r[0].cpuMillis < 0 ? "-" : String.format("%.2f", r[0].cpuMillis / base[0].cpuMillis),
                r[0].classes, r[1].firstMillis, r[1].firstMillis / base[1].firstMillis, r[1].coldMillis / base[1].coldMillis, r[1].cpuMillis,
                r[1].cpuMillis / base[1].cpuMillis, r[1].classes);
    }

    private static void printPhases(PrintStream out, Result r) {
        if (r.timed == null || r.timed.result == null || r.timed.error != null) {
            out.printf("%-24s failed: %s%n", r.name.split(" ")[0], r.timed == null ? "not run" : r.timed.error);
            return;
        }
        JsonNode res = r.timed.result;
        double first = r.timed.firstMillis;
        double jvm = first - res.path("firstDoneNanos").asLong() / 1e6;
        double[] wall = {jvm, res.path("constructNanos").asLong() / 1e6, res.path("primeNanos").asLong() / 1e6,
                res.path("invocations").path(0).path("nanos").asLong() / 1e6};
        // CPU and classes at main(), constructed, primed, first answered: each phase is the difference (the JVM's start, the first).
        JsonNode cpu = res.path("phaseCpuNanos");
        JsonNode classes = res.path("phaseClasses");
        StringBuilder line = new StringBuilder(String.format("%-24s %7.0f", r.name.split(" ")[0], first));
        for (int k = 0; k < 4; k++) {
            double c = (cpu.path(k).asLong() - (k == 0 ? 0 : cpu.path(k - 1).asLong())) / 1e6;
            long n = classes.path(k).asLong() - (k == 0 ? 0 : classes.path(k - 1).asLong());
            line.append(String.format(" | %6.0f %6.0f %6d", wall[k], c, n));
        }
        double initAws = 0, callAws = 0, warmAws = 0;
        long callCount = 0;
        List<String> calls = new ArrayList<>();
        for (JsonNode c : res.path("awsCalls")) {
            double ms = c.path("nanos").asLong() / 1e6;
            switch (c.path("phase").asText()) {
                case "warm" -> warmAws += ms;
                case "construct", "priming" -> {
                    initAws += ms;
                    calls.add(c.path("phase").asText() + ": " + c.path("count").asLong() + " x " + c.path("call").asText() + String.format(" = %.0f", ms));
                }
                default -> {
                    callAws += ms;
                    callCount += c.path("count").asLong();
                    calls.add(c.path("count").asLong() + " x " + c.path("call").asText()
                            + String.format(" = %.0f (%.0f)", ms, c.path("firstNanos").asLong() / 1e6));
                }
            }
        }
        double warm = res.path("invocations").path(1).path("nanos").asLong() / 1e6;
        line.append(String.format(" | %5.0f %5.0f %5d | %6.0f %5.0f |  %s", initAws, callAws, callCount, warm, warmAws, String.join(", ", calls)));
        out.println(line);
    }

    private static Result measure(String name, String handler, Map<String, String> env, Events event, Path jar, int runs, boolean prime, boolean phases,
            List<String> extra, Path work) throws IOException, InterruptedException {
        double[] first = new double[runs];
        double[] init = new double[runs];
        double[] call = new double[runs];
        double[] warm = new double[runs];
        double[] cold = new double[runs];
        double[] cpu = new double[runs];
        long classes = 0;
        for (int i = 0; i < runs; i++) {
            Run r = once(handler, env, event, jar, false, false, extra, work);
            if (r.error != null) return new Result(name, -1, -1, -1, -1, -1, 0, -1, r.error, null, -1);
            first[i] = r.firstMillis;
            init[i] = r.result.path("constructNanos").asLong() / 1e6;
            call[i] = r.result.path("invocations").path(0).path("nanos").asLong() / 1e6;
            warm[i] = r.result.path("invocations").path(1).path("nanos").asLong() / 1e6;
            cold[i] = first[i] - warm[i];
            cpu[i] = r.cpuMillis;
            classes = r.result.path("classesAtFirst").asLong();
        }
        double primed = -1;
        if (prime) {
            Run r = once(handler, env, event, jar, true, false, extra, work);
            primed = r.error != null ? -1 : r.result.path("invocations").path(0).path("nanos").asLong() / 1e6;
        }
        // Primed, so that the SnapStart priming is a phase of its own (on this path nothing runs the restore hooks: the
        // Lambda path's "restored" minus "invoke" is theirs).
        Run timed = phases ? once(handler, env, event, jar, true, true, extra, work) : null;
        return new Result(name, median(first), median(init), median(call), median(warm), median(cold), classes, primed, null, timed,
                median(cpu));
    }

    /** {@code cpuMillis}: CPU the handler's JVM had used when it finished its first invocation (all its threads). */
    private record Run(double firstMillis, JsonNode result, String error, double cpuMillis) {
        Run(double firstMillis, JsonNode result, String error) {
            this(firstMillis, result, error, -1);
        }
    }

    private static Run once(String handler, Map<String, String> env, Events events, Path jar, boolean prime, boolean timed, List<String> extra,
            Path work) throws IOException, InterruptedException {
        Path[] event = events.next();
        Path result = work.resolve(UUID.randomUUID() + ".json");
        Path log = work.resolve(UUID.randomUUID() + ".log");
        List<String> command = lambdaJvm(extra);
        // The bench's own code (FirstInvocation, LocalContext) is in functions/local, not in the deployable jar: it
        // comes after the jar, so every production class is the jar's (an older jar that still carries its own
        // FirstInvocation runs that one).
        String classpath = jar + java.io.File.pathSeparator + benchCode();
        if (timed) {
            // CallTimer as a global SDK interceptor, for this run only: the timed runs do not load it.
            Path interceptors = work.resolve("interceptors");
            Path file = interceptors.resolve("software/amazon/awssdk/global/handlers/execution.interceptors");
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, CallTimer.class.getName() + "\n");
            }
            classpath += java.io.File.pathSeparator + interceptors;
            command.add("-D" + FirstInvocation.TIMED_CALLS + "=true");
        }
        command.addAll(List.of("-cp", classpath, FirstInvocation.class.getName()));
        if (prime) command.add("--prime");
        command.addAll(List.of("--out", result.toString(), handler));
        for (Path e : event) command.add(e.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("APPBAN_"));
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process p = builder.start();
        double firstMillis = -1;
        double cpuMillis = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (firstMillis < 0 && line.equals("appban-first-invocation-done")) {
                    firstMillis = (System.nanoTime() - started) / 1e6;
                    // Unlike the wall clock, CPU time does not grow when other processes share the machine, nor
                    // with the emulator's latency: the steadier figure to compare builds by on a loaded machine.
                    cpuMillis = p.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(-1.0);
                }
            }
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Run(-1, null, "did not finish within 5 minutes");
        }
        if (!Files.exists(result)) return new Run(-1, null, "no result (exit " + p.exitValue() + "); log " + log);
        JsonNode r = JSON.readTree(result.toFile());
        if (r.has("constructError")) return new Run(-1, r, firstLine(r.path("constructError").asText()));
        if (r.has("primeError")) return new Run(-1, r, firstLine(r.path("primeError").asText()));
        JsonNode inv = r.path("invocations").path(0);
        if (inv.has("error")) return new Run(-1, r, firstLine(inv.path("error").asText()));
        String refused = LambdaColdStart.refusal(inv.path("response").asText());
        if (refused != null) return new Run(-1, r, refused);
        return new Run(firstMillis, r, null, cpuMillis);
    }

    /**
     * Each service's first use in a JVM of its own that has paid for DynamoDB first (the baseline's service, and the
     * SDK's core with it), so a figure is what that service adds to a function that already uses DynamoDB.
     */
    private static int services(int runs, List<String> extra, PrintStream out) throws IOException, InterruptedException {
        Path jar = LocalEmulator.root().resolve("functions/target/appban-functions-lambda.jar");
        List<String> names = ServiceCosts.names();
        Map<String, double[]> millis = new LinkedHashMap<>();
        names.forEach(n -> millis.put(n, new double[runs * (n.equals(names.get(0)) ? names.size() - 1 : 1)]));
        int firstIndex = 0;
        for (int run = 0; run < runs; run++) {
            for (String name : names.subList(1, names.size())) {
                List<String> command = lambdaJvm(extra);
                command.addAll(List.of("-cp", jar + java.io.File.pathSeparator + benchCode(), ServiceCosts.class.getName(), names.get(0), name));
                Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                List<String> lines;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    lines = r.lines().toList();
                }
                if (p.waitFor() != 0 || lines.size() != 2) {
                    out.println("failed: " + String.join(" ", command.subList(command.size() - 2, command.size())) + " exited " + p.exitValue());
                    return 1;
                }
                millis.get(names.get(0))[firstIndex++] = Double.parseDouble(lines.get(0).split(" ")[1]);
                millis.get(name)[run] = Double.parseDouble(lines.get(1).split(" ")[1]);
            }
        }
        out.printf("first use of each service in a fresh JVM (%s, flags %s), after DynamoDB; canned responses, no network; "
                + "median of %d%n%n", System.getProperty("java.version"), String.join(" ", LAMBDA_JVM_FLAGS), runs);
        out.printf("%-18s %9s %9s %9s%n", "service", "ms", "min", "max");
        for (Map.Entry<String, double[]> e : millis.entrySet()) {
            double[] v = e.getValue().clone();
            Arrays.sort(v);
            out.printf("%-18s %9.0f %9.0f %9.0f%s%n", e.getKey(), median(v), v[0], v[v.length - 1],
                    e.getKey().equals(names.get(0)) ? "   (with the SDK's core: the baseline pays this)" : "");
        }
        return 0;
    }

    /** This JDK's java with Lambda's java21 flags and {@code extra}; the caller adds the class path and main class. */
    private static List<String> lambdaJvm(List<String> extra) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LAMBDA_JVM_FLAGS);
        command.addAll(extra);
        return command;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Where the cold-start bench code (functions/local: FirstInvocation, ServiceCosts, LocalContext) is loaded from. */
    private static String benchCode() {
        try {
            return Path.of(FirstInvocation.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
