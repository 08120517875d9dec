package org.appban.network;

import org.appban.domain.MacAddress;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void neverMoreThanThePublishedErsCeilingInAnySecond() {
        for (int i = 0; i < 260; i++) nac.quarantine(EndpointKey.mac(MacAddress.parse(String.format("02:EF:00:00:%02X:%02X", i / 256, i % 256))));
        var times = fleet.sims.ise().requests().all().stream().map(r -> r.wallTime()).sorted().toList();
        assertTrue(times.size() >= 260, "requests: " + times.size());
        for (int i = 0, j = 0; i < times.size(); i++) {
            while (java.time.Duration.between(times.get(j), times.get(i)).toMillis() >= 1000) j++;
            assertTrue(i - j + 1 <= CiscoIseNetworkAccess.ERS_TPS, (i - j + 1) + " requests within one second, ending at " + times.get(i));
        }
    }

    @Test
    void theConnectionNeverShowsThePassword() {
        var c = new IseConnection(URI.create("https://ise.example:9060"), "ers", new Secret("hunter2"), "Quarantine");
        assertFalse(c.toString().contains("hunter2"));
    }
}
