package org.appban.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.appban.wiring.AwsClients;
import org.appban.testing.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The AWS emulator a benchmark sends through: the one at {@code AWS_ENDPOINT_URL} when set, else the pinned moto
 * the integration tests use ({@link MotoServer}, same install under functions/target/emulator), started on a
 * loopback port for the length of the benchmark. Never real AWS: a benchmark must not send real email.
 */
public final class LocalEmulator implements AutoCloseable {
    private final URI endpoint;
    private final MotoServer started;
    private final AwsClients clients;

    private LocalEmulator(URI endpoint, MotoServer started) {
        this.endpoint = endpoint;
        this.started = started;
        String region = firstNonBlank(System.getenv("AWS_REGION"), System.getenv("AWS_DEFAULT_REGION"), "ap-southeast-2");
        this.clients = new AwsClients(Region.of(region), Optional.of(endpoint),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
    }

    public static LocalEmulator start(PrintStream out) throws IOException, InterruptedException {
        return start(out, false);
    }

    /**
     * As {@link #start(PrintStream)}; with {@code fastTransactions}, moto's bench launcher
     * ({@link MotoServer#startForBench}: the same outcomes, TransactWriteItems without a copy of every table and a
     * Query by key without a walk through the whole table).
     */
    public static LocalEmulator start(PrintStream out, boolean fastTransactions) throws IOException, InterruptedException {
        String external = System.getenv("AWS_ENDPOINT_URL");
        if (external != null && !external.isBlank()) {
            out.println("emulator: " + external.strip() + " (AWS_ENDPOINT_URL)");
            return new LocalEmulator(URI.create(external.strip()), null);
        }
        Path home = root().resolve("functions").resolve("target").resolve("emulator");
        long t0 = System.nanoTime();
        MotoServer moto = fastTransactions ? MotoServer.startForBench(home) : MotoServer.start(home);
        out.printf("emulator: %s%s at %s, started in %.1f s (install under %s)%n", MotoServer.REQUIREMENT,
                fastTransactions ? " (bench launcher: transactions and Queries by key not slowed by the table's size)" : "", moto.endpoint(),
                (System.nanoTime() - t0) / 1e9, home);
        return new LocalEmulator(moto.endpoint(), moto);
    }

    public URI endpoint() {
        return endpoint;
    }

    public AwsClients clients() {
        return clients;
    }

    @Override
    public void close() {
        if (started != null) started.close();
    }

    /** The repository root: {@code -Dappban.root}, else upwards from the working folder, else from this class's jar. */
    public static Path root() {
        String configured = System.getProperty("appban.root");
        if (configured != null && !configured.isBlank()) return Path.of(configured).toAbsolutePath().normalize();
        Optional<Path> found = upFrom(Path.of(System.getProperty("user.dir")));
        if (found.isEmpty()) {
            try {
                found = upFrom(Path.of(LocalEmulator.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (URISyntaxException | RuntimeException ignored) {
                // fall through to the error
            }
        }
        return found.orElseThrow(() -> new IllegalStateException(
                "cannot find the appban repository (template.yaml and mvnw); run inside it or pass -Dappban.root=<path>"));
    }

    private static Optional<Path> upFrom(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("template.yaml")) && Files.isRegularFile(p.resolve("mvnw"))) return Optional.of(p);
        }
        return Optional.empty();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) if (v != null && !v.isBlank()) return v;
        return null;
    }
}
