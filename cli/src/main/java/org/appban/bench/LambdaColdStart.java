package org.appban.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.appban.locallambda.FreshEvents;
import org.appban.locallambda.FunctionConfig;
import org.appban.locallambda.LocalLambda;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.SimSettings;
import org.appban.testing.TemplateResources;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code ./appban bench coldstart [--runs N] [--only FUNCTION] [--classic]}: each function's first invocation on the
 * path Lambda runs it ({@link LocalLambda}: AWS's Runtime Interface Emulator and Runtime Interface Client, the
 * template's handler, environment and memory as heap), beside a baseline handler (one DynamoDB GetItem) on the same
 * path.
 *
 * <p>Per function and run: a new emulator and JVM (the emulator starts the JVM on the first invocation), the
 * function's event, then the same kind of event again in the same JVM; the runs go round by round (the baseline and
 * every function once per round). Printed (medians): "first", the first invocation's wall time from the request to
 * the answer (JVM start, the handler's init, SnapStart's hooks, the invocation); "cpu", the CPU the JVM had used by
 * then (steadier than wall time on a loaded machine); "invoke", the first invocation as the function ran it (from its runtime receiving the event to its
 * answer: what a restored snapshot pays after its hooks); "restored", with SnapStart, from the restore to the first
 * answer (the afterRestore hooks and the first invocation: what a restore costs on Lambda besides loading the
 * snapshot, which no local path does; its priming is not in it, as on Lambda, where it runs when the version is
 * published); "warm", the second invocation as the function ran it;
 * "cold" = first - warm; "classes" in the first invocation and in the warm one, counted in the function's JVM as its
 * runtime is handed the event and as it answers ({@link LocalLambda#lastInvocationClasses}): independent of the
 * machine's load, the first count is what a restored snapshot still loads (what its priming left out), the warm one
 * what the path loads every time (new lambdas, proxies).
 *
 * <p>Targets: functions a person waits for (the attestation page, the exemption-request form, the MDM webhook, the
 * admin function URL) must answer their first invocation within 1.5x the baseline's; batch functions (roster import,
 * inventory, notices, network access's daily run, the exemption sweep, enforcement, the ledger digest) have no ratio
 * target: their cold overhead and warm run are reported. SnapStart by default (its hooks run before the first invocation and are in
 * "first": on Lambda they run when the version is published); {@code --classic} runs them without. {@code --jvm-opt}
 * passes options to the functions' JVMs (JAVA_TOOL_OPTIONS), for diagnostics such as
 * {@code -Xlog:class+load:file=/tmp/cl-%p.log}.
 *
 * <p>Exit status: 0 when every function a person waits for answered within 1.5x the baseline's first invocation, 1
 * when one did not or failed.
 */
final class LambdaColdStart {
    private static final String BASELINE = "BaselineFunction";

    /**
     * A function's measured event: its own trigger's sample, made for the stack; {@code needs}, the functions (earlier
     * in the campaign's order) whose runs leave what the sample expects to find (the roster imported, the fleet synced).
     */
    private record Case(String name, String function, boolean interactive, List<String> needs, Supplier<String> event) {
    }

    private static final String ROSTER = "RosterImportFunction";
    private static final String INVENTORY = "InventorySyncFunction";

    private LambdaColdStart() {
    }

    static int run(int runs, String only, LocalLambda.Mode mode, List<String> jvmOptions, PrintStream out) throws IOException, InterruptedException {
        return run(runs, only, mode, jvmOptions, null, out);
    }

    /**
     * @param against another build's deployable jar (e.g. main's), measured run for run beside this one on the same
     *                stack, alternately (before, after; then after, before), each side beside a baseline made from its
     *                own jar: a machine whose load moves then moves both alike. Null: this build alone.
     */
    static int run(int runs, String only, LocalLambda.Mode mode, List<String> jvmOptions, Path against, PrintStream out)
            throws IOException, InterruptedException {
        Path root = LocalEmulator.root();
        Path jar = root.resolve("functions/target/appban-functions-lambda.jar");
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: ./mvnw -B -DskipTests package");
        if (against != null && !Files.isRegularFile(against)) throw new org.appban.cli.support.UsageException("--against " + against + ": no such jar");
        Path work = Files.createTempDirectory("appban-coldstart-lambda-");
        // Side 0 is the other build (--against), side 1 this one; without --against only side 1 runs.
        Path[] jars = {against, jar};
        Path[] baselineJars = {against == null ? null : baselineJar(against, Files.createDirectories(work.resolve("against"))),
                baselineJar(jar, work)};
        Map<String, FunctionConfig> functions = new LinkedHashMap<>(FunctionConfig.all(root.resolve("template.yaml")));
        // The yardstick, configured as the functions are (Globals: 1 GB, SnapStart).
        FunctionConfig any = functions.values().iterator().next();
        functions.put(BASELINE, new FunctionConfig(BASELINE, org.appban.coldstart.BaselineHandler.class.getName() + "::handleRequest", 60,
                any.memoryMb(), any.snapStart()));
        try (LocalEmulator emulator = LocalEmulator.start(out);
             Simulators sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults()).start()) {
            String stage = "cl" + UUID.randomUUID().toString().substring(0, 6);
            EmulatedStack stack = EmulatedStack.create(root, emulator.endpoint(), emulator.clients().region().id(), stage,
                    new TemplateResources.SimulatorPorts("127.0.0.1", sims.intune().baseUri().getPort(), sims.jamf().baseUri().getPort(),
                            sims.ise().baseUri().getPort()));
            emulator.clients().s3().putObject(r -> r.bucket(stack.bucket("RosterBucket")).key("rosters/parliament 2023-03-16.csv"),
                    RequestBody.fromFile(root.resolve("events/roster-import/rosters/parliament 2023-03-16.csv")));
            FreshEvents fresh = new FreshEvents(root, arn -> emulator.clients().secretsManager().getSecretValue(r -> r.secretId(arn)).secretString());
            LocalLambda.Aws aws = new LocalLambda.Aws(emulator.endpoint(), emulator.clients().region().id(), "test", "test");
            String signing = stack.environment("AttestationFunction").get("SIGNING_SECRET_ARN");
            String webhook = stack.environment("MdmWebhookFunction").get("WEBHOOK_SECRET_ARN");

            // In the campaign's order, so each finds what the ones before it left (the roster, the fleet).
            List<Case> cases = List.of(
                    new Case("baseline (one GetItem)", BASELINE, true, List.of(), () -> "{}"),
                    new Case("roster import (S3 notification)", ROSTER, false, List.of(),
                            () -> stack.localNames(sample(root, "roster-import/s3-object-created.json"))),
                    // The hourly schedule only hands the round on to InventoryWork; the whole sync in one invocation (an
                    // administrator's manual run) is the sync's work, and stores the fleet the later cases read.
                    new Case("inventory sync (manual whole sync)", INVENTORY, false, List.of(ROSTER), () -> "{\"trigger\": \"manual\", \"dryRun\": false}"),
                    new Case("notify members (daily schedule)", "NotifyMembersFunction", false, List.of(ROSTER, INVENTORY),
                            () -> sample(root, "notify-members/schedule.json")),
                    new Case("admin (function URL: status)", "AdminFunction", true, List.of(ROSTER, INVENTORY),
                            () -> sample(root, "admin/function-url-status.json")),
                    new Case("exemption link (form)", "ExemptionLinkFunction", true, List.of(ROSTER), () -> fresh.exemptionForm(signing, "m-001")),
                    new Case("exemption sweep (daily schedule)", "ExemptionSweepFunction", false, List.of(ROSTER),
                            () -> sample(root, "exemption-sweep/schedule.json")),
                    new Case("MDM webhook (signed relay)", "MdmWebhookFunction", true, List.of(ROSTER, INVENTORY),
                            () -> fresh.mdmWebhook(webhook, firstIntuneDevice(emulator, stack))),
                    new Case("network access (daily run)", "NetworkAccessFunction", false, List.of(ROSTER, INVENTORY),
                            () -> sample(root, "network-access/schedule.json")),
                    new Case("attestation (link opened)", "AttestationFunction", true, List.of(ROSTER), () -> fresh.attestationLink(signing, "m-001")),
                    new Case("enforce removal (SQS batch)", "EnforceRemovalFunction", false, List.of(ROSTER, INVENTORY),
                            () -> sample(root, "enforce-removal/sqs-batch.json")),
                    new Case("ledger digest (hourly schedule)", "LedgerDigestFunction", false, List.of(ROSTER), () -> sample(root, "ledger-digest/schedule.json")));

            out.printf("path: AWS's Runtime Interface Emulator + Runtime Interface Client, %s; JVM %s %s with the java21 runtime's flags; "
                    + "median of %d run(s)%n", mode == LocalLambda.Mode.SNAPSTART ? "as SnapStart (hooks before the first invocation)" : "classic",
                    System.getProperty("java.vm.name"), System.getProperty("java.version"), runs);
            out.printf("machine load (1, 5, 15 min): %s%n%n", load());
            if (against != null) out.printf("against %s (%.1f MB), run for run alternately with this build's jar%n%n", against, Files.size(against) / 1e6);
            // Round by round, every case once per round: a machine whose load changes during the bench then
            // slows the baseline and the functions alike.
            List<Case> selected = cases.stream().filter(c -> only == null || c.function().equals(BASELINE) || c.function().equals(only)
                    || c.name().startsWith(only)).toList();
            if (only != null && selected.size() < 2) {
                throw new org.appban.cli.support.UsageException("--only " + only + ": no such function; one of " + cases.stream().skip(1).map(Case::function).toList());
            }
            // What the measured samples expect to find and no selected function leaves: those functions run first, once
            // each, in the campaign's order, unmeasured (--only).
            for (Case c : setUp(cases, selected)) {
                out.printf("set-up (not measured): %s, so that %s finds what it needs%n", c.name(), only);
                LocalLambda.Answer a;
                try (LocalLambda lambda = LocalLambda.start(root, jar, functions.get(c.function()), stack.environment(c.function()),
                        "appban-" + stage + "-" + c.function(), aws, LocalLambda.Mode.CLASSIC, work)) {
                    a = lambda.invoke(c.event().get());
                    if (a.failed()) {
                        throw new IllegalStateException("set-up: " + c.function() + " failed: " + a.errorType() + ": " + a.errorMessage() + " (log "
                                + lambda.log() + ")");
                    }
                }
            }
            List<Map<Case, List<Run>>> runsOf = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
            runsOf.forEach(side -> selected.forEach(c -> side.put(c, new ArrayList<>())));
            for (int i = 0; i < runs; i++) {
                for (Case c : selected) {
                    Map<String, String> env = new LinkedHashMap<>(c.function().equals(BASELINE)
                            ? Map.of("BASELINE_TABLE", stack.environment("AdminFunction").get("MEMBERS_TABLE"))
                            : stack.environment(c.function()));
                    if (!jvmOptions.isEmpty()) env.put("JAVA_TOOL_OPTIONS", String.join(" ", jvmOptions));
                    for (int k = 0; k < 2; k++) {
                        int side = i % 2 == 0 ? k : 1 - k;
                        if (jars[side] == null) continue;
                        runsOf.get(side).get(c).add(once(root, c.function().equals(BASELINE) ? baselineJars[side] : jars[side], functions.get(c.function()),
                                env, "appban-" + stage + "-" + c.function(), aws, mode, c, work));
                    }
                }
            }
            if (against != null) {
                out.printf("BEFORE: %s%n", against);
                table(selected, runsOf.get(0), out);
                out.printf("%nAFTER: this build (%s)%n", jar);
            }
            List<String> over = table(selected, runsOf.get(1), out);
            out.printf("%ntarget: the functions a person waits for answer their first invocation within 1.5x the baseline's%s: %s%n",
                    against == null ? "" : " (this build)", over.isEmpty() ? "met" : "NOT met by " + String.join(", ", over));
            out.println("batch functions: no ratio target; cold = first - warm is what their cold start adds to a run");
            out.println("classes: loaded by the function's JVM during the invocation (the first, the warm one); counts, not times, so not"
                    + " distorted by the machine's load");
            out.printf("machine load at the end (1, 5, 15 min): %s%n", load());
            return over.isEmpty() ? 0 : 1;
        }
    }

    /** Prints one build's medians, each function beside the baseline; returns the functions a person waits for that missed 1.5x. */
    private static List<String> table(List<Case> selected, Map<Case, List<Run>> runsOf, PrintStream out) {
        out.printf("%-36s %9s %6s %8s %6s %9s %6s %11s %6s %9s %9s %11s %11s%n", "function (event)", "first ms", "x base", "cpu ms", "x base",
                "invoke ms", "x base", "restored ms", "x base", "warm ms", "cold ms", "classes 1st", "classes warm");
        Result baseline = null;
        List<String> over = new ArrayList<>();
        for (Case c : selected) {
            Result r = Result.of(runsOf.get(c));
            if (baseline == null) baseline = r;
            if (r.error != null) {
                out.printf("%-36s failed: %s%n", c.name(), r.error);
                if (c.interactive()) over.add(c.name());
                continue;
            }
            if (c.interactive()) {
                out.printf("%-36s %9.0f %6.2f %8.0f %6.2f %9.0f %6.2f %11s %6s %9.0f %9.0f %11s %11s%n", c.name(), r.first, r.first / baseline.first, r.cpu,
                        r.cpu / baseline.cpu, r.invoke, r.invoke / baseline.invoke, count(r.restored),
                        r.restored < 0 || baseline.restored <= 0 ? "-" : String.format("%.2f", r.restored / baseline.restored),
                        r.warm, r.first - r.warm, count(r.classesFirst), count(r.classesWarm));
                if (r != baseline && r.first > 1.5 * baseline.first) over.add(c.name());
            } else {
                out.printf("%-36s %9.0f %6s %8.0f %6s %9.0f %6s %11s %6s %9.0f %9.0f %11s %11s%n", c.name(), r.first, "-", r.cpu, "-", r.invoke, "-",
                        count(r.restored), "-", r.warm, r.first - r.warm, count(r.classesFirst), count(r.classesWarm));
            }
        }
        out.printf("1.5x the baseline's first invocation: %.0f ms%n", baseline == null ? 0 : 1.5 * baseline.first);
        return over;
    }

    /**
     * One run: the first invocation's wall time and the JVM's CPU by then, the first and second as the function ran
     * them, and the classes each loaded (-1: not counted).
     */
    private record Run(double first, double cpu, double invoke, double restored, double warm, double classesFirst, double classesWarm, String error) {
        static Run failed(String error) {
            return new Run(-1, -1, -1, -1, -1, -1, -1, error);
        }
    }

    /** Medians of a case's runs (or its first failure). */
    private record Result(double first, double cpu, double invoke, double restored, double warm, double classesFirst, double classesWarm, String error) {
        static Result of(List<Run> runs) {
            for (Run r : runs) if (r.error != null) return new Result(-1, -1, -1, -1, -1, -1, -1, r.error);
            return new Result(median(runs.stream().mapToDouble(Run::first).toArray()), median(runs.stream().mapToDouble(Run::cpu).toArray()),
                    median(runs.stream().mapToDouble(Run::invoke).toArray()), median(runs.stream().mapToDouble(Run::restored).toArray()),
                    median(runs.stream().mapToDouble(Run::warm).toArray()),
                    median(runs.stream().mapToDouble(Run::classesFirst).toArray()), median(runs.stream().mapToDouble(Run::classesWarm).toArray()), null);
        }
    }

    private static String count(double classes) {
        return classes < 0 ? "-" : String.format("%.0f", classes);
    }

    /**
     * The baseline's code: the deployable jar plus {@link org.appban.coldstart.BaselineHandler}, as a baseline function
     * deployed beside the others would be. The handler is bench code, which the deployable jar does not carry.
     */
    static Path baselineJar(Path jar, Path work) throws IOException {
        Path out = work.resolve("baseline-" + jar.getFileName());
        String handler = org.appban.coldstart.BaselineHandler.class.getName().replace('.', '/') + ".class";
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(jar));
             java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(out))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                zip.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                in.transferTo(zip);
                zip.closeEntry();
            }
            zip.putNextEntry(new java.util.zip.ZipEntry(handler));
            try (java.io.InputStream code = org.appban.coldstart.BaselineHandler.class.getClassLoader().getResourceAsStream(handler)) {
                if (code == null) throw new IOException(handler + " is not on the bench's classpath");
                code.transferTo(zip);
            }
            zip.closeEntry();
        }
        return out;
    }

    private static Run once(Path root, Path jar, FunctionConfig config, Map<String, String> env, String name, LocalLambda.Aws aws,
                            LocalLambda.Mode mode, Case c, Path work) throws IOException {
        String event = c.event().get();
        String again = c.event().get();
        try (LocalLambda lambda = LocalLambda.start(root, jar, config, env, name, aws, mode, work)) {
            LocalLambda.Answer a = lambda.invoke(event);
            if (a.failed()) return Run.failed(a.errorType() + ": " + a.errorMessage() + " (log " + lambda.log() + ")");
            if (refusal(a.body()) != null) return Run.failed(refusal(a.body()));
            double cpu = lambda.functionCpu().map(d -> d.toNanos() / 1e6).orElse(-1.0);
            double invoke = lambda.lastInvocation().map(d -> d.toNanos() / 1e6).orElse(-1.0);
            double classesFirst = lambda.lastInvocationClasses().orElse(-1);
            double restored = lambda.sinceRestore().map(d -> d.toNanos() / 1e6).orElse(-1.0);
            LocalLambda.Answer b = lambda.invoke(again);
            if (b.failed()) return Run.failed("second invocation: " + b.errorType() + ": " + b.errorMessage());
            return new Run(a.elapsed().toNanos() / 1e6, cpu, invoke, restored, lambda.lastInvocation().map(d -> d.toNanos() / 1e6).orElse(-1.0),
                    classesFirst, lambda.lastInvocationClasses().orElse(-1), null);
        }
    }

    /**
     * Why {@code answer} (a function's output) is a refusal, or null: a function URL answer of HTTP 400 or more (a
     * signature or a token refused, a request rejected). The bench times the work a sample asks for, so a refused sample
     * is a failed run, not a fast one.
     */
    static String refusal(String answer) {
        try {
            com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer);
            int status = json == null ? 0 : json.path("statusCode").asInt(0);
            return status >= 400 ? "answered HTTP " + status + ": " + json.path("body").asText() : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /**
     * The cases the selected ones need and that are not selected themselves, with what those need in turn, in the
     * campaign's order: empty when every case runs.
     */
    private static List<Case> setUp(List<Case> cases, List<Case> selected) {
        java.util.Set<String> needed = new java.util.HashSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>();
        selected.forEach(c -> todo.addAll(c.needs()));
        while (!todo.isEmpty()) {
            String f = todo.pop();
            if (needed.add(f)) cases.stream().filter(c -> c.function().equals(f)).forEach(c -> todo.addAll(c.needs()));
        }
        return cases.stream().filter(c -> needed.contains(c.function()) && !selected.contains(c)).toList();
    }

    static String firstIntuneDevice(LocalEmulator emulator, EmulatedStack stack) {
        String table = stack.environment("NetworkAccessFunction").get("DEVICES_TABLE");
        return new org.appban.store.dynamo.DynamoDeviceStore(emulator.clients().dynamoDb(), table).all().stream()
                .filter(d -> d.id().startsWith("intune:")).map(org.appban.domain.Device::mdmId).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Intune device stored: the inventory sync runs before the webhook"));
    }

    private static String sample(Path root, String path) {
        try {
            return Files.readString(root.resolve("events").resolve(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + ", " + parts[1] + ", " + parts[2] + " on " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
