package org.appban.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.appban.ports.Claims;

/** Embedded adapter for the rehearsal and unit tests; same rules as the DynamoDB one. */
public final class InMemoryClaims implements Claims {
    private final Map<String, State> states = new HashMap<>();

    @Override
    public synchronized Outcome claim(String key, String holder, Instant now, Duration lease) {
        State s = states.get(key);
        if (s != null && s.completed()) return Outcome.ALREADY_DONE;
        if (s != null && s.leaseUntil().isAfter(now) && !s.holder().equals(holder)) return Outcome.HELD_ELSEWHERE;
        states.put(key, new State(key, holder, now.plus(lease), false, null, null));
        return s == null || s.holder().equals(holder) && s.leaseUntil().isAfter(now) ? Outcome.CLAIMED : Outcome.TAKEN_OVER;
    }

    @Override
    public synchronized void complete(String key, String holder, String outcome, Instant now) {
        State s = states.get(key);
        if (s == null || s.completed() || !s.holder().equals(holder)) {
            throw new IllegalStateException("claim " + key + " is not held by " + holder);
        }
        states.put(key, new State(key, holder, s.leaseUntil(), true, outcome, now));
    }

    @Override
    public synchronized void release(String key, String holder) {
        State s = states.get(key);
        if (s != null && !s.completed() && s.holder().equals(holder)) states.remove(key);
    }

    @Override
    public synchronized void note(String key, String value, Instant now) {
        states.put(key, new State(key, NOTED, now, true, value, now));
    }

    @Override
    public synchronized Optional<State> state(String key) {
        return Optional.ofNullable(states.get(key));
    }
}
