package org.appban.mail;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Where the SES integration tests find the AWS emulator: {@code AWS_ENDPOINT_URL} when set (the shared harness or
 * CI started one); otherwise a moto server this JVM starts on 127.0.0.1 and stops at exit. Stand-in until the
 * shared harness in {@code org.appban.testing} lands: all it needs from that harness is an endpoint URI of a
 * running moto (or LocalStack) server, and {@code GET /moto-api/data.json} on it.
 */
final class LocalEmulator {
    private static URI endpoint;

    private LocalEmulator() {
    }

    static synchronized URI endpoint() {
        if (endpoint != null) return endpoint;
        String configured = System.getenv("AWS_ENDPOINT_URL");
        if (configured != null && !configured.isBlank()) return endpoint = URI.create(configured);
        return endpoint = startMoto();
    }

    private static URI startMoto() {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free local port for moto", e);
        }
        Process moto;
        try {
            Path log = Files.createTempFile("moto-ses-it", ".log");
            moto = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("AWS_ENDPOINT_URL is not set and moto_server could not be started "
                    + "(install it with: pip install 'moto[server]'): " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(moto::destroy));
        URI uri = URI.create("http://127.0.0.1:" + port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (!moto.isAlive()) throw new IllegalStateException("moto_server exited with " + moto.exitValue());
            try {
                HttpURLConnection c = (HttpURLConnection) uri.resolve("/moto-api/data.json").toURL().openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 200) return uri;
            } catch (IOException notYet) {
                // still starting
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        moto.destroy();
        throw new IllegalStateException("moto_server did not answer on " + uri + " within 30 s");
    }
}
