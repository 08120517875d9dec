package org.appban.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.Test;

/** Settings is the functions' one view of their environment, and it remembers every name asked for. */
class SettingsTest {
    @Test
    void every_name_asked_for_is_recorded_whether_it_is_set_or_not() {
        Settings settings = new Settings(Map.of("SETTINGS_TEST_SET", "x"));
        assertEquals("x", settings.required("SETTINGS_TEST_SET"));
        assertEquals(Optional.empty(), settings.optional("SETTINGS_TEST_UNSET"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> settings.required("SETTINGS_TEST_MISSING"));
        assertTrue(e.getMessage().contains("SETTINGS_TEST_MISSING is not set"), e.getMessage());
        assertTrue(Settings.namesAsked().containsAll(List.of("SETTINGS_TEST_SET", "SETTINGS_TEST_UNSET", "SETTINGS_TEST_MISSING")));
    }

    @Test
    void an_overlay_lies_over_the_process_environment_for_later_settings() {
        try {
            Settings.overlay(Map.of("SETTINGS_TEST_OVERLAID", "from the template"));
            assertEquals("from the template", Settings.fromEnvironment().required("SETTINGS_TEST_OVERLAID"));
        } finally {
            Settings.overlay(Map.of());
        }
        assertEquals(Optional.empty(), Settings.fromEnvironment().optional("SETTINGS_TEST_OVERLAID"));
    }

    /** Otherwise TemplateContractIT could not know which variables a function reads. */
    @Test
    void no_main_class_but_settings_reads_the_environment_itself() throws IOException {
        // Every module of functions/ (core, application, adapters, lambda, local).
        Path main = ProjectLayout.root().resolve("functions");
        try (Stream<Path> files = Files.walk(main).filter(p -> p.toString().contains("/src/main/java/"))) {
            List<String> readers = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.endsWith(Path.of("org/appban/wiring/Settings.java")))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("System.getenv");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(p -> main.relativize(p).toString()).toList();
            assertEquals(List.of(), readers, "read the environment through org.appban.wiring.Settings");
        }
    }
}
