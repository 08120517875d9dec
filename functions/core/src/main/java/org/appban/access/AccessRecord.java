package org.appban.access;

import java.time.Instant;
import java.util.Objects;

/**
 * This function's own record of what it last did to one device's network access. It exists so that the function
 * releases only quarantines it applied itself (never one the security team applied for another reason), and
 * releases them under the key it used then (the device's MAC may have changed since).
 *
 * @param episode how many times this function has quarantined the device; numbers the once-only keys of each
 *                quarantine and its release
 * @param key     the NAC key the quarantine was applied under (a MAC for ISE)
 * @param policy  the NAC policy applied
 * @param since   when the current state began
 * @param grounds the evidence that decided the current state, as recorded in the ledger
 */
public record AccessRecord(String device, State state, int episode, String key, String policy, Instant since, String grounds) {
    public enum State {
        QUARANTINED, RELEASED
    }

    public AccessRecord {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(since, "since");
        if (episode < 1) throw new IllegalArgumentException("episode starts at 1");
    }

    public boolean quarantined() {
        return state == State.QUARANTINED;
    }

    public AccessRecord released(Instant at, String why) {
        return new AccessRecord(device, State.RELEASED, episode, key, policy, at, why);
    }
}
