package org.appban.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * moto's server, installed at a pinned version into a virtualenv under the build folder (reused while its marker
 * names the same version) and run on a free loopback port until the JVM exits. Needs only python3 with pip and a
 * package index, which is all a fresh CI machine has.
 *
 * <p>Main code of the simulators module (no dependency on the functions), so that both the integration tests
 * (through {@code AwsEmulator}) and {@code ./appban bench} start the same pinned moto from the same install.
 */
public final class MotoServer implements AutoCloseable {
    public static final String REQUIREMENT = "moto[server]==5.2.5";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String MARKER = ".appban-requirement";

    private final Process process;
    private final URI endpoint;
    private final Path log;

    private MotoServer(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Installs moto if needed, then starts it; a port taken between our probe and moto's bind is retried. */
    public static MotoServer start(Path home) throws IOException, InterruptedException {
        return start(home, "moto_serialized.py");
    }

    /**
     * The same moto for {@code ./appban bench} only: TransactWriteItems rolled back from an undo log of the items it
     * names instead of a copy of every table it touches, and a Query by a table's key run over that partition only
     * (moto_bench.py says why; BenchMotoTransactionsIT shows the outcome is the same as stock moto's). An emulator
     * speed-up, never a test's emulator.
     */
    public static MotoServer startForBench(Path home) throws IOException, InterruptedException {
        return start(home, "moto_bench.py");
    }

    private static MotoServer start(Path home, String launcher) throws IOException, InterruptedException {
        Python python = install(home);
        Path script = home.resolve(launcher);
        for (String name : List.of("moto_serialized.py", launcher)) {
            try (InputStream in = MotoServer.class.getResourceAsStream(name)) {
                if (in == null) throw new IllegalStateException(name + " is missing from the classpath (appban-simulators jar)");
                Files.copy(in, home.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freeLoopbackPort();
            Path log = home.resolve("moto-" + port + ".log");
            ProcessBuilder builder = new ProcessBuilder(python.executable(), script.toString(), "127.0.0.1", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(python.environment());
            MotoServer server = new MotoServer(builder.start(), URI.create("http://127.0.0.1:" + port), log);
            try {
                server.awaitReady();
                return server;
            } catch (IllegalStateException e) {
                server.close();
                last = e;
            }
        }
        throw last;
    }

    /** A Python that can import moto (and so boto3 and PyYAML): the interpreter, and what to add to its environment. */
    public record Python(String executable, Map<String, String> environment) {
    }

    /** The Python of the pinned moto install under {@code home}, installing it first if needed. */
    public static Python python(Path home) throws IOException, InterruptedException {
        return install(home);
    }

    /**
     * Installs {@link #REQUIREMENT} unless already there: into a virtualenv, or, where Python has no venv module
     * (Debian's python3 without python3-venv), into a private folder put on PYTHONPATH.
     */
    static Python install(Path home) throws IOException, InterruptedException {
        Files.createDirectories(home);
        Path venv = home.resolve("venv");
        Path venvPython = venv.resolve("bin").resolve("python");
        Path site = home.resolve("site");
        Python inVenv = new Python(venvPython.toString(), Map.of());
        Python onPath = new Python(systemPython(), Map.of("PYTHONPATH", site.toString()));
        // Two build JVMs (say, functions and cli run in parallel) must not install into one folder at once.
        try (FileChannel channel = FileChannel.open(home.resolve("install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            if (Files.isExecutable(venvPython) && installed(venv)) return inVenv;
            if (installed(site)) return onPath;
            deleteTree(venv);
            deleteTree(site);
            Path installLog = home.resolve("install.log");
            Instant started = Instant.now();
            Python python;
            Path target;
            if (succeeds(List.of(systemPython(), "-m", "venv", venv.toString()), installLog) && Files.isExecutable(venvPython)) {
                run(List.of(venvPython.toString(), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", REQUIREMENT),
                        installLog, "pip install " + REQUIREMENT + " into " + venv);
                python = inVenv;
                target = venv;
            } else {
                deleteTree(venv);
                run(List.of(systemPython(), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet",
                        "--target", site.toString(), REQUIREMENT), installLog, "pip install --target " + site + " " + REQUIREMENT);
                python = onPath;
                target = site;
            }
            Files.writeString(target.resolve(MARKER), REQUIREMENT + "\n", StandardCharsets.UTF_8);
            System.err.println("[appban] installed " + REQUIREMENT + " into " + target + " in "
                    + Duration.between(started, Instant.now()).toSeconds() + " s");
            return python;
        }
    }

    /** The marker names the requirement it was installed for, so a version bump reinstalls. */
    private static boolean installed(Path folder) throws IOException {
        Path marker = folder.resolve(MARKER);
        return Files.isRegularFile(marker) && Files.readString(marker, StandardCharsets.UTF_8).trim().equals(REQUIREMENT);
    }

    private static boolean succeeds(List<String> command, Path log) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (p.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) return p.exitValue() == 0;
            p.destroyForcibly();
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": " + e.getMessage()
                    + " (is python3 installed? APPBAN_PYTHON names another interpreter)", e);
        }
    }

    private static String systemPython() {
        String configured = System.getenv("APPBAN_PYTHON");
        return configured == null || configured.isBlank() ? "python3" : configured;
    }

    private static void run(List<String> command, Path log, String what) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getMessage()
                    + " (is python3 installed? APPBAN_PYTHON names another interpreter)", e);
        }
        if (!p.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out after " + INSTALL_TIMEOUT.toMinutes() + " min trying to " + what + "; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("could not " + what + " (exit " + p.exitValue() + "):\n" + tail(log) + "\nfull log: " + log);
        }
    }

    private void awaitReady() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).timeout(Duration.ofSeconds(5)).GET().build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto exited with " + process.exitValue() + " before answering:\n" + tail(log));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("moto did not answer on " + endpoint + " within " + START_TIMEOUT.toSeconds() + " s:\n" + tail(log));
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) Files.deleteIfExists(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
