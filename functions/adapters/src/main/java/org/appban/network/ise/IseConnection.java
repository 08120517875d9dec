package org.appban.network.ise;

import java.net.URI;
import org.appban.remote.Secret;

/**
 * Where and as whom to reach Cisco ISE's ERS API (https://ise:9060, an ERS Admin account), and the ANC policy
 * that means "quarantined" there.
 */
public record IseConnection(URI base, String username, Secret password, String policyName) {
    @Override
    public String toString() {
        return "IseConnection[base=" + base + ", username=" + username + ", password=****, policy=" + policyName + "]";
    }
}
