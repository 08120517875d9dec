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

    /** Every endpoint ISE lists, read by id, keyed by MAC. */
    private java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> allEndpoints() {
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byMac = new java.util.LinkedHashMap<>();
        for (int page = 1; ; page++) {
            var result = get("/ers/config/endpoint?page=" + page + "&size=7").json().get("SearchResult");
            for (var res : result.get("resources")) {
                var e = get("/ers/config/endpoint/" + res.get("id").asText()).json().get("ERSEndPoint");
                assertEquals(res.get("name").asText(), e.get("mac").asText());
                byMac.put(e.get("mac").asText(), e);
            }
            if (!result.has("nextPage")) return byMac;
        }
    }

    @Test
    void everyPresentDeviceWithAMacIsOneEndpointAndPrivateOnesNameTheirPortalUser() {
        var endpoints = allEndpoints();
        long macs = sims.world().devices().stream().filter(d -> d.present() && d.spec().mac() != null)
                .map(d -> d.spec().mac()).distinct().count();
        assertEquals(macs, endpoints.size());
        assertEquals(macs, get("/ers/config/endpoint?size=1").json().get("SearchResult").get("total").asInt());
        // d10: private, not enrolled anywhere; registered through the portal by its owner.
        var d10 = endpoints.get("02:AB:00:00:00:0B");
        assertEquals(sims.world().fleet().member("m10").orElseThrow().email(), d10.get("portalUser").asText());
        assertTrue(d10.get("staticGroupAssignment").asBoolean());
        // d01: corporate, so nobody registered it.
        assertTrue(!endpoints.get("02:AB:00:00:00:01").has("portalUser"));
    }

    @Test
    void twoDevicesSharingAMacAreOneEndpointOwnedByTheFirstRegistrant() {
        var shared = allEndpoints().get("DA:A1:19:5E:00:01");
        assertEquals(sims.world().fleet().member("m26").orElseThrow().email(), shared.get("portalUser").asText());
    }

    @Test
    void aDeviceWithoutAMacIsNoEndpoint() {
        assertTrue(allEndpoints().values().stream().noneMatch(e -> e.get("mac").asText().isEmpty()));
        assertEquals(400, get("/ers/config/endpoint?size=101").status());
        assertEquals(404, get("/ers/config/endpoint/no-such-id").status());
    }
}
