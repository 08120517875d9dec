package org.appban.fleet.jamf;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.appban.remote.ApiClient;
import org.appban.remote.ApiRequest;
import org.appban.remote.ApiResponse;
import org.appban.remote.Authorizer;
import org.appban.remote.BasicAuth;
import org.appban.remote.RemoteFailure;
import org.appban.remote.Secret;

/**
 * Jamf Pro's user-account token: {@code POST /api/v1/auth/token} with Basic credentials gives a bearer token and
 * its expiry; shortly before expiry it is renewed with {@code POST /api/v1/auth/keep-alive} (which retires the old
 * one); when the API refuses it, a fresh one is fetched.
 */
final class JamfBearerToken implements Authorizer {
    private static final Duration SKEW = Duration.ofSeconds(60);
    private final ApiClient client;
    private final URI base;
    private final BasicAuth basic;
    private final Clock clock;
    private String token;
    private Instant expires = Instant.MIN;

    JamfBearerToken(ApiClient client, URI base, String username, Secret password, Clock clock) {
        this.client = client;
        this.base = base;
        this.basic = new BasicAuth(username, password);
        this.clock = clock;
    }

    @Override
    public synchronized String authorization() {
        Instant now = clock.instant();
        if (token == null) {
            take(send("token", "/api/v1/auth/token", basic.authorization()));
        } else if (!now.isBefore(expires.minus(SKEW))) {
            ApiResponse r;
            try {
                r = send("keep-alive", "/api/v1/auth/keep-alive", "Bearer " + token);
            } catch (RemoteFailure f) {
                if (f.kind() != RemoteFailure.Kind.AUTH) throw f;
                r = null;
            }
            // A token Jamf no longer honours cannot be kept alive: start over with the credentials.
            take(r != null && r.ok() ? r : send("token", "/api/v1/auth/token", basic.authorization()));
        }
        return "Bearer " + token;
    }

    private ApiResponse send(String operation, String path, String authorization) {
        return client.send(operation, ApiRequest.to(ApiClient.at(base, path)).header("Accept", "application/json")
                .header("Authorization", authorization).post(""));
    }

    private void take(ApiResponse r) {
        if (!r.ok()) throw new RemoteFailure(RemoteFailure.Kind.AUTH, "jamf", "token", r.status(), "Jamf Pro refused the credentials");
        JsonNode j = r.json();
        token = j.path("token").asText(null);
        if (token == null) throw new RemoteFailure(RemoteFailure.Kind.AUTH, "jamf", "token", r.status(), "no token in the answer");
        try {
            expires = Instant.parse(j.path("expires").asText());
        } catch (RuntimeException e) {
            expires = clock.instant().plus(Duration.ofMinutes(20));
        }
    }

    @Override
    public synchronized void invalidate() {
        token = null;
    }
}
