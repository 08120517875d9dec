package org.appban.ports;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;

/**
 * Guards side effects that cannot be undone or repeated (an email, a destructive MDM or NAC command) against
 * Lambda retries, duplicate events and concurrent runs. A caller claims a key before acting and completes it after:
 * <ul>
 *   <li>a completed key is never claimed again;</li>
 *   <li>a key held by a live claim is refused to everyone else;</li>
 *   <li>a claim whose lease ran out (its holder crashed between claiming and completing) can be taken over. That
 *       crash window is the only place a side effect can happen twice, and it is as short as the action itself.</li>
 * </ul>
 */
public interface Claims {
    Outcome claim(String key, String holder, Instant now, Duration lease);

    /** Marks the claimed action as done, with a short outcome (e.g. {@code sent}, {@code failed:throttled}). */
    void complete(String key, String holder, String outcome, Instant now);

    /** Gives a claim back without completing it (the action failed before any side effect), so a retry can take it. */
    void release(String key, String holder);

    Optional<State> state(String key);

    /** The holder of every {@link #note}. */
    String NOTED = "noted";

    /**
     * Keeps a fact that changes over time under {@code key}, replacing what was there: e.g. which of appban's MDM
     * groups a device was last placed in, so that a daily round writes to the MDM only what changed. Not a guard of an
     * action: a noted key is never claimed. Read back with {@link #state} or {@link #states}, as a completed state whose
     * holder is {@link #NOTED} and whose outcome is {@code value}.
     */
    void note(String key, String value, Instant now);

    /**
     * The states of several keys (the keys never claimed absent). Adapters whose reads are round trips override
     * this to read the keys together. A snapshot: a key may be claimed or completed right after it was read, so the
     * answer may steer a decision but never replaces {@link #claim}.
     */
    default Map<String, State> states(Collection<String> keys) {
        Map<String, State> states = new HashMap<>();
        for (String key : new LinkedHashSet<>(keys)) state(key).ifPresent(s -> states.put(key, s));
        return states;
    }

    enum Outcome {
        /** The caller holds the key and should act. */
        CLAIMED,
        /** The caller holds the key, taken over from a claim whose lease expired: the action may have happened. */
        TAKEN_OVER,
        /** Someone completed this action before: do nothing. */
        ALREADY_DONE,
        /** Someone else is acting on it now: do nothing, a later run will see the result. */
        HELD_ELSEWHERE
    }

    record State(String key, String holder, Instant leaseUntil, boolean completed, String outcome, Instant completedAt) {
    }
}
