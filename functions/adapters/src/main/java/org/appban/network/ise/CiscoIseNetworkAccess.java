package org.appban.network.ise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.appban.domain.MacAddress;
import org.appban.network.AccessChange;
import org.appban.network.EndpointKey;
import org.appban.network.EndpointState;
import org.appban.network.NetworkAccess;
import org.appban.network.RegisteredDevice;
import org.appban.network.RegisteredDevices;
import org.appban.remote.ApiClient;
import org.appban.remote.ApiRequest;
import org.appban.remote.ApiResponse;
import org.appban.remote.BasicAuth;
import org.appban.remote.RemoteFailure;
import org.appban.remote.RemoteOptions;
import org.appban.remote.RateLimit;
import org.appban.json.Json;

/**
 * Cisco ISE through ERS Adaptive Network Control. ANC keys endpoints by MAC address only, so the MAC is the key
 * used, always. ISE refuses to apply a policy an endpoint already has and to clear an endpoint that has none;
 * rather than trusting the wording of those errors, a refused apply or clear is followed by a read of the
 * endpoint, and the answer decides between "already" and a real failure.
 *
 * <p>Cisco publishes a ceiling of {@value #ERS_TPS} transactions per second for concurrent ERS API connections per
 * deployment (developer.cisco.com, ISE API, "Maximum concurrent ERS API connections"), and documents no 429 or
 * rate-limit header: a client that goes faster is not told, the deployment just degrades. So every call this adapter
 * makes draws on the deployment's budget ({@link org.appban.remote.ApiBudgets#ise}, the deployment's
 * ISE_CALLS_PER_SECOND, scaled by {@link RemoteOptions#budgetScale()}), shared by every client of the deployment.
 */
public final class CiscoIseNetworkAccess implements NetworkAccess, RegisteredDevices {
    private static final int PAGE = 100;
    /** The published ERS ceiling, transactions per second per deployment. */
    public static final int ERS_TPS = 100;
    /**
     * How long an endpoint's details read for the registry are trusted: within it, an endpoint listed again under the
     * same id and name (its MAC) is not read again. A registration changing hands on the same endpoint is seen
     * within this long; new and renamed endpoints at once.
     */
    public static final Duration REGISTRY_DETAILS_TRUSTED = Duration.ofHours(24);
    private final IseConnection connection;
    private final ApiClient api;
    private final java.time.Clock clock;
    /** Endpoint details by ERS id, as last read: kept while the container lives (hourly syncs on a warm one). */
    private final java.util.Map<String, Known> known = new java.util.concurrent.ConcurrentHashMap<>();

    private record Known(String name, RegisteredDevice device, java.time.Instant readAt) {
    }

    public CiscoIseNetworkAccess(IseConnection connection, RemoteOptions options) {
        this.connection = connection;
        this.clock = options.clock();
        // One budget per deployment, shared by every client that calls it (network access, the inventory's registry).
        RateLimit ers = options.limits().limit(options.budgets().ise(connection.base().getAuthority()).scaled(options.budgetScale()));
        List<RateLimit> every = List.of(ers);
        this.api = new ApiClient("ise", options, (method, path) -> every, new BasicAuth(connection.username(), connection.password()));
    }

    public ApiClient.Stats stats() {
        return api.stats();
    }

    /** The key ANC takes, in the form ISE is sent: {@code AA:BB:CC:DD:EE:FF}. */
    private static String mac(EndpointKey key) {
        if (key.macAddress() == null) {
            throw RemoteFailure.unsupported("ise", "key endpoint", "ISE ANC needs a MAC address and this device has none");
        }
        return key.macAddress().toString();
    }

    /** What ISE stored as an endpoint's MAC; empty when it is not one (ISE stores what it was given). */
    private static Optional<MacAddress> readMac(String stored) {
        try {
            return MacAddress.parseOptional(stored);
        } catch (MacAddress.Malformed e) {
            return Optional.empty();
        }
    }

    @Override
    public EndpointState state(EndpointKey key) {
        String mac = mac(key);
        return new EndpointState(EndpointKey.Kind.MAC, mac, policyOf(mac).orElse(null));
    }

    @Override
    public Optional<String> ownPolicy() {
        return Optional.of(connection.policyName());
    }

    @Override
    public AccessChange quarantine(EndpointKey key) {
        String mac = mac(key);
        String policy = connection.policyName();
        ApiResponse r = put("/ers/config/ancendpoint/apply", mac, policy);
        if (r.ok()) return new AccessChange(AccessChange.Outcome.QUARANTINED, EndpointKey.Kind.MAC, mac, policy, "ANC policy applied");
        Optional<String> now = policyOf(mac);
        if (now.isPresent() && now.get().equals(policy)) {
            return new AccessChange(AccessChange.Outcome.ALREADY_QUARANTINED, EndpointKey.Kind.MAC, mac, policy, "ISE already had the policy: " + ersTitle(r));
        }
        throw new RemoteFailure(RemoteFailure.Kind.PERMANENT, "ise", "apply ANC policy", r.status(),
                (now.isPresent() ? "endpoint is under another ANC policy '" + now.get() + "'; " : "") + ersTitle(r));
    }

    @Override
    public AccessChange release(EndpointKey key) {
        String mac = mac(key);
        String policy = connection.policyName();
        ApiResponse r = put("/ers/config/ancendpoint/clear", mac, policy);
        if (r.ok()) return new AccessChange(AccessChange.Outcome.RELEASED, EndpointKey.Kind.MAC, mac, policy, "ANC policy cleared");
        Optional<String> now = policyOf(mac);
        if (now.isEmpty()) return new AccessChange(AccessChange.Outcome.ALREADY_CLEAR, EndpointKey.Kind.MAC, mac, policy, "ISE had no policy on it: " + ersTitle(r));
        throw new RemoteFailure(RemoteFailure.Kind.PERMANENT, "ise", "clear ANC policy", r.status(),
                "endpoint is under ANC policy '" + now.get() + "'; " + ersTitle(r));
    }

    private ApiResponse put(String path, String mac, String policy) {
        ObjectNode body = Json.object();
        ArrayNode data = body.putObject("OperationAdditionalData").putArray("additionalData");
        data.addObject().put("name", "macAddress").put("value", mac);
        data.addObject().put("name", "policyName").put("value", policy);
        ApiResponse r = api.send(path.endsWith("apply") ? "apply ANC policy" : "clear ANC policy", ApiRequest.to(ApiClient.at(connection.base(), path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .put(Json.write(body)));
        if (r.ok() || r.status() == 400 || r.status() == 409 || r.status() == 500) return r;
        throw api.unexpected(path.endsWith("apply") ? "apply ANC policy" : "clear ANC policy", r);
    }

    /**
     * Every ANC assignment: one listing page per 100 assignments, then a read of each (the listing gives ids only).
     * Costs {@code pages + assignments} calls, against {@code pages + position} for one {@link #state}.
     */
    @Override
    public Optional<List<EndpointState>> quarantinedEndpoints() {
        List<EndpointState> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode result = get("list ANC endpoints", "/ers/config/ancendpoint?page=" + page + "&size=" + PAGE).path("SearchResult");
            for (JsonNode res : result.path("resources")) {
                JsonNode e = get("read ANC endpoint", "/ers/config/ancendpoint/" + res.path("id").asText()).path("ErsAncEndpoint");
                Optional<MacAddress> mac = readMac(e.path("macAddress").asText());
                String policy = e.path("policyName").asText(null);
                if (mac.isPresent() && policy != null) all.add(new EndpointState(EndpointKey.Kind.MAC, mac.get().toString(), policy));
            }
            if (!result.has("nextPage") || result.path("resources").isEmpty()) return Optional.of(List.copyOf(all));
        }
    }

    /**
     * Every endpoint in ISE's identity store ({@code GET /ers/config/endpoint}, 100 a page, then a read of each, as
     * the listing gives ids and names only). Lazy: a page is fetched when the stream reaches it, so a caller holds
     * one page; costs {@code pages + endpoints} calls, within the same ERS budget as the ANC calls, except that an
     * endpoint read within {@link #REGISTRY_DETAILS_TRUSTED} and listed again under the same name is not read again
     * (hourly syncs on a warm container cost the pages and the new endpoints only). An endpoint
     * whose MAC is not a MAC is skipped (ISE stores what it was given; nothing can be keyed on it).
     */
    @Override
    public Stream<RegisteredDevice> registered() {
        java.util.Iterator<RegisteredDevice> pages = new java.util.Iterator<>() {
            private int page = 1;
            private boolean more = true;
            private final java.util.ArrayDeque<RegisteredDevice> buffer = new java.util.ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (buffer.isEmpty() && more) fetch();
                return !buffer.isEmpty();
            }

            @Override
            public RegisteredDevice next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                return buffer.poll();
            }

            private void fetch() {
                EndpointPage p = endpointPage(page);
                buffer.addAll(p.devices());
                more = p.more();
                page++;
            }
        };
        return StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(pages, java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL), false);
    }

    /**
     * The endpoints a page at a time by ERS's own page numbers (1 on), for a sync that hands the cursor on between
     * invocations; each page costs what a page of {@link #registered} costs.
     */
    @Override
    public org.appban.fleet.SourcePage<RegisteredDevice> page(String cursor) {
        int page = 1;
        if (cursor != null) {
            if (!cursor.matches("\\d{1,9}") || Integer.parseInt(cursor) < 1) throw new IllegalArgumentException("not an ERS page: '" + cursor + "'");
            page = Integer.parseInt(cursor);
        }
        EndpointPage p = endpointPage(page);
        return new org.appban.fleet.SourcePage<>(p.devices(), p.more() ? Integer.toString(page + 1) : null);
    }

    private record EndpointPage(List<RegisteredDevice> devices, boolean more) {
    }

    /** One ERS page of endpoints, each read unless a recent read of it under the same name is known. */
    private EndpointPage endpointPage(int page) {
        JsonNode result = get("list endpoints", "/ers/config/endpoint?page=" + page + "&size=" + PAGE).path("SearchResult");
        java.time.Instant now = clock.instant();
        List<RegisteredDevice> out = new ArrayList<>();
        for (JsonNode res : result.path("resources")) {
            String id = res.path("id").asText();
            String name = res.path("name").asText("");
            Known k = known.get(id);
            if (k != null && k.name().equals(name) && now.isBefore(k.readAt().plus(REGISTRY_DETAILS_TRUSTED))) {
                if (k.device() != null) out.add(k.device());
                continue;
            }
            JsonNode e = get("read endpoint", "/ers/config/endpoint/" + id).path("ERSEndPoint");
            Optional<MacAddress> mac = readMac(e.path("mac").asText(""));
            String user = e.path("portalUser").asText("").trim();
            RegisteredDevice device = mac.isPresent()
                    ? new RegisteredDevice(mac.get(), user.isEmpty() ? null : user, e.path("id").asText(id)) : null;
            known.put(id, new Known(name, device, now));
            if (device != null) out.add(device);
        }
        return new EndpointPage(out, result.has("nextPage") && !result.path("resources").isEmpty());
    }

    /** The ANC policy on a MAC: pages through the assignments (at most 100 a page) and reads each until found. */
    private Optional<String> policyOf(String key) {
        MacAddress mac = MacAddress.parse(key);
        for (int page = 1; ; page++) {
            JsonNode result = get("list ANC endpoints", "/ers/config/ancendpoint?page=" + page + "&size=" + PAGE).path("SearchResult");
            for (JsonNode res : result.path("resources")) {
                JsonNode e = get("read ANC endpoint", "/ers/config/ancendpoint/" + res.path("id").asText()).path("ErsAncEndpoint");
                if (readMac(e.path("macAddress").asText()).filter(mac::equals).isPresent()) return Optional.ofNullable(e.path("policyName").asText(null));
            }
            if (!result.has("nextPage") || result.path("resources").isEmpty()) return Optional.empty();
        }
    }

    private JsonNode get(String operation, String pathAndQuery) {
        ApiResponse r = api.send(operation, ApiRequest.to(ApiClient.at(connection.base(), pathAndQuery)).header("Accept", "application/json"));
        if (!r.ok()) throw api.unexpected(operation, r);
        return r.json();
    }

    private static String ersTitle(ApiResponse r) {
        try {
            return r.json().path("ERSResponse").path("messages").path(0).path("title").asText("HTTP " + r.status());
        } catch (RuntimeException e) {
            return "HTTP " + r.status();
        }
    }
}
