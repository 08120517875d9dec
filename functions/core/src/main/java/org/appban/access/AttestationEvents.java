package org.appban.access;

import java.time.Instant;

/**
 * Announces that a member attested, so the network-access function re-evaluates their devices at once (a
 * quarantined device is released "as soon as" its member attests, not at the next daily run). On AWS an EventBridge
 * event ({@link EventBridgeAttestationEvents}); in the rehearsal a direct call of the service.
 */
@FunctionalInterface
public interface AttestationEvents {
    String SOURCE = "appban.attestation";
    String DETAIL_TYPE = "MemberAttested";

    void attested(String member, Instant at);

    static AttestationEvents none() {
        return (member, at) -> {
        };
    }
}
