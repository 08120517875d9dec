package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark runs end to end on a small fleet and prints the figures it promises. */
class EnforceBenchTest {
    @Test
    void aSmallRunReportsRateAgainstBudget429sWallTimeAndHeap() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = EnforceBench.run(List.of("--devices", "120", "--budget-scale", "50"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.matches("(?s).*deviceManagement writes \\(10000\\)\\s+work\\s+60\\s.*"), out);
        assertTrue(out.contains("429s: 0"), out);
        assertTrue(out.contains("wall time:") && out.contains("peak heap used:"), out);
        assertTrue(out.contains("60 done"), out);
    }

    @Test
    void aBadOptionIsNamed() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(2, EnforceBench.run(List.of("--devices", "many"), new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("Invalid value for option '--devices': 'many' is not an int"));
    }
}
