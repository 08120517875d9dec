package org.appban.network;

/**
 * An endpoint as the NAC has it now.
 *
 * @param policy the quarantine (ANC) policy in force, or null when clear
 */
public record EndpointState(EndpointKey.Kind keyUsed, String key, String policy) {
    public boolean quarantined() {
        return policy != null;
    }
}
