package org.appban.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceCostsTest {
    @Test
    void each_service_named_is_used_once_and_timed_on_a_line_of_its_own_in_order() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ServiceCosts.main(new String[] {"dynamodb", "secretsmanager", "mdm-nac-adapters"});
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("dynamodb", "secretsmanager", "mdm-nac-adapters"), lines.stream().map(l -> l.split(" ")[0]).toList());
        lines.forEach(l -> assertTrue(Double.parseDouble(l.split(" ")[1]) >= 0, l));
    }

    @Test
    void an_unknown_service_is_named_with_the_known_ones() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceCosts.main(new String[] {"dynamo"}));
        assertTrue(e.getMessage().contains("'dynamo'") && e.getMessage().contains("dynamodb, s3"), e.getMessage());
    }

    @Test
    void dynamodb_the_baselines_service_comes_first() {
        assertEquals("dynamodb", ServiceCosts.names().get(0));
    }
}
