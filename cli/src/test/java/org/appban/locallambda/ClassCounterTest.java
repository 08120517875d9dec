package org.appban.locallambda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The count of a JVM's loaded classes as jstat reads it, here of this test's own JVM. */
class ClassCounterTest {
    /** Loaded only when the test asks for it. */
    static final class NotYetLoaded {
    }

    @Test
    void counts_the_classes_a_jvm_loads_as_it_loads_them() throws Exception {
        Optional<ClassCounter> counter = ClassCounter.of(ProcessHandle.current().pid());
        assertTrue(counter.isPresent(), "this JVM publishes its counters (UsePerfData is on by default)");
        long before = counter.get().loaded();
        assertTrue(before > 1000, "a JVM running JUnit has loaded more than a thousand classes: " + before);
        // A loader of its own defines the class afresh, whatever JUnit's discovery already loaded through the app loader.
        try (java.net.URLClassLoader fresh = new java.net.URLClassLoader(
                new java.net.URL[] {ClassCounterTest.class.getProtectionDomain().getCodeSource().getLocation()}, null)) {
            Class.forName(ClassCounterTest.class.getName() + "$NotYetLoaded", true, fresh);
        }
        // That class, and whatever else this JVM loaded meanwhile (the loader's own machinery the first time).
        long after = counter.get().loaded();
        assertTrue(after >= before + 1, "loaded before " + before + ", after " + after);
    }

    @Test
    void a_process_that_is_not_a_jvm_has_no_count() {
        assertTrue(ClassCounter.of(Long.MAX_VALUE).isEmpty());
    }
}
