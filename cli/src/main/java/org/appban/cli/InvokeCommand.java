package org.appban.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.appban.wiring.AwsClients;
import org.appban.cli.support.CommandLines;
import org.appban.cli.support.UsageException;
import org.appban.bench.EmulatedStack;
import org.appban.json.Json;
import org.appban.lambda.LocalContext;
import org.appban.testing.TemplateResources;
import org.appban.wiring.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@code ./appban invoke FUNCTION EVENT_FILE [--stage NAME] [--init]}: runs one function's handler in
 * this process, built through its no-arg constructor (the production wiring) with the environment template.yaml
 * gives it, against the AWS emulator at {@code AWS_ENDPOINT_URL} (LocalStack from infra/localstack, or moto), and
 * prints its answer. The environment is the one the LocalStack init hook recorded for the stage (default
 * {@code local}); {@code --init} runs the hook first (for an emulator without it, e.g. moto). Sample events naming a
 * production stack's buckets ({@code appban-prod-...}) are pointed at the stage's. Never runs against AWS itself.
 * It is a direct invocation, which names no caller: the admin function's samples are function URL events that carry
 * their (sample) signer, as Lambda delivers them; {@code ./appban admin} is the signed way in on a deployed stack.
 */
@Command(name = "invoke", description = {"Runs one function in-process against the AWS emulator at AWS_ENDPOINT_URL (e.g. infra/localstack).",
            "The function is built by its production wiring, with its environment from "
                    + "template.yaml, and its answer printed. Never against AWS itself."})
final class InvokeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FUNCTION", description = "a logical id (AdminFunction) or its events/ name (admin)")
    private String functionName;
    @Parameters(index = "1", paramLabel = "EVENT_FILE", description = "the event, e.g. a sample under events/")
    private Path eventFile;
    @Option(names = "--stage", paramLabel = "NAME", description = "the stage whose resources the LocalStack init hook recorded "
            + "(default: ${DEFAULT-VALUE})")
    private String stage = "local";
    @Option(names = "--init", description = "run the init hook first, creating the stage's resources (for an emulator without "
            + "it, e.g. moto)")
    private boolean init;

    private final PrintStream out;
    private final Map<String, String> environment;

    InvokeCommand(PrintStream out) {
        this(out, System.getenv());
    }

    InvokeCommand(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = environment;
    }

    /** {@code invoke ARGS...} on its own (tests): as {@code ./appban invoke ARGS...}, but what the run throws reaches the caller. */
    int run(List<String> argv) {
        return CommandLines.call("./appban invoke", this, argv, out, out);
    }

    @Override
    public Integer call() {
        String endpoint = Optional.ofNullable(environment.get("AWS_ENDPOINT_URL")).filter(s -> !s.isBlank())
                .orElseThrow(() -> new UsageException("invoke runs against an emulator only: set AWS_ENDPOINT_URL "
                        + "(http://localhost:4566 for infra/localstack)"));
        String region = Optional.ofNullable(environment.get("AWS_REGION")).or(() -> Optional.ofNullable(environment.get("AWS_DEFAULT_REGION")))
                .filter(s -> !s.isBlank()).orElse("ap-southeast-2");
        Path root = org.appban.bench.LocalEmulator.root();
        AwsClients clients = new AwsClients(Region.of(region), Optional.of(URI.create(endpoint)), StaticCredentialsProvider.create(
                AwsBasicCredentials.create(environment.getOrDefault("AWS_ACCESS_KEY_ID", "test"), environment.getOrDefault("AWS_SECRET_ACCESS_KEY", "test"))));
        EmulatedStack stack;
        try {
            stack = init
                    ? EmulatedStack.create(root, URI.create(endpoint), region, stage, TemplateResources.SimulatorPorts.standalone())
                    : EmulatedStack.recorded(root, clients, stage);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        String function = stack.function(functionName);
        String event;
        try {
            event = stack.localNames(Files.readString(eventFile));
        } catch (IOException e) {
            throw new UsageException("cannot read " + eventFile + ": " + e.getMessage());
        }

        Map<String, String> env = new LinkedHashMap<>(stack.environment(function));
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.put("AWS_REGION", region);
        Settings.overlay(env);
        // The SDK's own credential chain reads system properties first: the emulator takes any.
        if (environment.get("AWS_ACCESS_KEY_ID") == null && System.getProperty("aws.accessKeyId") == null) {
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");
        }
        String handlerClass = stack.handlers().get(function);
        RequestStreamHandler handler;
        try {
            handler = (RequestStreamHandler) Class.forName(handlerClass).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("building " + handlerClass + " failed: " + cause, cause);
        }
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), response,
                    LocalContext.invocation(function));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            out.println(Json.pretty(Json.parse(response.toByteArray())));
        } catch (IOException notJson) {
            out.println(response.toString(StandardCharsets.UTF_8));
        }
        return 0;
    }
}
