package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cold-start bench's baseline runs on the Lambda path from the deployable jar's code plus its own handler. */
class LambdaColdStartTest {
    @Test
    void the_baseline_function_is_the_deployable_jar_with_the_baseline_handler_added(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("appban-functions-lambda.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("org/appban/wiring/AwsClients.class"));
            zip.write("production code".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Path baseline = LambdaColdStart.baselineJar(jar, dir);
        List<String> entries = new ArrayList<>();
        try (ZipFile z = new ZipFile(baseline.toFile())) {
            z.stream().forEach(e -> entries.add(e.getName()));
            assertEquals("production code", new String(z.getInputStream(z.getEntry("org/appban/wiring/AwsClients.class")).readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        assertEquals(List.of("org/appban/wiring/AwsClients.class", "org/appban/coldstart/BaselineHandler.class"), entries);
    }

    @Test
    void a_refused_sample_is_a_failed_run_not_a_fast_one() {
        assertEquals("answered HTTP 401: {\"status\":\"refused\",\"reason\":\"bad signature\"}", LambdaColdStart.refusal(
                "{\"statusCode\":401,\"headers\":{},\"body\":\"{\\\"status\\\":\\\"refused\\\",\\\"reason\\\":\\\"bad signature\\\"}\"}"));
        assertNull(LambdaColdStart.refusal("{\"statusCode\":200,\"body\":\"{}\"}"), "an answer");
        assertNull(LambdaColdStart.refusal("{\"status\":\"done\",\"run\":\"r-1\"}"), "a function that is not behind a URL reports, with no status code");
        assertNull(LambdaColdStart.refusal("{\"found\":true}"), "the baseline's answer");
    }
}
