package org.appban.locallambda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * AWS's Runtime Interface Emulator ({@code aws-lambda-rie}), built from source at the version pinned in
 * {@code infra/lambda/build-rie.sh} with {@code go install} into cli/target/ the first time it is needed; the script
 * prints the binary's path, building it only when it is not there yet. Nothing fetched is committed.
 */
final class RuntimeInterfaceEmulator {
    static final String SCRIPT = "infra/lambda/build-rie.sh";
    private static Path binary;

    private RuntimeInterfaceEmulator() {
    }

    static synchronized Path binary(Path root) throws IOException {
        if (binary != null && Files.isExecutable(binary)) return binary;
        Path script = root.resolve(SCRIPT);
        Process p = new ProcessBuilder("sh", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(SCRIPT + " could not build the Runtime Interface Emulator (exit "
                        + (p.isAlive() ? "none: timed out" : p.exitValue()) + "); it needs Go 1.25+ and the Go module proxy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building the Runtime Interface Emulator", e);
        }
        Path built = Path.of(out.lines().reduce((a, b) -> b).orElse(""));
        if (!Files.isExecutable(built)) throw new IOException(SCRIPT + " printed no executable: '" + out + "'");
        binary = built;
        return built;
    }
}
