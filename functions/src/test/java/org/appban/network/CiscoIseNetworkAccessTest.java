package org.appban.network;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.appban.fleet.SimulatedFleet;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.http.SimServer;
import org.junit.jupiter.api.Test;

class CiscoIseNetworkAccessTest extends NetworkAccessContract {
    @Override
    protected NetworkAccess adapter(SimulatedFleet fleet, RemoteOptions options, String password) {
        return new CiscoIseNetworkAccess(new IseConnection(fleet.sims.ise().baseUri(), Simulators.ISE_USER, new Secret(password), "Quarantine"), options);
    }

    @Override
    protected SimServer server(SimulatedFleet fleet) {
        return fleet.sims.ise();
    }

    @Override
    protected String correctPassword() {
        return Simulators.ISE_PASSWORD;
    }

    @Override
    protected void applyOtherPolicy(String mac) {
        String body = "{\"OperationAdditionalData\":{\"additionalData\":[{\"name\":\"macAddress\",\"value\":\"" + mac + "\"},{\"name\":\"policyName\",\"value\":\"Shutdown\"}]}}";
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fleet.sims.ise().baseUri() + "/ers/config/ancendpoint/apply"))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((Simulators.ISE_USER + ":" + Simulators.ISE_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 204) throw new IllegalStateException(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theConnectionNeverShowsThePassword() {
        var c = new IseConnection(URI.create("https://ise.example:9060"), "ers", new Secret("hunter2"), "Quarantine");
        assertFalse(c.toString().contains("hunter2"));
    }
}
