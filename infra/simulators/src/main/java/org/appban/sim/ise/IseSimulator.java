package org.appban.sim.ise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appban.sim.http.HttpFailure;
import org.appban.sim.http.Json;
import org.appban.sim.http.RateBudget;
import org.appban.sim.http.SimRequest;
import org.appban.sim.http.SimResponse;
import org.appban.sim.http.SimServer;
import org.appban.sim.http.SimSettings;
import org.appban.sim.world.SimWorld;

/**
 * Cisco ISE's External RESTful Services for Adaptive Network Control: apply and clear an ANC policy on an endpoint
 * (by MAC address), and list or read the current assignments. ISE keys endpoints by MAC, so two devices sharing a
 * MAC share one assignment.
 *
 * <p>Also the endpoint identity store ({@code /ers/config/endpoint}): every present fleet device with a MAC has
 * joined the network, so ISE knows it as an endpoint. Private devices were registered by their owner through the
 * BYOD / My Devices portal, so their endpoint names the owner as {@code portalUser}; corporate devices were not.
 * Two devices sharing a MAC are one endpoint, whose portalUser is whoever registered first.
 */
public final class IseSimulator extends SimServer {
    private static final Pattern MAC = Pattern.compile("^[0-9A-F]{2}(:[0-9A-F]{2}){5}$");
    private final String username;
    private final String password;
    private final Set<String> policies;
    /** MAC -> assignment, in the order they were applied. */
    private final Map<String, Assignment> assignments = new LinkedHashMap<>();

    /** MAC -> the endpoint ISE created when a device with that MAC first joined; never forgotten, as in ISE. */
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();

    private record Assignment(String id, String mac, String policy) {
    }

    private record Endpoint(String id, String mac, String portalUser, String profile) {
    }

    /** ISE's built-in endpoint identity groups (ids fixed per simulator, as a deployment's are). */
    private static final String REGISTERED_DEVICES_GROUP = uuid("group:RegisteredDevices");
    private static final String UNKNOWN_GROUP = uuid("group:Unknown");

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public IseSimulator(SimWorld world, SimSettings settings, String username, String password, Set<String> policies) {
        super("ise", world, settings);
        this.username = username;
        this.password = password;
        this.policies = Set.copyOf(policies);
    }

    @Override
    public IseSimulator start() {
        super.start();
        return this;
    }

    /** The policy a MAC is under now, or null (for tests). */
    public synchronized String policyOf(String mac) {
        Assignment a = assignments.get(mac.toUpperCase(java.util.Locale.ROOT));
        return a == null ? null : a.policy();
    }

    /** ISE answers no 429: past its capacity it slows down, then fails ({@link #capacityPerSecond()}). */
    @Override
    protected List<RateBudget> budgets(LongSupplier nanoTime) {
        return List.of();
    }

    /** Cisco's published ERS ceiling per deployment, scaled as the settings say. */
    public static final int ERS_TPS = 100;

    @Override
    protected int capacityPerSecond() {
        return settings.budgetsOn() ? settings.scaled(ERS_TPS) : 0;
    }

    @Override
    protected SimResponse authenticate(SimRequest r) {
        String expected = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (r.header("authorization").map(expected::equals).orElse(false)) return null;
        return ers(401, operation(r), "Unauthorized: authentication failed", "Unauthorized");
    }

    @Override
    protected SimResponse error(int status, String code, String message) {
        return ers(status, "ERS", message, code);
    }

    private SimResponse ers(int status, String operation, String title, String code) {
        ObjectNode body = Json.object();
        ObjectNode resp = body.putObject("ERSResponse").put("operation", operation);
        resp.putArray("messages").addObject().put("title", title).put("type", "ERROR").put("code", code);
        resp.putObject("link").put("rel", "related").put("href", baseUri() + "/ers/config/ancendpoint").put("type", "application/xml");
        return SimResponse.json(status, body);
    }

    private static String operation(SimRequest r) {
        if (r.path().endsWith("/apply")) return "PUT-apply-ancendpoint";
        if (r.path().endsWith("/clear")) return "PUT-clear-ancendpoint";
        if (r.path().startsWith("/ers/config/endpoint")) return r.method() + "-" + (r.path().startsWith("/ers/config/endpoint/") ? "getbyid" : "getall") + "-endpoint";
        return r.method() + "-" + (r.path().contains("/ancendpoint/") ? "getbyid" : "getall") + "-ancendpoint";
    }

    @Override
    protected synchronized SimResponse route(SimRequest r) {
        if (!r.header("accept").map(a -> a.contains("application/json")).orElse(false)) {
            return ers(406, operation(r), "Accept header must be application/json (the simulator does not speak XML)", "Not Acceptable");
        }
        String p = r.path();
        String m = r.method();
        if (p.equals("/ers/config/ancendpoint/apply") && m.equals("PUT")) return apply(r);
        if (p.equals("/ers/config/ancendpoint/clear") && m.equals("PUT")) return clear(r);
        if (p.equals("/ers/config/ancendpoint") && m.equals("GET")) return list(r);
        Matcher x = Pattern.compile("/ers/config/ancendpoint/([^/]+)").matcher(p);
        if (x.matches() && m.equals("GET")) return byId(x.group(1));
        if (p.equals("/ers/config/endpoint") && m.equals("GET")) return endpoints(r);
        Matcher e = Pattern.compile("/ers/config/endpoint/([^/]+)").matcher(p);
        if (e.matches() && m.equals("GET")) return endpoint(e.group(1));
        return ers(404, m + "-ancendpoint", "Resource not found: " + m + " " + p, "Resource not found exception");
    }

    private Map<String, String> additionalData(SimRequest r) {
        JsonNode data = Json.parse(r.body()).path("OperationAdditionalData").path("additionalData");
        if (!data.isArray()) throw new HttpFailure(400, "Application resource validation exception", "OperationAdditionalData.additionalData is required");
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode d : data) out.put(d.path("name").asText(), d.path("value").asText());
        return out;
    }

    private String mac(Map<String, String> data, SimRequest r) {
        String mac = data.get("macAddress");
        if (mac == null) {
            throw new HttpFailure(400, "Application resource validation exception", data.containsKey("ipAddress")
                    ? "the simulator applies ANC by macAddress only" : "macAddress is required");
        }
        String norm = mac.trim().toUpperCase(java.util.Locale.ROOT).replace('-', ':');
        if (!MAC.matcher(norm).matches()) throw new HttpFailure(400, "Application resource validation exception", "Invalid MAC address: " + mac);
        return norm;
    }

    private SimResponse apply(SimRequest r) {
        Map<String, String> data = additionalData(r);
        String mac = mac(data, r);
        String policy = data.get("policyName");
        if (policy == null || !policies.contains(policy)) {
            return ers(400, "PUT-apply-ancendpoint", "ANC policy '" + policy + "' does not exist", "Application resource validation exception");
        }
        Assignment current = assignments.get(mac);
        if (current != null) {
            return ers(400, "PUT-apply-ancendpoint", "Endpoint " + mac + " already has ANC policy '" + current.policy() + "' applied",
                    "Application resource validation exception");
        }
        assignments.put(mac, new Assignment(UUID.nameUUIDFromBytes(("anc:" + mac).getBytes(StandardCharsets.UTF_8)).toString(), mac, policy));
        return SimResponse.empty(204);
    }

    private SimResponse clear(SimRequest r) {
        Map<String, String> data = additionalData(r);
        String mac = mac(data, r);
        Assignment current = assignments.get(mac);
        if (current == null) {
            return ers(400, "PUT-clear-ancendpoint", "Endpoint " + mac + " has no ANC policy to clear", "Application resource validation exception");
        }
        String policy = data.get("policyName");
        if (policy != null && !policy.equals(current.policy())) {
            return ers(400, "PUT-clear-ancendpoint", "Endpoint " + mac + " is under ANC policy '" + current.policy() + "', not '" + policy + "'",
                    "Application resource validation exception");
        }
        assignments.remove(mac);
        return SimResponse.empty(204);
    }

    private SimResponse list(SimRequest r) {
        int page = r.intParam("page", 1);
        int size = r.intParam("size", 20);
        if (page < 1 || size < 1 || size > 100) {
            return ers(400, "GET-getall-ancendpoint", "page must be 1 or more and size between 1 and 100", "Application resource validation exception");
        }
        List<Assignment> all = List.copyOf(assignments.values());
        ObjectNode body = Json.object();
        ObjectNode result = body.putObject("SearchResult").put("total", all.size());
        ArrayNode resources = result.putArray("resources");
        for (int i = (page - 1) * size; i < Math.min(all.size(), page * size); i++) {
            Assignment a = all.get(i);
            resources.addObject().put("id", a.id()).set("link", link("self", "/ers/config/ancendpoint/" + a.id()));
        }
        if (page * size < all.size()) result.set("nextPage", link("next", "/ers/config/ancendpoint?page=" + (page + 1) + "&size=" + size));
        if (page > 1) result.set("previousPage", link("previous", "/ers/config/ancendpoint?page=" + (page - 1) + "&size=" + size));
        return SimResponse.ok(body);
    }

    private SimResponse byId(String id) {
        Assignment a = assignments.values().stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
        if (a == null) return ers(404, "GET-getbyid-ancendpoint", "Resource not found: ancendpoint " + id, "Resource not found exception");
        ObjectNode body = Json.object();
        body.putObject("ErsAncEndpoint").put("id", a.id()).put("macAddress", a.mac()).put("policyName", a.policy())
                .set("link", link("self", "/ers/config/ancendpoint/" + a.id()));
        return SimResponse.ok(body);
    }

    private ObjectNode link(String rel, String path) {
        return Json.object().put("rel", rel).put("href", baseUri() + path).put("type", "application/json");
    }

    /**
     * The endpoints of devices on the network now, in the order they first joined. A device that joins with a MAC
     * ISE already knows adds nothing: the endpoint (and its portal user) stays the first registrant's.
     */
    private List<Endpoint> currentEndpoints() {
        Set<String> present = new java.util.HashSet<>();
        for (org.appban.sim.world.SimDevice d : world().devices()) {
            String mac = d.spec().mac();
            if (!d.present() || mac == null || mac.isBlank()) continue;
            String norm = mac.trim().toUpperCase(java.util.Locale.ROOT).replace('-', ':');
            present.add(norm);
            endpoints.computeIfAbsent(norm, k -> new Endpoint(uuid("endpoint:" + k), k,
                    d.corporate() ? null : world().fleet().member(d.spec().owner()).map(org.appban.sim.fleet.FleetMember::email).orElse(null),
                    d.spec().platform() == null ? null : d.spec().platform().name()));
        }
        return endpoints.values().stream().filter(x -> present.contains(x.mac())).toList();
    }

    private SimResponse endpoints(SimRequest r) {
        int page = r.intParam("page", 1);
        int size = r.intParam("size", 20);
        if (page < 1 || size < 1 || size > 100) {
            return ers(400, "GET-getall-endpoint", "page must be 1 or more and size between 1 and 100", "Application resource validation exception");
        }
        List<Endpoint> all = currentEndpoints();
        ObjectNode body = Json.object();
        ObjectNode result = body.putObject("SearchResult").put("total", all.size());
        ArrayNode resources = result.putArray("resources");
        for (int i = (page - 1) * size; i < Math.min(all.size(), page * size); i++) {
            Endpoint a = all.get(i);
            resources.addObject().put("id", a.id()).put("name", a.mac()).set("link", link("self", "/ers/config/endpoint/" + a.id()));
        }
        if (page * size < all.size()) result.set("nextPage", link("next", "/ers/config/endpoint?page=" + (page + 1) + "&size=" + size));
        if (page > 1) result.set("previousPage", link("previous", "/ers/config/endpoint?page=" + (page - 1) + "&size=" + size));
        return SimResponse.ok(body);
    }

    private SimResponse endpoint(String id) {
        Endpoint a = currentEndpoints().stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
        if (a == null) return ers(404, "GET-getbyid-endpoint", "Resource not found: endpoint " + id, "Resource not found exception");
        ObjectNode body = Json.object();
        ObjectNode e = body.putObject("ERSEndPoint").put("id", a.id()).put("name", a.mac()).put("description", "").put("mac", a.mac())
                .put("profileId", uuid("profile:" + a.profile())).put("staticProfileAssignment", false);
        if (a.portalUser() != null) {
            e.put("groupId", REGISTERED_DEVICES_GROUP).put("staticGroupAssignment", true)
                    .put("portalUser", a.portalUser()).put("identityStore", "Internal Users").put("identityStoreId", uuid("store:Internal Users"));
        } else {
            e.put("groupId", UNKNOWN_GROUP).put("staticGroupAssignment", false).put("identityStore", "").put("identityStoreId", "");
        }
        e.set("link", link("self", "/ers/config/endpoint/" + a.id()));
        return SimResponse.ok(body);
    }
}
