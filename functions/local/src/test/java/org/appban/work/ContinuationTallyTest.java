package org.appban.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.appban.input.InvalidInputException;
import org.junit.jupiter.api.Test;

/** A part's counts travel with its steps, and a message's tally is read as strictly as the rest of it. */
class ContinuationTallyTest {
    private static final String Q = "https://sqs.example/q";

    @Test
    void countsTravelToTheNextStepAndBack() {
        Continuation first = Continuation.start("network-access-round", Q, "r/1", 0, 2);
        assertFalse(ContinuationJson.toJson(first).contains("tally"), "a round that counts nothing sends no tally");
        Continuation second = first.next("d-9", Map.of("quarantines", 3L));
        Continuation read = ContinuationJson.parse(ContinuationJson.toJson(second), "test");
        assertEquals(second, read);
        assertEquals(3, read.tally("quarantines"));
        assertEquals(0, read.tally("releases"));
        assertEquals(3, read.next("d-12").tally("quarantines"), "next(cursor) keeps the counts");
    }

    @Test
    void aMalformedTallyIsRefusedNamingTheField() {
        String base = "{\"continue\":\"k\",\"queue\":\"" + Q + "\",\"round\":\"r\",\"part\":0,\"parts\":1,\"step\":2,\"tally\":";
        for (String bad : new String[] {"[1]", "{\"quarantines\":-1}", "{\"quarantines\":1.5}", "{\"Quarantines!\":1}", "{\"q\":\"3\"}",
                "{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,\"i\":1}"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> ContinuationJson.parse(base + bad + "}", "test"), bad);
            assertTrue(e.getMessage().contains("tally"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Continuation.start("k", Q, "r", 0, 1).next("x", Map.of("n", -1L)));
    }
}
