package org.appban.sim.ise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.appban.sim.SimHttp;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.SimSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IseSimulatorTest {
    private final Simulators sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults()).start();
    private final IseSimulator ise = sims.ise();
    private final SimHttp http = new SimHttp();
    private final String basic = "Basic " + Base64.getEncoder().encodeToString((Simulators.ISE_USER + ":" + Simulators.ISE_PASSWORD).getBytes(StandardCharsets.UTF_8));

    @AfterEach
    void stop() {
        sims.close();
    }

    private SimHttp.Reply put(String op, String mac, String policy) {
        String body = """
                {"OperationAdditionalData": {"additionalData": [{"name": "macAddress", "value": "%s"}, {"name": "policyName", "value": "%s"}]}}""".formatted(mac, policy);
        return http.send("PUT", ise.baseUri().resolve("/ers/config/ancendpoint/" + op), "application/json", body, "Accept", "application/json", "Authorization", basic);
    }

    private SimHttp.Reply get(String path) {
        return http.send("GET", ise.baseUri().resolve(path), null, null, "Accept", "application/json", "Authorization", basic);
    }

    @Test
    void applyingTheSamePolicyTwiceIsAnErrorInAnErsResponse() {
        assertEquals(204, put("apply", "DA:A1:19:5E:00:01", "Quarantine").status());
        var again = put("apply", "da-a1-19-5e-00-01", "Quarantine");
        assertEquals(400, again.status());
        var msg = again.json().get("ERSResponse").get("messages").get(0);
        assertEquals("ERROR", msg.get("type").asText());
        assertEquals("PUT-apply-ancendpoint", again.json().get("ERSResponse").get("operation").asText());
        assertEquals("Quarantine", ise.policyOf("DA:A1:19:5E:00:01"));
    }

    @Test
    void clearingAnEndpointWithoutAPolicyIsAnError() {
        assertEquals(400, put("clear", "02:AB:00:00:00:01", "Quarantine").status());
        put("apply", "02:AB:00:00:00:01", "Quarantine");
        assertEquals(204, put("clear", "02:AB:00:00:00:01", "Quarantine").status());
        assertNull(ise.policyOf("02:AB:00:00:00:01"));
    }

    @Test
    void listingIsPagedAtMostAHundredAndEachAssignmentReadsById() {
        for (int i = 1; i <= 5; i++) put("apply", "02:AB:00:00:01:0" + i, "Quarantine");
        var page1 = get("/ers/config/ancendpoint?page=1&size=2").json().get("SearchResult");
        assertEquals(5, page1.get("total").asInt());
        assertEquals(2, page1.get("resources").size());
        assertTrue(page1.get("nextPage").get("href").asText().contains("page=2"));
        var last = get("/ers/config/ancendpoint?page=3&size=2").json().get("SearchResult");
        assertEquals(1, last.get("resources").size());
        assertTrue(!last.has("nextPage"));
        assertEquals(400, get("/ers/config/ancendpoint?size=101").status());
        String id = page1.get("resources").get(0).get("id").asText();
        var one = get("/ers/config/ancendpoint/" + id).json().get("ErsAncEndpoint");
        assertEquals("02:AB:00:00:01:01", one.get("macAddress").asText());
        assertEquals("Quarantine", one.get("policyName").asText());
    }

    @Test
    void wrongCredentialsAndUnknownPoliciesAreRefused() {
        assertEquals(401, http.send("GET", ise.baseUri().resolve("/ers/config/ancendpoint"), null, null, "Accept", "application/json", "Authorization", "Basic eDp5").status());
        assertEquals(400, put("apply", "02:AB:00:00:00:09", "NoSuchPolicy").status());
    }
}
