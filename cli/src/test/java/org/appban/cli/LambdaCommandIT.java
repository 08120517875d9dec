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
 * {@code ./appban lambda}: one function through AWS's Runtime Interface Emulator and Client, on the tests' emulator
 * (AWS_ENDPOINT_URL) with a stage of its own created by {@code --init}.
 */
class LambdaCommandIT {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private LambdaCommand command(Map<String, String> env) {
        return new LambdaCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
    }

    @Test
    void the_admin_function_answers_its_function_urls_status_request_as_snapstart() throws Exception {
        AwsEmulator aws = AwsEmulator.shared();
        String stage = "lc" + UUID.randomUUID().toString().substring(0, 6);
        int exit = command(Map.of("AWS_ENDPOINT_URL", aws.endpoint().toString(), "AWS_REGION", aws.region().id()))
                .run(List.of("--init", "--stage", stage, "admin", ProjectLayout.root().resolve("events/admin/function-url-status.json").toString()));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        JsonNode answer = Json.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(200, answer.path("statusCode").asInt(), answer.toPrettyString());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("as SnapStart"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void help_says_what_it_needs_and_an_unknown_function_is_named_with_the_known_ones() {
        assertEquals(0, command(Map.of()).run(List.of("--help")));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Runtime Interface Emulator"));
        UsageException e = assertThrows(UsageException.class,
                () -> command(Map.of()).run(List.of("nosuch", ProjectLayout.root().resolve("events/admin/status.json").toString())));
        assertTrue(e.getMessage().contains("no function 'nosuch'") && e.getMessage().contains("AdminFunction"), e.getMessage());
    }
}
