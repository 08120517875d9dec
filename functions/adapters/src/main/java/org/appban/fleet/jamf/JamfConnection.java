package org.appban.fleet.jamf;

import java.net.URI;
import org.appban.remote.Secret;

/**
 * Where and as whom to reach Jamf Pro: an API client (OAuth client credentials, preferred) or a user account
 * (Basic for a bearer token, renewed with keep-alive). Exactly one of the two is set.
 */
public record JamfConnection(URI base, String clientId, Secret clientSecret, String username, Secret password) {
    public JamfConnection {
        boolean oauth = clientId != null && clientSecret != null;
        boolean basic = username != null && password != null;
        if (oauth == basic) throw new IllegalArgumentException("Jamf Pro needs either an API client (clientId, clientSecret) or a user (username, password)");
    }

    public static JamfConnection apiClient(URI base, String clientId, Secret clientSecret) {
        return new JamfConnection(base, clientId, clientSecret, null, null);
    }

    public static JamfConnection user(URI base, String username, Secret password) {
        return new JamfConnection(base, null, null, username, password);
    }

    public boolean usesApiClient() {
        return clientId != null;
    }

    @Override
    public String toString() {
        return "JamfConnection[base=" + base + ", " + (usesApiClient() ? "clientId=" + clientId : "username=" + username) + ", secret=****]";
    }
}
