package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessBenchTest {
    private static String run(List<String> args, int expectedExit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = AccessBench.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, out);
        return out;
    }

    @Test
    void aSmallFleetRunsAllThreePhasesAndReportsTheFigures() {
        String out = run(List.of("--devices", "300", "--rate", "2000"), 0);
        for (String expected : List.of("decisions/s", "1. enforce", "2. half comply, release", "3. rerun", "NAC calls/s", "peak heap",
                "never over the allowed rate: true")) {
            assertTrue(out.contains(expected), expected + " in\n" + out);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertTrue(run(List.of("--devices", "many"), 2).contains("Invalid value for option '--devices': 'many' is not an int"));
        assertTrue(run(List.of("--colour"), 2).contains("Unknown option: '--colour'"));
        assertTrue(run(List.of("--devices", "5"), 2).contains("100 or more"));
    }
}
