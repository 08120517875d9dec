package org.appban.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.appban.ports.Claims.Outcome;
import org.appban.ports.Claims.State;
import org.appban.testing.Concurrently;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link Claims} does. Subclasses supply an empty one per test. Time is passed in, never read. */
public abstract class ClaimsContract {
    private static final Instant T0 = Instant.parse("2023-03-30T11:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final Instant EXPIRED = T0.plus(LEASE).plusSeconds(1);
    private static final String KEY = "notice.sent#m-1#final-reminder";

    private Claims claims;

    /** A new, empty claims store; called before each test. */
    protected abstract Claims newClaims();

    @BeforeEach
    void freshClaims() {
        claims = newClaims();
    }

    @Test
    void a_new_key_is_claimed_for_the_lease() {
        assertEquals(Outcome.CLAIMED, claims.claim(KEY, "run-a", T0, LEASE));
        assertEquals(Optional.of(new State(KEY, "run-a", T0.plus(LEASE), false, null, null)), claims.state(KEY));
    }

    @Test
    void a_note_keeps_the_latest_value_and_reads_back_as_a_completed_state() {
        claims.note("placed#d-1", "target", T0);
        claims.note("placed#d-1", "exempt", T0.plusSeconds(5));
        assertEquals(Optional.of(new State("placed#d-1", Claims.NOTED, T0.plusSeconds(5), true, "exempt", T0.plusSeconds(5))), claims.state("placed#d-1"));
        assertEquals("exempt", claims.states(List.of("placed#d-1", "placed#d-2")).get("placed#d-1").outcome());
        assertEquals(Outcome.ALREADY_DONE, claims.claim("placed#d-1", "run-a", T0, LEASE), "a note is never an action to take");
    }

    @Test
    void an_unknown_key_has_no_state() {
        assertEquals(Optional.empty(), claims.state("never-claimed"));
    }

    @Test
    void many_keys_are_read_at_once_each_as_state_reads_it_even_past_a_hundred() {
        List<String> keys = new java.util.ArrayList<>();
        java.util.Map<String, State> expected = new java.util.HashMap<>();
        for (int i = 0; i < 130; i++) {
            String key = "notice#m-" + i + "#reminder";
            keys.add(key);
            if (i % 4 == 0) claims.claim(key, "run-a", T0, LEASE);
            if (i % 8 == 0) claims.complete(key, "run-a", "sent", T0.plusSeconds(1));
            claims.state(key).ifPresent(s -> expected.put(key, s));
        }
        keys.add("notice#m-0#reminder");
        assertEquals(33, expected.size());
        assertEquals(expected, claims.states(keys));
        assertEquals(java.util.Map.of(), claims.states(List.of()));
    }

    @Test
    void a_live_claim_is_refused_to_anyone_else() {
        claims.claim(KEY, "run-a", T0, LEASE);
        assertEquals(Outcome.HELD_ELSEWHERE, claims.claim(KEY, "run-b", T0.plus(LEASE).minusNanos(1), LEASE));
        assertEquals("run-a", claims.state(KEY).orElseThrow().holder());
    }

    @Test
    void the_holder_claiming_again_keeps_the_key_and_renews_the_lease() {
        claims.claim(KEY, "run-a", T0, LEASE);
        Instant later = T0.plusSeconds(60);
        assertEquals(Outcome.CLAIMED, claims.claim(KEY, "run-a", later, LEASE));
        assertEquals(later.plus(LEASE), claims.state(KEY).orElseThrow().leaseUntil());
    }

    @Test
    void once_the_lease_runs_out_another_holder_takes_it_over() {
        claims.claim(KEY, "run-a", T0, LEASE);
        assertEquals(Outcome.TAKEN_OVER, claims.claim(KEY, "run-b", EXPIRED, LEASE));
        assertEquals(new State(KEY, "run-b", EXPIRED.plus(LEASE), false, null, null), claims.state(KEY).orElseThrow());
    }

    @Test
    void a_lease_ends_at_its_last_instant() {
        claims.claim(KEY, "run-a", T0, LEASE);
        assertEquals(Outcome.TAKEN_OVER, claims.claim(KEY, "run-b", T0.plus(LEASE), LEASE));
    }

    @Test
    void a_holder_coming_back_after_its_own_lease_ran_out_is_told_it_took_over() {
        claims.claim(KEY, "run-a", T0, LEASE);
        assertEquals(Outcome.TAKEN_OVER, claims.claim(KEY, "run-a", EXPIRED, LEASE));
    }

    @Test
    void a_completed_key_is_never_claimed_again_not_even_after_its_lease() {
        claims.claim(KEY, "run-a", T0, LEASE);
        claims.complete(KEY, "run-a", "sent", T0.plusSeconds(2));
        assertEquals(Outcome.ALREADY_DONE, claims.claim(KEY, "run-b", T0.plusSeconds(3), LEASE));
        assertEquals(Outcome.ALREADY_DONE, claims.claim(KEY, "run-a", EXPIRED.plus(Duration.ofDays(30)), LEASE));
        State done = claims.state(KEY).orElseThrow();
        assertTrue(done.completed());
        assertEquals("sent", done.outcome());
        assertEquals(T0.plusSeconds(2), done.completedAt());
        assertEquals("run-a", done.holder());
    }

    @Test
    void only_the_holder_can_complete() {
        claims.claim(KEY, "run-a", T0, LEASE);
        assertThrows(IllegalStateException.class, () -> claims.complete(KEY, "run-b", "sent", T0));
        assertThrows(IllegalStateException.class, () -> claims.complete("never-claimed", "run-a", "sent", T0));
        assertFalse(claims.state(KEY).orElseThrow().completed());
    }

    @Test
    void a_key_is_completed_once() {
        claims.claim(KEY, "run-a", T0, LEASE);
        claims.complete(KEY, "run-a", "sent", T0.plusSeconds(1));
        assertThrows(IllegalStateException.class, () -> claims.complete(KEY, "run-a", "failed", T0.plusSeconds(2)));
        assertEquals("sent", claims.state(KEY).orElseThrow().outcome());
    }

    @Test
    void a_holder_whose_claim_was_taken_over_can_no_longer_complete() {
        claims.claim(KEY, "run-a", T0, LEASE);
        claims.claim(KEY, "run-b", EXPIRED, LEASE);
        assertThrows(IllegalStateException.class, () -> claims.complete(KEY, "run-a", "sent", EXPIRED.plusSeconds(1)));
        claims.complete(KEY, "run-b", "sent", EXPIRED.plusSeconds(1));
        assertEquals("run-b", claims.state(KEY).orElseThrow().holder());
    }

    @Test
    void a_released_key_can_be_claimed_afresh() {
        claims.claim(KEY, "run-a", T0, LEASE);
        claims.release(KEY, "run-a");
        assertEquals(Optional.empty(), claims.state(KEY));
        assertEquals(Outcome.CLAIMED, claims.claim(KEY, "run-b", T0.plusSeconds(1), LEASE));
    }

    @Test
    void only_the_holder_can_release_and_never_a_completed_key() {
        claims.claim(KEY, "run-a", T0, LEASE);
        claims.release(KEY, "run-b");
        assertEquals("run-a", claims.state(KEY).orElseThrow().holder());
        claims.complete(KEY, "run-a", "sent", T0.plusSeconds(1));
        claims.release(KEY, "run-a");
        assertTrue(claims.state(KEY).orElseThrow().completed());
        claims.release("never-claimed", "run-a");
        assertEquals(Optional.empty(), claims.state("never-claimed"));
    }

    @Test
    void of_eight_runs_claiming_a_new_key_at_once_exactly_one_gets_it() {
        List<Outcome> outcomes = Concurrently.run(8, i -> claims.claim(KEY, "run-" + i, T0, LEASE));
        assertEquals(1, Collections.frequency(outcomes, Outcome.CLAIMED), "outcomes: " + outcomes);
        assertEquals(7, Collections.frequency(outcomes, Outcome.HELD_ELSEWHERE), "outcomes: " + outcomes);
        assertEquals("run-" + outcomes.indexOf(Outcome.CLAIMED), claims.state(KEY).orElseThrow().holder());
    }

    @Test
    void of_eight_runs_taking_over_an_expired_claim_at_once_exactly_one_gets_it() {
        claims.claim(KEY, "crashed-run", T0, LEASE);
        List<Outcome> outcomes = Concurrently.run(8, i -> claims.claim(KEY, "run-" + i, EXPIRED, LEASE));
        assertEquals(1, Collections.frequency(outcomes, Outcome.TAKEN_OVER), "outcomes: " + outcomes);
        assertEquals(7, Collections.frequency(outcomes, Outcome.HELD_ELSEWHERE), "outcomes: " + outcomes);
        assertEquals("run-" + outcomes.indexOf(Outcome.TAKEN_OVER), claims.state(KEY).orElseThrow().holder());
    }
}
