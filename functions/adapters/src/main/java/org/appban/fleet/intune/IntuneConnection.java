package org.appban.fleet.intune;

import java.net.URI;
import org.appban.remote.Secret;

/**
 * Where and as whom to reach Intune: Entra's token endpoint ({@code loginBase}/{tenant}/oauth2/v2.0/token) and
 * Microsoft Graph ({@code graphBase}/v1.0). In production the bases are login.microsoftonline.com and
 * graph.microsoft.com; tests point both at the simulator.
 */
public record IntuneConnection(URI loginBase, URI graphBase, String tenant, String clientId, Secret clientSecret) {
    public static final URI LOGIN = URI.create("https://login.microsoftonline.com");
    public static final URI GRAPH = URI.create("https://graph.microsoft.com");

    @Override
    public String toString() {
        return "IntuneConnection[graph=" + graphBase + ", tenant=" + tenant + ", clientId=" + clientId + ", clientSecret=****]";
    }
}
