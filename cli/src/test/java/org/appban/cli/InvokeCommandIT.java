package org.appban.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.appban.cli.support.UsageException;
import org.appban.json.Json;
import org.appban.testing.AwsEmulator;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * {@code ./appban invoke}: a function's production wiring, in this JVM, against the emulator, with the environment
 * the LocalStack hook records (here run by {@code --init} on the tests' emulator, under a stage of its own).
 */
class InvokeCommandIT {
    @Test
    void the_admin_function_answers_a_status_request_on_the_emulator() throws Exception {
        AwsEmulator aws = AwsEmulator.shared();
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL", aws.endpoint().toString(), "AWS_REGION", aws.region().id());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String stage = "iv" + UUID.randomUUID().toString().substring(0, 6);
        int exit = new InvokeCommand(new PrintStream(out, true, StandardCharsets.UTF_8), env).run(List.of("--init", "--stage", stage,
                "admin", ProjectLayout.root().resolve("events/admin/status.json").toString()));
        assertEquals(0, exit);
        // The sample is the function URL event Lambda delivers for a signed call: the answer is its HTTP response.
        JsonNode response = Json.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(200, response.path("statusCode").asInt(), response.toPrettyString());
        JsonNode report = Json.parse(response.path("body").asText());
        assertEquals("done", report.path("status").asText(), report.toPrettyString());
        assertEquals("arn:aws:sts::111122223333:assumed-role/appban-operator/hana", report.path("caller").asText());
    }

    @Test
    void it_refuses_to_run_without_an_emulator() {
        UsageException e = assertThrows(UsageException.class,
                () -> new InvokeCommand(System.out, Map.of()).run(List.of("admin", "events/admin/status.json")));
        assertTrue(e.getMessage().contains("AWS_ENDPOINT_URL"), e.getMessage());
    }
}
