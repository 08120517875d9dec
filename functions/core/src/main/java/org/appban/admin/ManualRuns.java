package org.appban.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * Hands a recorded run authorisation on to its function ({@link org.appban.identity.AuthorisedRuns}); on AWS an
 * EventBridge event ({@code EventBridgeManualRuns} in adapters).
 */
public interface ManualRuns {
    void handOn(String function, String authorisation);

    /** Where nothing is wired to carry runs out (an in-process world): the request is refused, not lost. */
    static ManualRuns unavailable() {
        return (function, authorisation) -> {
            throw new org.appban.input.InvalidInputException("admin request", "operation", "manual runs cannot be handed on here: "
                    + function + " is not wired to this admin function");
        };
    }

    /** Keeps what was handed on, in order (tests, the rehearsal). */
    final class Recorded implements ManualRuns {
        public final List<String> handedOn = new ArrayList<>();

        @Override
        public synchronized void handOn(String function, String authorisation) {
            handedOn.add(function + " " + authorisation);
        }
    }
}
