package org.appban.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;
import org.appban.store.memory.InMemoryLedger;
import org.junit.jupiter.api.Test;

/** A manual run reaches its function with the request and the administrator the admin function recorded, once. */
class RunAuthorisationTest {
    static final String RAWIRI = "arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/rawiri";
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final Instant now = Instant.parse("2023-04-05T20:00:00Z");

    private void authorise(String id) {
        RunAuthorisation.authorise(ledger, now, id, "enforce-removal", Json.object().put("request", "enforce").put("all", true).put("dryRun", false),
                PrincipalPatternTest.proven(RAWIRI));
    }

    @Test
    void the_function_runs_the_recorded_request_as_the_proven_administrator() {
        authorise("run-1");
        RunAuthorisation.Redeemed r = RunAuthorisation.redeem(ledger, now.plusSeconds(5), "enforce-removal", "run-1", "event-1");
        assertEquals("administrator:" + RAWIRI, r.actor().toString());
        assertEquals("enforce", r.request().path("request").asText());
        // Lambda retries the same event: it runs again (the run itself is idempotent).
        RunAuthorisation.redeem(ledger, now.plusSeconds(9), "enforce-removal", "run-1", "event-1");
    }

    @Test
    void a_forged_id_another_functions_authorisation_a_replay_or_a_late_one_is_refused_naming_the_authorisation() {
        authorise("run-1");
        assertRefused("no run authorisation 'run-forged'", () -> RunAuthorisation.redeem(ledger, now, "enforce-removal", "run-forged", "e"));
        assertRefused("is for enforce-removal, not network-access", () -> RunAuthorisation.redeem(ledger, now, "network-access", "run-1", "e"));
        assertRefused("expired at", () -> RunAuthorisation.redeem(ledger, now.plus(RunAuthorisation.VALID), "enforce-removal", "run-1", "e"));
        RunAuthorisation.redeem(ledger, now, "enforce-removal", "run-1", "event-1");
        assertRefused("was already carried out (event event-1)", () -> RunAuthorisation.redeem(ledger, now.plus(Duration.ofMinutes(1)),
                "enforce-removal", "run-1", "event-2"));
    }

    private static void assertRefused(String words, org.junit.jupiter.api.function.Executable call) {
        InvalidInputException x = assertThrows(InvalidInputException.class, call);
        assertEquals("authorisation", x.problems().get(0).where());
        assertTrue(x.getMessage().contains(words), x.getMessage());
    }
}
