package org.appban.locallambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The local stand-in for the credentials Lambda serves a SnapStart function. */
class CredentialsEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).GET();
        if (token != null) r.header("Authorization", token);
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void it_answers_only_the_runtimes_token_with_a_new_set_that_the_sdk_renews_after_the_rotation_period() throws Exception {
        try (CredentialsEndpoint endpoint = CredentialsEndpoint.start(Duration.ofSeconds(20))) {
            assertEquals("127.0.0.1", endpoint.uri().getHost(), "loopback only");
            assertEquals(401, get(endpoint.uri(), null).statusCode());
            assertEquals(401, get(endpoint.uri(), "not-the-token").statusCode());
            assertEquals(2, endpoint.refused());

            JsonNode first = new ObjectMapper().readTree(get(endpoint.uri(), endpoint.token()).body());
            JsonNode second = new ObjectMapper().readTree(get(endpoint.uri(), endpoint.token()).body());
            assertNotEquals(first.path("AccessKeyId").asText(), second.path("AccessKeyId").asText());
            assertTrue(first.path("Token").asText().length() > 0);
            // The SDK's container provider renews a set 15 minutes before it expires: 20 seconds after it got it.
            Instant expires = Instant.parse(first.path("Expiration").asText());
            Duration left = Duration.between(Instant.now(), expires);
            assertTrue(left.compareTo(Duration.ofMinutes(15)) > 0 && left.compareTo(Duration.ofMinutes(15).plusSeconds(21)) <= 0, left.toString());
            assertEquals(2, endpoint.issued());
        }
    }
}
