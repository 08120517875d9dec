package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleBenchTest {
    @Test
    void badSizesAreRefusedWithTheUsage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(2, ScaleBench.run(List.of("--members", "5000,25000", "--devices", "20000"), new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("--members and --devices need as many sizes each"));
        bytes.reset();
        assertEquals(2, ScaleBench.run(List.of("--limit-seconds", "1000"), new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("--limit-seconds must be 5 to 900"));
    }

    @Test
    void theDefaultLimitLeavesEveryRoundsStepAtLeastItsReserveToWork() throws Exception {
        // The reserves the rounds' handlers keep back (a step starts no work with less left), read from the handlers.
        long access = reserveMillis("org.appban.lambda.access.NetworkAccessHandler", "RESERVE_MILLIS");
        long inventory = reserveMillis("org.appban.lambda.inventory.InventorySyncHandler", "RESERVE_MILLIS");
        long notify = reserveMillis("org.appban.lambda.notice.NotifyMembersHandler", "SAFETY_MARGIN");
        long longest = Math.max(access, Math.max(inventory, notify));
        assertEquals(ScaleBench.LONGEST_RESERVE_SECONDS * 1000L, longest, "the bench's note names the longest reserve");
        assertTrue(ScaleBench.DEFAULT_LIMIT_SECONDS * 1000L >= 2 * longest,
                "at the default limit a step of every round works at least as long as it keeps back");
    }

    private static long reserveMillis(String handler, String field) throws Exception {
        java.lang.reflect.Field f = Class.forName(handler).getDeclaredField(field);
        f.setAccessible(true);
        Object v = f.get(null);
        return v instanceof java.time.Duration d ? d.toMillis() : ((Number) v).longValue();
    }

    @Test
    void theFunctionsComeFromTemplateYamlWithTheirMemoryRetriesAndMappedQueues() throws Exception {
        var template = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(LocalEmulator.root().resolve("template.yaml").toFile());
        Map<String, ScaleBench.FunctionSpec> specs = ScaleBench.functions(template);
        ScaleBench.FunctionSpec notify = specs.get("NotifyMembersFunction");
        assertEquals("org.appban.lambda.notice.NotifyMembersHandler", notify.handler());
        assertEquals(1024, notify.memoryMb());
        assertEquals(2, notify.retries());
        ScaleBench.FunctionSpec enforce = specs.get("EnforceRemovalFunction");
        assertTrue(enforce.sources().stream().anyMatch(s -> s.queue().equals("EnforceWorkQueue") && s.batchSize() == 10 && s.maxReceives() == 5),
                enforce.sources().toString());
    }
}
