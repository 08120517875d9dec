package org.appban.locallambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One function of template.yaml run the way Lambda runs it: AWS's Runtime Interface Emulator (the Runtime API and
 * Lambda's invoke endpoint) starting a JVM with AWS's Runtime Interface Client, which loads the function's
 * {@code Handler} from the deployable jar and speaks the Runtime API, as the managed java21 runtime does.
 *
 * <ul>
 *   <li><b>Code</b>: the jar unpacked into a task directory ({@code LAMBDA_TASK_ROOT}, the working directory), read
 *       only (a read-only bind mount in a mount namespace of its own where the machine allows one, else without
 *       write permission); the only writable place is a private temporary directory, {@code java.io.tmpdir} and
 *       {@code TMPDIR} (Lambda's {@code /tmp}), deleted on {@link #close}.</li>
 *   <li><b>JVM</b>: the managed runtime's flags: {@code -XX:MaxHeapSize} of 85% of {@code MemorySize}, the serial
 *       collector, C1 only, {@code -Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac} (so the functions'
 *       org.crac hooks register with the runtime client).</li>
 *   <li><b>Environment</b>: nothing of this process's; the function's variables from the stack (template.yaml as
 *       the LocalStack init hook resolves it), Lambda's reserved ones ({@code AWS_LAMBDA_FUNCTION_NAME},
 *       {@code _VERSION}, {@code _MEMORY_SIZE}, {@code AWS_REGION}, {@code LAMBDA_TASK_ROOT}, {@code _HANDLER},
 *       {@code AWS_EXECUTION_ENV}, {@code TZ}, ...), {@code AWS_ENDPOINT_URL} of the AWS emulator, and the
 *       credentials: with SnapStart only {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and
 *       {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} ({@link CredentialsEndpoint}: checks the token, rotates the
 *       credentials during the run), without it the classic key variables.</li>
 *   <li><b>SnapStart</b>: {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}; the runtime client runs the
 *       {@code beforeCheckpoint} hooks after init and the {@code afterRestore} hooks before the first invocation
 *       ({@link RuntimeApiProxy} answers its restore call, which the emulator does not).</li>
 *   <li><b>Timeout</b>: the emulator stops an invocation after the function's {@code Timeout}.</li>
 * </ul>
 * The emulator starts the JVM on the first invocation, so that one pays the whole cold start. An error comes back as
 * Lambda returns it: {@code {"errorType": ..., "errorMessage": ...}}.
 */
public final class LocalLambda implements AutoCloseable {
    public enum Mode {
        /** As a SnapStart function: container credentials, CRaC hooks around a restore. */
        SNAPSTART,
        /** As a function without SnapStart: credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. */
        CLASSIC
    }

    /** How the function answered one invocation. */
    public record Answer(int status, String body, String errorType, String errorMessage, Duration elapsed) {
        public boolean failed() {
            return errorType != null;
        }

        /** The answer as JSON (Lambda's error shape when it failed). */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return JSON.getNodeFactory().textNode(body);
            }
        }
    }

    /** Where the AWS emulator is, and the key variables a classic function gets. */
    public record Aws(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
    }

    /** How soon after issue a SnapStart function's credentials may be renewed (see {@link CredentialsEndpoint}). */
    public static final Duration ROTATION = Duration.ofSeconds(20);
    static final String RUNTIME_CLIENT_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Path, Path> TASK_ROOTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static volatile Boolean namespaces;

    private final FunctionConfig function;
    private final Process emulator;
    private final URI invocations;
    private final Path tmp;
    private final Path log;
    private final CredentialsEndpoint credentials;
    private final RuntimeApiProxy proxy;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LocalLambda(FunctionConfig function, Process emulator, URI invocations, Path tmp, Path log, CredentialsEndpoint credentials,
                        RuntimeApiProxy proxy) {
        this.function = function;
        this.emulator = emulator;
        this.invocations = invocations;
        this.tmp = tmp;
        this.log = log;
        this.credentials = credentials;
        this.proxy = proxy;
        proxy.countClassesWith(this::loadedClasses);
    }

    /**
     * Starts the emulator for {@code function} (the JVM follows at the first invocation).
     *
     * @param root        the project (template.yaml, infra/lambda/build-rie.sh)
     * @param jar         the deployable jar
     * @param environment the function's variables, as template.yaml gives them (resolved for this stack)
     * @param name        its function name (AWS_LAMBDA_FUNCTION_NAME)
     * @param work        where its log goes
     */
    public static LocalLambda start(Path root, Path jar, FunctionConfig function, Map<String, String> environment, String name, Aws aws,
                                    Mode mode, Path work) throws IOException {
        Path rie = RuntimeInterfaceEmulator.binary(root);
        Path task = taskRoot(root, jar);
        Files.createDirectories(work);
        Path tmp = Files.createTempDirectory(work, "tmp-");
        Path log = Files.createTempFile(work, function.logicalId() + "-" + mode.name().toLowerCase(java.util.Locale.ROOT) + "-", ".log");
        String runtimeApi = "127.0.0.1:" + freePort();
        String invokeAddress = "127.0.0.1:" + freePort();

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("TMPDIR", tmp.toString());
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("LAMBDA_RUNTIME_DIR", RuntimeClient.directory().toString());
        env.put("_HANDLER", function.handler());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_NAME", name);
        // A SnapStart function always runs a published version (template.yaml's alias "live" points at one).
        env.put("AWS_LAMBDA_FUNCTION_VERSION", mode == Mode.SNAPSTART ? "1" : "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        // Read by the emulator (its invocation timeout), not by the function.
        env.put("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(function.timeoutSeconds()));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/" + java.util.UUID.randomUUID());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", mode == Mode.SNAPSTART ? "snap-start" : "on-demand");
        env.put("AWS_REGION", aws.region());
        env.put("AWS_DEFAULT_REGION", aws.region());
        env.put("AWS_ENDPOINT_URL", aws.endpoint().toString());
        env.putAll(environment);

        CredentialsEndpoint credentials = null;
        RuntimeApiProxy proxy = null;
        List<String> bootstrap = new ArrayList<>();
        try {
            proxy = RuntimeApiProxy.start(runtimeApi, mode == Mode.SNAPSTART);
            // The emulator sets AWS_LAMBDA_RUNTIME_API to its own address: the function's goes through the proxy.
            bootstrap.addAll(List.of("/usr/bin/env", "AWS_LAMBDA_RUNTIME_API=" + proxy.address()));
            if (mode == Mode.SNAPSTART) {
                credentials = CredentialsEndpoint.start(ROTATION);
                env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", credentials.uri().toString());
                env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", credentials.token());
            } else {
                env.put("AWS_ACCESS_KEY_ID", aws.accessKeyId());
                env.put("AWS_SECRET_ACCESS_KEY", aws.secretAccessKey());
                env.put("AWS_SESSION_TOKEN", "local-classic-session");
            }
            bootstrap.addAll(readOnly(task));
            bootstrap.addAll(java(function, tmp));

            // The emulator and its JVM stop by themselves when this process goes, however it goes: a shell holds
            // this process's end of a pipe and stops them when the pipe closes.
            List<String> command = new ArrayList<>(List.of("sh", "-c",
                    "\"$@\" <&- & child=$!; cat >/dev/null; kill $child 2>/dev/null; sleep 2; kill -9 $child 2>/dev/null", "sh",
                    rie.toString(), "--log-level", "warn",
                    "--runtime-interface-emulator-address", invokeAddress, "--runtime-api-address", runtimeApi));
            command.addAll(bootstrap);
            ProcessBuilder builder = new ProcessBuilder(command).directory(task.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // The emulator hands its whole environment to the function: start it with the function's alone.
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            LocalLambda lambda = new LocalLambda(function, process, URI.create("http://" + invokeAddress + "/2015-03-31/functions/function/invocations"),
                    tmp, log, credentials, proxy);
            try {
                lambda.awaitListening(invokeAddress);
            } catch (IOException | RuntimeException e) {
                lambda.close();
                throw e;
            }
            return lambda;
        } catch (IOException | RuntimeException e) {
            if (credentials != null) credentials.close();
            if (proxy != null) proxy.close();
            throw e;
        }
    }

    /** Invokes the function with {@code event}, as Lambda's Invoke API does (RequestResponse). */
    public Answer invoke(String event) {
        return invoke(event, null);
    }

    /** With a client context ({@code X-Amz-Client-Context}: base64 of its JSON), as a direct invocation may carry. */
    public Answer invoke(String event, String clientContextJson) {
        HttpRequest.Builder request = HttpRequest.newBuilder(invocations)
                .timeout(Duration.ofSeconds(function.timeoutSeconds() + 120L))
                .POST(HttpRequest.BodyPublishers.ofString(event, StandardCharsets.UTF_8));
        if (clientContextJson != null) {
            request.header("X-Amz-Client-Context", Base64.getEncoder().encodeToString(clientContextJson.getBytes(StandardCharsets.UTF_8)));
        }
        findClassCounter();
        long started = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("invoking " + function.logicalId() + " failed (" + e + "); its log: " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        String body = response.body();
        if (body.startsWith("Task timed out after")) {
            return new Answer(response.statusCode(), errorJson("Sandbox.Timedout", body), "Sandbox.Timedout", body, elapsed);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException notJson) {
            json = null;
        }
        boolean errorShape = json != null && json.isObject() && json.has("errorType") && json.has("errorMessage")
                && json.size() <= 4;
        if (response.statusCode() != 200 || errorShape) {
            String type = errorShape ? json.path("errorType").asText() : "Runtime.Unknown";
            String message = errorShape ? json.path("errorMessage").asText() : "HTTP " + response.statusCode() + ": " + body;
            return new Answer(response.statusCode(), errorShape ? body : errorJson(type, message), type, message, elapsed);
        }
        return new Answer(response.statusCode(), body, null, null, elapsed);
    }

    private static String errorJson(String type, String message) {
        return JSON.createObjectNode().put("errorType", type).put("errorMessage", message).toString();
    }

    /** The emulator's and the function's output (Lambda's log stream: START, the function's lines, END, REPORT). */
    public Path log() {
        return log;
    }

    /**
     * CPU time the function's JVM has used so far (all its threads): steadier than wall time on a shared machine,
     * where other processes stretch the wall clock but not this.
     */
    public Optional<Duration> functionCpu() {
        return functionJvm().flatMap(p -> p.info().totalCpuDuration());
    }

    /**
     * Classes the function's JVM loaded during the last invocation (from its runtime receiving the event to its
     * answer), when its performance counters can be read: independent of the machine's load, unlike its times.
     */
    public java.util.OptionalLong lastInvocationClasses() {
        long n = proxy.lastInvocationClasses();
        return n < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(n);
    }

    /** Classes the function's JVM has loaded so far (empty before it started or when its counters cannot be read). */
    public java.util.OptionalLong loadedClasses() {
        return ClassCounter.loaded(classCounter);
    }

    private volatile Optional<ClassCounter> classCounter = Optional.empty();

    /**
     * Finds the function's JVM and its counters off the invocation's path (looking through /proc takes a while):
     * the emulator starts the JVM on the first invocation, whose runtime asks for the event only after its init.
     */
    private void findClassCounter() {
        if (classCounter.isPresent()) return;
        Thread.ofPlatform().daemon().name("class-counter").start(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (classCounter.isEmpty() && System.nanoTime() < deadline && emulator.isAlive()) {
                // Kept once found: the JVM is the same for this emulator's whole life.
                classCounter = functionJvm().flatMap(p -> ClassCounter.of(p.pid()));
                if (classCounter.isEmpty()) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    private Optional<ProcessHandle> functionJvm() {
        return emulator.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
    }

    /** Credential sets the function fetched (SnapStart), 0 for a classic function. */
    public int credentialFetches() {
        return credentials == null ? 0 : credentials.issued();
    }

    /** Credential requests refused for a wrong token. */
    public int refusedCredentialRequests() {
        return credentials == null ? 0 : credentials.refused();
    }

    /** Restores the function went through (1 once a SnapStart function was invoked). */
    public int restores() {
        return proxy.restores();
    }

    /**
     * The last invocation as the function ran it, from its runtime receiving the event to its posting the answer:
     * without the JVM's start, the handler's init or the restore hooks (which a first invocation's wall time has).
     */
    public Optional<Duration> lastInvocation() {
        long nanos = proxy.lastInvocationNanos();
        return nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
    }

    /**
     * With SnapStart, from the restore to the last answer (the afterRestore hooks and the invocations since): after a
     * first invocation, what a restored function pays on Lambda besides loading its snapshot, which no local path
     * does. Empty without a restore.
     */
    public Optional<Duration> sinceRestore() {
        long nanos = proxy.sinceRestoreNanos();
        return nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
    }

    /** The function's last lines of log, for a failure message. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        // The emulator and the JVM it started are the watching shell's descendants: all go.
        try {
            emulator.getOutputStream().close();
        } catch (IOException ignored) {
            // The shell is gone already.
        }
        emulator.descendants().forEach(ProcessHandle::destroy);
        emulator.destroy();
        try {
            if (!emulator.waitFor(10, TimeUnit.SECONDS)) {
                emulator.descendants().forEach(ProcessHandle::destroyForcibly);
                emulator.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (credentials != null) credentials.close();
        proxy.close();
        deleteTree(tmp);
    }

    private void awaitListening(String address) throws IOException {
        String[] hostPort = address.split(":");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!emulator.isAlive()) {
                throw new IOException("the Runtime Interface Emulator exited (" + emulator.exitValue() + "): " + logTail(20));
            }
            try (java.net.Socket s = new java.net.Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        throw new IOException("the Runtime Interface Emulator did not listen on " + address + " within 20 s: " + logTail(20));
    }

    /** The managed java21 runtime's java command for {@code function}, on this process's JDK. */
    static List<String> java(FunctionConfig function, Path tmp) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:MaxHeapSize=" + function.maxHeapKib() + "k");
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                "--add-opens=java.base/java.io=ALL-UNNAMED", "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
                "-Djava.net.preferIPv4Stack=true", "-XX:+ErrorFileToStderr", "-Djava.io.tmpdir=" + tmp));
        // The runtime client loads its JNI library; JDKs after 21 warn about it unless told it may.
        if (Runtime.version().feature() > 21) command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(List.of("-classpath", RuntimeClient.classpath(), RUNTIME_CLIENT_MAIN, function.handler()));
        return command;
    }

    /**
     * The jar unpacked, as Lambda unpacks a function's zip into /var/task, once per jar (by size and time), without
     * write permission.
     */
    static synchronized Path taskRoot(Path root, Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) throw new IOException(jar + " is missing: ./mvnw -B -DskipTests package");
        String key = Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis();
        Path task = root.resolve("cli/target/local-lambda/task-" + key);
        if (Files.isDirectory(task)) return task;
        Path partial = Files.createTempDirectory(Files.createDirectories(task.getParent()), "unpacking-");
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                Path to = partial.resolve(e.getName()).normalize();
                if (!to.startsWith(partial)) throw new IOException("jar entry outside the task root: " + e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(zip, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try (Stream<Path> all = Files.walk(partial)) {
            all.forEach(p -> p.toFile().setWritable(false, false));
        }
        partial.toFile().setWritable(true, false);
        Files.move(partial, task, StandardCopyOption.ATOMIC_MOVE);
        task.toFile().setWritable(false, false);
        // Earlier builds' task roots (tens of MB each), unless one may still be in use.
        long stale = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(30);
        try (Stream<Path> others = Files.list(task.getParent())) {
            others.filter(p -> p.getFileName().toString().startsWith("task-") && !p.equals(task))
                    .filter(p -> p.toFile().lastModified() < stale).forEach(LocalLambda::deleteTree);
        }
        return task;
    }

    /**
     * A command prefix that makes {@code task} read only for the function even to root: a read-only bind mount in a
     * mount namespace of the function's own, when this machine allows one (checked once); else nothing (the files
     * have no write permission, which binds any other user).
     */
    static List<String> readOnly(Path task) {
        if (namespaces == null) {
            Path probeDir = null;
            try {
                // On a directory of its own: where the mount fails, the write succeeds and leaves a file behind.
                probeDir = Files.createTempDirectory("appban-ro-probe-");
                Process probe = new ProcessBuilder("unshare", "-m", "sh", "-c",
                        "mount --bind -o ro \"$0\" \"$0\" && ! touch \"$0/probe\" 2>/dev/null", probeDir.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                namespaces = probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
            } catch (IOException e) {
                namespaces = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                namespaces = false;
            } finally {
                if (probeDir != null) deleteTree(probeDir);
            }
        }
        if (!namespaces) return List.of();
        return List.of("unshare", "-m", "sh", "-c", "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"", task.toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            // A task root has no write permission: a directory's entries can only go once it has it back.
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                if (p.getParent() != null) p.getParent().toFile().setWritable(true, true);
                p.toFile().delete();
            });
        } catch (IOException | UncheckedIOException e) {
            // A temporary directory left behind is not worth failing a run for.
        }
    }

}
