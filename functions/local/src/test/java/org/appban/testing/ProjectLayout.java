package org.appban.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository root from wherever a test runs (Maven runs each module's tests in the module's folder; an
 * IDE may run them from the root), so every module shares one template.yaml and one emulator install.
 */
public final class ProjectLayout {
    private ProjectLayout() {
    }

    /** The folder holding template.yaml and mvnw; {@code -Dappban.root=...} overrides the search. */
    public static Path root() {
        String configured = System.getProperty("appban.root");
        if (configured != null && !configured.isBlank()) return Path.of(configured).toAbsolutePath().normalize();
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("template.yaml")) && Files.isRegularFile(p.resolve("mvnw"))) return p;
        }
        throw new IllegalStateException("cannot find the appban repository root (a folder with template.yaml and mvnw) above "
                + start + "; run the tests inside the repository or pass -Dappban.root=<path>");
    }

    public static Path template() {
        return root().resolve("template.yaml");
    }

    /** Where the emulator's install and logs go: inside the functions module's build folder, so `clean` removes it. */
    public static Path emulatorHome() {
        String configured = System.getProperty("appban.emulator.dir");
        if (configured != null && !configured.isBlank()) return Path.of(configured).toAbsolutePath().normalize();
        return root().resolve("functions").resolve("target").resolve("emulator");
    }
}
