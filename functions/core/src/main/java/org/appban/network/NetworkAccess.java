package org.appban.network;

import java.util.List;
import java.util.Optional;

/**
 * The network access controller: keeps a device off the organisation's network and lets it back on. Quarantine
 * and release are idempotent: doing either twice says "already" instead of failing. A device the NAC cannot key
 * (e.g. no MAC where only MACs work) gives a {@link org.appban.remote.RemoteFailure} of kind UNSUPPORTED.
 */
public interface NetworkAccess {
    EndpointState state(EndpointKey key);

    AccessChange quarantine(EndpointKey key);

    AccessChange release(EndpointKey key);

    /**
     * Every endpoint under any quarantine policy now, in one read, for runs that look at many devices: reading
     * {@link #state} device by device costs a NAC that cannot look a MAC up directly (ISE ANC) a walk of all
     * assignments per device. Empty when the NAC cannot list them; callers then read {@link #state} per device.
     */
    default Optional<List<EndpointState>> quarantinedEndpoints() {
        return Optional.empty();
    }

    /**
     * The quarantine policy this function applies, when the NAC adapter knows it. A run resuming an interrupted
     * attempt adopts a quarantine it finds only under this policy; when it is unknown, the NAC is asked instead.
     */
    default Optional<String> ownPolicy() {
        return Optional.empty();
    }
}
