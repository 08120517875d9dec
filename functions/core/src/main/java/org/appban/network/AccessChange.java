package org.appban.network;

/**
 * What a quarantine or release did, and under which key, for the audit record.
 *
 * @param policy the NAC policy involved (e.g. the ANC policy name)
 */
public record AccessChange(Outcome outcome, EndpointKey.Kind keyUsed, String key, String policy, String detail) {
    public enum Outcome {
        QUARANTINED, ALREADY_QUARANTINED, RELEASED, ALREADY_CLEAR
    }

    /** True when this call changed the network. */
    public boolean changed() {
        return outcome == Outcome.QUARANTINED || outcome == Outcome.RELEASED;
    }
}
