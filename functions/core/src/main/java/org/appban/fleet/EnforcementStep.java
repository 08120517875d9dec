package org.appban.fleet;

import java.util.Map;

/**
 * What one "ensure" call found and did.
 *
 * @param evidence small, non-secret facts for the ledger: ids of the MDM objects, counts added and removed
 */
public record EnforcementStep(Step step, Outcome outcome, String detail, Map<String, String> evidence) {
    public enum Step {
        UNINSTALL, BLOCK_REINSTALL, COMPLIANCE_RULE
    }

    public enum Outcome {
        /** The MDM was changed to the desired state. */
        CHANGED,
        /** The MDM already was in the desired state: nothing was written. */
        ALREADY_IN_PLACE,
        /** This MDM cannot do it (the detail says why); record it and escalate. */
        UNSUPPORTED
    }

    public EnforcementStep {
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }

    public static EnforcementStep unsupported(Step step, String why) {
        return new EnforcementStep(step, Outcome.UNSUPPORTED, why, Map.of());
    }
}
