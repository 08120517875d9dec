package org.appban.access;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.MacAddress;
import org.appban.network.EndpointKey;
import org.appban.network.EndpointState;
import org.appban.network.NetworkAccess;
import org.appban.remote.RemoteFailure;

/**
 * The NAC's current state as one run sees it: for a run over many devices, one listing of every quarantined
 * endpoint taken at the start (cheap where the NAC cannot look a MAC up directly); for a run over a few, a read
 * per device just before acting on it. Either way, each device's state is read before it is changed.
 */
final class NacView {
    private final NetworkAccess nac;
    private final Map<MacAddress, EndpointState> listed;

    private NacView(NetworkAccess nac, Map<MacAddress, EndpointState> listed) {
        this.nac = nac;
        this.listed = listed;
    }

    static NacView live(NetworkAccess nac) {
        return new NacView(nac, null);
    }

    /** One listing of the NAC; falls back to per-device reads when the NAC cannot list or the listing fails. */
    static NacView listed(NetworkAccess nac) {
        Optional<List<EndpointState>> all;
        try {
            all = nac.quarantinedEndpoints();
        } catch (RemoteFailure e) {
            return live(nac);
        }
        if (all.isEmpty()) return live(nac);
        Map<MacAddress, EndpointState> byMac = new HashMap<>();
        for (EndpointState s : all.get()) if (s.keyUsed() == EndpointKey.Kind.MAC) byMac.put(MacAddress.parse(s.key()), s);
        return new NacView(nac, byMac);
    }

    boolean isListing() {
        return listed != null;
    }

    EndpointState state(EndpointKey key) {
        if (listed == null) return nac.state(key);
        EndpointState s = listed.get(key.macAddress());
        return s != null ? s : new EndpointState(EndpointKey.Kind.MAC, key.macAddress().toString(), null);
    }

    /** Keeps the listing true to what this run did. */
    void changed(String mac, String policy) {
        if (listed == null) return;
        if (policy == null) listed.remove(MacAddress.parse(mac));
        else listed.put(MacAddress.parse(mac), new EndpointState(EndpointKey.Kind.MAC, mac, policy));
    }
}
