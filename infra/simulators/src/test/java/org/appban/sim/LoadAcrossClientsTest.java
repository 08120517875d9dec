package org.appban.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.SimSettings;
import org.appban.sim.jamf.JamfSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulators count as the real services do: one budget per app (Graph) or instance and deployment (Jamf Pro,
 * ISE), over every client and every connection that reaches them, not per connection.
 */
class LoadAcrossClientsTest {
    private Simulators sims;

    @AfterEach
    void stop() {
        if (sims != null) sims.close();
    }

    @Test
    void graphs_budget_is_the_apps_whatever_client_or_connection_sends() throws Exception {
        // Scaled to 20 device-management requests per 20 s for the app.
        sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults().budgetScale(0.01)).start();
        List<SimHttp> clients = List.of(new SimHttp(), new SimHttp(), new SimHttp(), new SimHttp()); // four connections
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            SimHttp c = clients.get(i % clients.size());
            String token = token(c);
            statuses.add(c.send("GET", sims.intune().baseUri().resolve("/v1.0/deviceManagement/managedDevices"), null, null,
                    "Authorization", "Bearer " + token).status());
        }
        assertEquals(20, statuses.stream().filter(s -> s == 200).count(), "statuses: " + statuses);
        assertTrue(statuses.subList(20, 24).stream().allMatch(s -> s == 429), "statuses: " + statuses);
    }

    @Test
    void graphs_directory_calls_have_their_own_budget() {
        // 35 directory requests per 10 s for the app at this scale.
        sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults().budgetScale(0.01)).start();
        SimHttp c = new SimHttp();
        String token = token(c);
        int ok = 0, throttled = 0;
        for (int i = 0; i < 40; i++) {
            int s = c.send("GET", sims.intune().baseUri().resolve("/v1.0/groups?$filter=displayName%20eq%20'x'"), null, null,
                    "Authorization", "Bearer " + token).status();
            if (s == 429) throttled++;
            else ok++;
        }
        assertEquals(35, ok);
        assertEquals(5, throttled);
    }

    @Test
    void ise_past_its_capacity_slows_down_then_fails_and_counts_the_seconds() throws Exception {
        // Capacity 20 calls per second; 8 clients send 120 calls as fast as they can.
        sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults().budgetScale(0.2)).start();
        String basic = "Basic " + Base64.getEncoder().encodeToString((Simulators.ISE_USER + ":" + Simulators.ISE_PASSWORD).getBytes(StandardCharsets.UTF_8));
        List<Integer> statuses = blast(8, 15, () -> new SimHttp(), c -> c.send("GET", sims.ise().baseUri().resolve("/ers/config/ancendpoint"), null, null,
                "Accept", "application/json", "Authorization", basic).status());
        assertTrue(statuses.stream().noneMatch(s -> s == 429), "ISE never answers 429");
        assertTrue(statuses.stream().anyMatch(s -> s == 503), "past a quarter over its capacity it fails: " + statuses);
        var load = sims.ise().load();
        assertEquals(20, load.capacityPerSecond());
        assertTrue(load.overloadSeconds() >= 1, "overload seconds: " + load);
        assertTrue(load.failedForOverload() > 0);
    }

    @Test
    void ise_within_its_capacity_has_no_overload_second() throws Exception {
        sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults().budgetScale(0.2)).start();
        String basic = "Basic " + Base64.getEncoder().encodeToString((Simulators.ISE_USER + ":" + Simulators.ISE_PASSWORD).getBytes(StandardCharsets.UTF_8));
        SimHttp c = new SimHttp();
        for (int i = 0; i < 20; i++) {
            assertEquals(200, c.send("GET", sims.ise().baseUri().resolve("/ers/config/ancendpoint"), null, null, "Accept", "application/json",
                    "Authorization", basic).status());
            Thread.sleep(60);
        }
        assertEquals(0, sims.ise().load().overloadSeconds());
    }

    @Test
    void jamf_counts_the_connections_open_at_once_over_every_client() throws Exception {
        sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults().latency(Duration.ofMillis(150))).start();
        blast(8, 3, () -> new SimHttp(), c -> c.send("POST", sims.jamf().baseUri().resolve("/api/oauth/token"), "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=" + Simulators.JAMF_CLIENT_ID + "&client_secret=" + Simulators.JAMF_CLIENT_SECRET).status());
        var load = sims.jamf().load();
        assertEquals(JamfSimulator.RECOMMENDED_CONNECTIONS, load.connectionCap());
        assertTrue(load.peakInFlight() > JamfSimulator.RECOMMENDED_CONNECTIONS, "peak " + load);
        assertTrue(load.secondsOverConnectionCap() >= 1, "" + load);
    }

    private String token(SimHttp c) {
        var r = c.send("POST", sims.intune().baseUri().resolve("/" + Simulators.TENANT + "/oauth2/v2.0/token"), "application/x-www-form-urlencoded",
                "client_id=" + Simulators.GRAPH_CLIENT_ID + "&client_secret=" + Simulators.GRAPH_CLIENT_SECRET
                        + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials");
        return r.json().get("access_token").asText();
    }

    /** {@code clients} clients (each its own connection), {@code each} calls each, all at once; every status. */
    private static List<Integer> blast(int clients, int each, java.util.function.Supplier<SimHttp> client,
                                       java.util.function.ToIntFunction<SimHttp> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                futures.add(pool.submit(() -> {
                    SimHttp c = client.get();
                    List<Integer> out = new ArrayList<>();
                    for (int k = 0; k < each; k++) out.add(call.applyAsInt(c));
                    return out;
                }));
            }
            List<Integer> all = new ArrayList<>();
            for (Future<List<Integer>> f : futures) all.addAll(f.get());
            return all;
        } finally {
            pool.shutdownNow();
        }
    }
}
