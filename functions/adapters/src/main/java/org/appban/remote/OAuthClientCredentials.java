package org.appban.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An OAuth 2 client-credentials token (Entra ID for Graph, Jamf Pro's API clients), cached until shortly before
 * it expires and renewed when the API refuses it. The token endpoint is called through its own {@link ApiClient}
 * (no Authorization header), so 5xx and 429 there are retried like any call.
 */
public final class OAuthClientCredentials implements Authorizer {
    private static final Duration SKEW = Duration.ofSeconds(60);
    private final ApiClient tokenClient;
    private final URI tokenUri;
    private final Map<String, String> form;
    private final Secret clientSecret;
    private final Clock clock;
    private String token;
    private Instant expires = Instant.MIN;
    private int fetched;

    public OAuthClientCredentials(ApiClient tokenClient, URI tokenUri, String clientId, Secret clientSecret, String scope, Clock clock) {
        this.tokenClient = tokenClient;
        this.tokenUri = tokenUri;
        this.clientSecret = clientSecret;
        this.clock = clock;
        this.form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        if (scope != null) form.put("scope", scope);
    }

    @Override
    public synchronized String authorization() {
        if (token == null || !clock.instant().isBefore(expires.minus(SKEW))) fetch();
        return "Bearer " + token;
    }

    @Override
    public synchronized void invalidate() {
        token = null;
    }

    /** How many tokens were fetched (tests check renewal happens, and only when needed). */
    public synchronized int fetched() {
        return fetched;
    }

    private void fetch() {
        Map<String, String> fields = new LinkedHashMap<>(form);
        fields.put("client_secret", clientSecret.reveal());
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        ApiResponse r = tokenClient.send("token", ApiRequest.to(tokenUri)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .post(body));
        if (!r.ok()) {
            // The body names the error code (e.g. invalid_client); it never echoes the secret.
            JsonNode j = r.json();
            throw new RemoteFailure(RemoteFailure.Kind.AUTH, tokenClient.api(), "token", r.status(), j.path("error").asText("token refused"));
        }
        JsonNode j = r.json();
        token = j.path("access_token").asText(null);
        if (token == null) throw new RemoteFailure(RemoteFailure.Kind.AUTH, tokenClient.api(), "token", r.status(), "no access_token in the answer");
        expires = clock.instant().plusSeconds(j.path("expires_in").asLong(300));
        fetched++;
    }
}
