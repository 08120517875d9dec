package org.appban.fleet.jamf;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Optional;
import org.appban.remote.ApiBudgets;
import org.appban.remote.ApiClient;
import org.appban.remote.ConnectionLimit;
import org.appban.remote.ApiRequest;
import org.appban.remote.ApiResponse;
import org.appban.remote.Authorizer;
import org.appban.remote.OAuthClientCredentials;
import org.appban.remote.RemoteOptions;

/**
 * Jamf Pro's two APIs behind one token: the Jamf Pro API (JSON, {@code /api}) and the Classic API (XML,
 * {@code /JSSResource}). Jamf publishes no rate limit; it recommends at most five concurrent connections per
 * instance, so every request holds one of the instance's {@value ApiBudgets#JAMF_CONNECTIONS} connection slots, shared
 * by every client of the instance (every container, when the options hold them in the shared table).
 */
public final class JamfProClient {
    private final JamfConnection connection;
    private final ApiClient api;

    public JamfProClient(JamfConnection connection, RemoteOptions options) {
        this.connection = connection;
        ApiClient tokenClient = new ApiClient("jamf", options, ApiClient.Budgets.NONE, Authorizer.NONE);
        Authorizer auth = connection.usesApiClient()
                ? new OAuthClientCredentials(tokenClient, ApiClient.at(connection.base(), "/api/oauth/token"), connection.clientId(), connection.clientSecret(), null, options.clock())
                : new JamfBearerToken(tokenClient, connection.base(), connection.username(), connection.password(), options.clock());
        ConnectionLimit slots = options.limits().connections("jamf/" + connection.base().getAuthority() + "/connections", ApiBudgets.JAMF_CONNECTIONS);
        this.api = new ApiClient("jamf", options, ApiClient.Budgets.NONE, auth, slots);
    }

    public ApiClient.Stats stats() {
        return api.stats();
    }

    URI at(String pathAndQuery) {
        return ApiClient.at(connection.base(), pathAndQuery);
    }

    JsonNode getJson(String operation, String pathAndQuery) {
        ApiResponse r = api.send(operation, ApiRequest.to(at(pathAndQuery)).header("Accept", "application/json"));
        if (!r.ok()) throw api.unexpected(operation, r);
        return r.json();
    }

    /** A Classic API resource as XML, or empty when Jamf has none (404). */
    Optional<String> getXml(String operation, String path) {
        ApiResponse r = api.send(operation, ApiRequest.to(at(path)).header("Accept", "application/xml"));
        if (r.status() == 404) return Optional.empty();
        if (!r.ok()) throw api.unexpected(operation, r);
        return Optional.of(r.body());
    }

    String sendXml(String operation, String method, String path, String xml) {
        ApiResponse r = api.send(operation, ApiRequest.to(at(path)).header("Content-Type", "application/xml").header("Accept", "application/xml")
                .method(method, xml));
        if (!r.ok()) throw api.unexpected(operation, r);
        return r.body();
    }
}
