package org.appban.network;

/**
 * The network access controller: keeps a device off the organisation's network and lets it back on. Quarantine
 * and release are idempotent: doing either twice says "already" instead of failing. A device the NAC cannot key
 * (e.g. no MAC where only MACs work) gives a {@link org.appban.remote.RemoteFailure} of kind UNSUPPORTED.
 */
public interface NetworkAccess {
    EndpointState state(EndpointKey key);

    AccessChange quarantine(EndpointKey key);

    AccessChange release(EndpointKey key);
}
