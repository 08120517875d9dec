package org.appban.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.appban.wiring.AwsClients;
import org.appban.cli.support.CommandLines;
import org.appban.cli.support.UsageException;
import org.appban.bench.EmulatedStack;
import org.appban.bench.LocalEmulator;
import org.appban.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import org.appban.domain.Actor;
import org.appban.locallambda.FreshEvents;
import org.appban.locallambda.FunctionConfig;
import org.appban.roster.RosterImport;
import org.appban.roster.RosterParser;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.locallambda.LocalLambda;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.SimSettings;
import org.appban.testing.TemplateResources;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;

/**
 * {@code ./appban lambda FUNCTION EVENT_FILE [--snapstart|--classic] [--stage NAME] [--init]}: one function of
 * template.yaml invoked the way Lambda invokes it ({@link LocalLambda}: AWS's Runtime Interface Emulator and Runtime
 * Interface Client, the deployable jar read-only, the template's handler, environment, timeout and memory), and its
 * answer printed. Exit 0 only when the function answered without error (a Lambda error, or an event it rejected,
 * exits 1).
 *
 * <p>The AWS emulator: the one at {@code AWS_ENDPOINT_URL} with the stack the LocalStack init hook recorded for the
 * stage ({@code --init} creates it first), else a moto server started for the run, filled from template.yaml by the
 * same hook (tables, buckets, queues, secrets), with the Intune, Jamf and ISE simulators behind the MDM and NAC
 * secrets, and the sample roster in the roster bucket and imported; on that stack, a function URL sample carrying a
 * signed token or signature (whose keys nobody has) is signed again with the stack's keys. Never AWS itself.
 */
@Command(name = "lambda", description = {"Invokes one function as Lambda does (Runtime Interface Emulator and Client).",
            "The function of template.yaml runs through AWS's Runtime Interface Emulator and Runtime Interface Client, as "
                    + "Lambda runs it, and its answer is printed. Without AWS_ENDPOINT_URL it starts a moto server and the MDM and "
                    + "NAC simulators for the run."},
        footer = "Needs the deployable jar (./mvnw -B -DskipTests package), Go 1.25+ (the emulator is built once), Python 3 "
                + "(moto) unless AWS_ENDPOINT_URL is set. Exit 0 only when the function answered without error.")
final class LambdaCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FUNCTION", description = "a logical id (AdminFunction) or its events/ name (admin)")
    private String functionName;
    @Parameters(index = "1", paramLabel = "EVENT_FILE", description = "the event, e.g. a sample under events/")
    private Path eventFile;
    @ArgGroup(exclusive = true)
    private RunAs runAs = new RunAs();
    @Option(names = "--stage", paramLabel = "NAME", description = "the stack's stage on an emulator at AWS_ENDPOINT_URL "
            + "(default: local)")
    private String stage;
    @Option(names = "--init", description = "create that stage's resources on the emulator at AWS_ENDPOINT_URL first")
    private boolean init;

    /** SnapStart or classic, not both. */
    static final class RunAs {
        @Option(names = "--snapstart", description = "(default) as a SnapStart function: credentials only from a container "
                + "endpoint, the CRaC beforeCheckpoint and afterRestore hooks run before the first invocation")
        boolean snapstart;
        @Option(names = "--classic", description = "as a function without SnapStart: credentials in AWS_ACCESS_KEY_ID and "
                + "friends")
        boolean classic;
    }

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    LambdaCommand(PrintStream out, PrintStream err) {
        this(out, err, System.getenv());
    }

    LambdaCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    /** {@code lambda ARGS...} on its own (tests): as {@code ./appban lambda ARGS...}, but what the run throws reaches the caller. */
    int run(List<String> argv) {
        return CommandLines.call("./appban lambda", this, argv, out, err);
    }

    @Override
    public Integer call() {
        Path root = LocalEmulator.root();
        String eventText;
        try {
            eventText = Files.readString(eventFile);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageException("no event file " + eventFile + " (samples are under events/<function>/)");
        } catch (IOException e) {
            throw new UsageException("cannot read " + eventFile + ": " + e.getMessage());
        }
        Map<String, FunctionConfig> functions = FunctionConfig.all(root.resolve("template.yaml"));
        String function = functionId(functions, functionName);
        FunctionConfig config = functions.get(function);
        LocalLambda.Mode mode = runAs.classic ? LocalLambda.Mode.CLASSIC : LocalLambda.Mode.SNAPSTART;
        if (mode == LocalLambda.Mode.SNAPSTART && !config.snapStart()) {
            err.println("appban: note: template.yaml does not give " + function + " SnapStart; running it as SnapStart would");
        }
        Path jar = root.resolve("functions/target/appban-functions-lambda.jar");
        if (!Files.isRegularFile(jar)) throw new UsageException(jar + " is missing: ./mvnw -B -DskipTests package");
        Path work = root.resolve("cli/target/local-lambda/runs/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-" + function);
        try {
            String external = Optional.ofNullable(environment.get("AWS_ENDPOINT_URL")).map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
            String region = Optional.ofNullable(environment.get("AWS_REGION")).or(() -> Optional.ofNullable(environment.get("AWS_DEFAULT_REGION")))
                    .filter(s -> !s.isBlank()).orElse("ap-southeast-2");
            if (external != null) {
                String stage = this.stage == null ? "local" : this.stage;
                URI endpoint = URI.create(external);
                AwsClients clients = new AwsClients(Region.of(region), Optional.of(endpoint), StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("test", "test")));
                EmulatedStack stack = init
                        ? EmulatedStack.create(root, endpoint, region, stage, TemplateResources.SimulatorPorts.standalone())
                        : EmulatedStack.recorded(root, clients, stage);
                return invoke(root, jar, config, stack, new LocalLambda.Aws(endpoint, region, "test", "test"), mode, eventText, work);
            }
            if (init || stage != null) {
                throw new UsageException("--init and --stage are for an emulator at AWS_ENDPOINT_URL; without it the run has one of its own");
            }
            try (LocalEmulator emulator = LocalEmulator.start(err);
                 Simulators sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults()).start()) {
                String stage = "lx" + UUID.randomUUID().toString().substring(0, 6);
                EmulatedStack stack = EmulatedStack.create(root, emulator.endpoint(), emulator.clients().region().id(), stage,
                        new TemplateResources.SimulatorPorts("127.0.0.1", sims.intune().baseUri().getPort(), sims.jamf().baseUri().getPort(),
                                sims.ise().baseUri().getPort()));
                fill(root, emulator, stack);
                // The samples' tokens and signatures are made with keys nobody has: this stack signs its own.
                FreshEvents fresh = new FreshEvents(root, arn -> emulator.clients().secretsManager().getSecretValue(r -> r.secretId(arn)).secretString());
                String event = resigned(function, eventText, stack, fresh);
                return invoke(root, jar, config, stack, new LocalLambda.Aws(emulator.endpoint(), emulator.clients().region().id(), "test", "test"),
                        mode, event, work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int invoke(Path root, Path jar, FunctionConfig config, EmulatedStack stack, LocalLambda.Aws aws, LocalLambda.Mode mode,
                       String eventText, Path work) throws IOException {
        String function = config.logicalId();
        String event = stack.localNames(eventText);
        err.printf("appban: %s (%s) as %s, %d MB, timeout %d s, emulator %s%n", function, config.handler(),
                mode == LocalLambda.Mode.SNAPSTART ? "SnapStart" : "classic", config.memoryMb(), config.timeoutSeconds(), aws.endpoint());
        try (LocalLambda lambda = LocalLambda.start(root, jar, config, stack.environment(function), "appban-" + stack.stage() + "-" + function,
                aws, mode, work)) {
            LocalLambda.Answer answer = lambda.invoke(event);
            out.println(Json.pretty(answer.json()));
            err.printf("appban: %s answered in %.0f ms%s; log: %s%n", function, answer.elapsed().toNanos() / 1e6,
                    mode == LocalLambda.Mode.SNAPSTART ? " (after its restore hooks; " + lambda.credentialFetches() + " credential fetch(es))" : "",
                    root.relativize(lambda.log()));
            if (answer.failed()) {
                err.println("appban: " + function + " failed: " + answer.errorType() + ": " + answer.errorMessage());
                return 1;
            }
            if ("rejected".equals(answer.json().path("status").asText())) {
                err.println("appban: " + function + " rejected the event: " + answer.json().path("error").asText());
                return 1;
            }
            return 0;
        }
    }

    /**
     * What the functions' samples expect to find: the sample roster in the roster bucket (where the roster-import
     * samples name it), and imported, so that the members the samples name exist.
     */
    private static void fill(Path root, LocalEmulator emulator, EmulatedStack stack) throws IOException {
        Path roster = root.resolve("events/roster-import/rosters/parliament 2023-03-16.csv");
        String key = "rosters/parliament 2023-03-16.csv";
        emulator.clients().s3().putObject(r -> r.bucket(stack.bucket("RosterBucket")).key(key), RequestBody.fromFile(roster));
        Map<String, String> env = stack.environment("RosterImportFunction");
        var dynamo = emulator.clients().dynamoDb();
        new RosterImport(new RosterParser(), new DynamoMemberStore(dynamo, env.get("MEMBERS_TABLE")), new DynamoLedger(dynamo, env.get("LEDGER_TABLE")),
                Clock.systemUTC()).importFile(stack.bucket("RosterBucket") + "/" + key, "sample", Files.readAllBytes(roster),
                Actor.administrator("appban-lambda"), false);
    }

    /**
     * A function URL sample carrying a signed token (the attestation and exemption links) or a signature (the MDM
     * webhook) signed again with this stack's keys, dated now, for a member of the sample roster; anything else as
     * it is.
     */
    private String resigned(String function, String event, EmulatedStack stack, FreshEvents fresh) {
        JsonNode json;
        try {
            json = Json.parse(event);
        } catch (IOException notJson) {
            return event;
        }
        String method = json.path("requestContext").path("http").path("method").asText("");
        if (method.isEmpty()) return event;
        Map<String, String> env = stack.environment(function);
        String member = "m-001";
        String fresher = switch (function) {
            case "AttestationFunction" -> method.equals("GET") ? fresh.attestationLink(env.get("SIGNING_SECRET_ARN"), member)
                    : fresh.attestationConfirmed(env.get("SIGNING_SECRET_ARN"), member);
            case "ExemptionLinkFunction" -> method.equals("GET") ? fresh.exemptionForm(env.get("SIGNING_SECRET_ARN"), member)
                    : fresh.exemptionRequest(env.get("SIGNING_SECRET_ARN"), member, "Reviews public submissions for the select committee");
            case "MdmWebhookFunction" -> json.path("headers").has("x-appban-signature")
                    ? fresh.mdmWebhook(env.get("WEBHOOK_SECRET_ARN"), json.path("body").isTextual()
                            ? parseOrEmpty(json.path("body").asText()).path("device").path("mdmId").asText("") : "")
                    : null;
            default -> null;
        };
        if (fresher == null) return event;
        err.println("appban: the sample's " + (function.equals("MdmWebhookFunction") ? "signature" : "token for member " + member)
                + " is made again with this stack's key (the sample's key is nobody's)");
        return fresher;
    }

    private static JsonNode parseOrEmpty(String json) {
        try {
            return Json.parse(json);
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /** A logical id (AdminFunction), or the function's events/ name (admin, exemption-sweep). */
    static String functionId(Map<String, FunctionConfig> functions, String name) {
        if (functions.containsKey(name)) return name;
        StringBuilder id = new StringBuilder();
        for (String part : name.split("-")) {
            if (!part.isEmpty()) id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        id.append("Function");
        if (functions.containsKey(id.toString())) return id.toString();
        throw new UsageException("no function '" + name + "' in template.yaml; one of " + String.join(", ", functions.keySet()));
    }
}
