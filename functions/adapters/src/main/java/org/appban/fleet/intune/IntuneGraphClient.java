package org.appban.fleet.intune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.appban.remote.ApiClient;
import org.appban.remote.ApiRequest;
import org.appban.remote.ApiResponse;
import org.appban.remote.OAuthClientCredentials;
import org.appban.remote.RemoteFailure;
import org.appban.remote.RemoteOptions;
import org.appban.remote.ApiBudgets;
import org.appban.remote.RateLimit;
import org.appban.json.Json;

/**
 * Microsoft Graph for Intune: token, budgets, paging by {@code @odata.nextLink}, and {@code $batch} with each inner
 * request throttled and retried on its own. Shared by the Intune inventory and enforcement adapters.
 */
public final class IntuneGraphClient {
    /** Graph's published Intune budgets per 20 seconds for one app (the per-tenant budget is twice these): see {@link ApiBudgets}. */
    static final int DEVICES_ANY = ApiBudgets.GRAPH_DEVICES_ANY, DEVICES_WRITES = ApiBudgets.GRAPH_DEVICES_WRITES,
            APPS_ANY = ApiBudgets.GRAPH_APPS_ANY, APPS_WRITES = ApiBudgets.GRAPH_APPS_WRITES;
    static final Duration WINDOW = ApiBudgets.GRAPH_WINDOW;
    static final int MAX_BATCH = 20;

    private final IntuneConnection connection;
    private final ApiClient api;
    private final OAuthClientCredentials token;

    public IntuneGraphClient(IntuneConnection connection, RemoteOptions options) {
        this.connection = connection;
        ApiClient tokenClient = new ApiClient("entra-id", options, ApiClient.Budgets.NONE, org.appban.remote.Authorizer.NONE);
        this.token = new OAuthClientCredentials(tokenClient, ApiClient.at(connection.loginBase(), "/" + connection.tenant() + "/oauth2/v2.0/token"),
                connection.clientId(), connection.clientSecret(), "https://graph.microsoft.com/.default", options.clock());
        // One budget per app registration and limit class, shared by every client of this app (in every container
        // and function when the options hold them in the shared table).
        String app = "graph/" + connection.tenant() + "/" + connection.clientId() + "/";
        RateLimit devicesAny = options.limit(app + "deviceManagement", "Graph deviceManagement", DEVICES_ANY, WINDOW);
        RateLimit devicesWrites = options.limit(app + "deviceManagement-writes", "Graph deviceManagement writes", DEVICES_WRITES, WINDOW);
        RateLimit appsAny = options.limit(app + "deviceAppManagement", "Graph deviceAppManagement", APPS_ANY, WINDOW);
        RateLimit appsWrites = options.limit(app + "deviceAppManagement-writes", "Graph deviceAppManagement writes", APPS_WRITES, WINDOW);
        RateLimit directoryAny = options.limit(app + "directory", "Graph directory", ApiBudgets.DIRECTORY_ANY, ApiBudgets.DIRECTORY_WINDOW);
        RateLimit directoryWrites = options.limit(app + "directory-writes", "Graph directory writes", ApiBudgets.DIRECTORY_WRITES,
                ApiBudgets.DIRECTORY_WRITES_WINDOW);
        // The scarcer budget first: its wait is the longer, and a permit of the plentiful one taken before it could
        // lapse meanwhile.
        ApiClient.Budgets budgets = (method, path) -> {
            boolean write = !method.equals("GET");
            if (path.contains("/deviceManagement/")) return write ? List.of(devicesWrites, devicesAny) : List.of(devicesAny);
            if (path.contains("/deviceAppManagement/")) return write ? List.of(appsWrites, appsAny) : List.of(appsAny);
            // A device's memberOf is a directory read, like the group listings.
            if (path.contains("/groups") || path.contains("/directoryObjects/") || path.endsWith("/memberOf")) {
                return write ? List.of(directoryWrites, directoryAny) : List.of(directoryAny);
            }
            return List.of();
        };
        this.api = new ApiClient("intune", options, budgets, token);
    }

    public ApiClient.Stats stats() {
        return api.stats();
    }

    /** How many access tokens were fetched so far. */
    public int tokensFetched() {
        return token.fetched();
    }

    URI graph(String pathAndQuery) {
        return ApiClient.at(connection.graphBase(), pathAndQuery);
    }

    String directoryObjectUrl(String objectId) {
        return ApiClient.at(connection.graphBase(), "/v1.0/directoryObjects/" + objectId).toString();
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String operation, String pathAndQuery) {
        return expectOk(operation, api.send(operation, ApiRequest.to(graph(pathAndQuery)).header("Accept", "application/json")));
    }

    Optional<JsonNode> getIfExists(String operation, String pathAndQuery) {
        ApiResponse r = api.send(operation, ApiRequest.to(graph(pathAndQuery)).header("Accept", "application/json"));
        if (r.status() == 404) return Optional.empty();
        return Optional.of(expectOk(operation, r));
    }

    JsonNode post(String operation, String path, JsonNode body) {
        return expectOk(operation, api.send(operation, ApiRequest.to(graph(path)).header("Content-Type", "application/json")
                .header("Accept", "application/json").post(Json.write(body))));
    }

    private JsonNode expectOk(String operation, ApiResponse r) {
        if (!r.ok()) throw api.unexpected(operation, r);
        return r.json();
    }

    /**
     * One page of a listing: its items, the whole nextLink to follow as given (null on the last page) and
     * {@code @odata.count} when Graph sent one (-1 when not).
     */
    record Page(List<JsonNode> items, String nextLink, long count) {
    }

    /** Fetches the page at {@code url}: a path and query under the Graph base, or a nextLink (absolute). */
    Page page(String operation, String url) {
        URI uri = url.startsWith("/") ? graph(url) : URI.create(url);
        JsonNode body = expectOk(operation, api.send(operation, ApiRequest.to(uri).header("Accept", "application/json")));
        List<JsonNode> items = new ArrayList<>();
        body.path("value").forEach(items::add);
        String next = body.hasNonNull("@odata.nextLink") ? body.get("@odata.nextLink").asText() : null;
        long count = body.path("@odata.count").canConvertToLong() ? body.path("@odata.count").asLong() : -1;
        return new Page(items, next, count);
    }

    /** Every item of a listing, fetching the next page (the whole nextLink, as given) only when needed. */
    Stream<JsonNode> pages(String operation, String pathAndQuery) {
        Iterator<JsonNode> it = new Iterator<>() {
            private String next = graph(pathAndQuery).toString();
            private Iterator<JsonNode> page = List.<JsonNode>of().iterator();

            @Override
            public boolean hasNext() {
                // Pages can be empty and still link on: keep following until there is an item or no link.
                while (!page.hasNext() && next != null) {
                    ApiResponse r = api.send(operation, ApiRequest.to(URI.create(next)).header("Accept", "application/json"));
                    JsonNode body = expectOk(operation, r);
                    List<JsonNode> items = new ArrayList<>();
                    body.path("value").forEach(items::add);
                    page = items.iterator();
                    next = body.hasNonNull("@odata.nextLink") ? body.get("@odata.nextLink").asText() : null;
                }
                return page.hasNext();
            }

            @Override
            public JsonNode next() {
                if (!hasNext()) throw new NoSuchElementException();
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** One request of a batch; {@code url} is relative to the version, e.g. {@code /deviceManagement/managedDevices/1}. */
    record BatchRequest(String id, String method, String url, JsonNode body) {
    }

    record BatchResult(String id, int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /**
     * Sends the requests in batches of twenty. Inner 429s and 5xx are retried on their own (Retry-After honoured,
     * else backoff) up to the retry limit; what still fails comes back with its last status.
     */
    List<BatchResult> batch(String operation, List<BatchRequest> requests) {
        Map<String, BatchResult> done = new LinkedHashMap<>();
        for (int from = 0; from < requests.size(); from += MAX_BATCH) {
            List<BatchRequest> pending = new ArrayList<>(requests.subList(from, Math.min(requests.size(), from + MAX_BATCH)));
            int failures = 0;
            while (!pending.isEmpty()) {
                // Each inner request draws on its budgets. The first waits for its permit; the others join only if
                // theirs are there now, and wait for the next batch otherwise: a permit is good for a short lease,
                // and holding some while waiting for more would send them after it ran out.
                ObjectNode body = Json.object();
                ArrayNode list = body.putArray("requests");
                List<BatchRequest> sending = new ArrayList<>();
                List<BatchRequest> deferred = new ArrayList<>();
                for (BatchRequest r : pending) {
                    String budgetPath = "/v1.0" + pathOf(r.url());
                    if (sending.isEmpty()) {
                        api.acquire(r.method(), budgetPath);
                    } else if (!deferred.isEmpty() || !api.tryAcquire(r.method(), budgetPath)) {
                        deferred.add(r);
                        continue;
                    }
                    sending.add(r);
                    ObjectNode o = list.addObject().put("id", r.id()).put("method", r.method()).put("url", r.url());
                    if (r.body() != null) {
                        o.set("body", r.body());
                        o.putObject("headers").put("Content-Type", "application/json");
                    }
                }
                JsonNode answer = post(operation, "/v1.0/$batch", body);
                Map<String, BatchRequest> byId = new LinkedHashMap<>();
                sending.forEach(r -> byId.put(r.id(), r));
                List<BatchRequest> retry = new ArrayList<>();
                Duration wait = Duration.ZERO;
                boolean sawRetryAfter = false;
                for (JsonNode resp : answer.path("responses")) {
                    BatchRequest req = byId.remove(resp.path("id").asText());
                    if (req == null) continue;
                    int status = resp.path("status").asInt();
                    if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504) {
                        if (status == 429) api.throttledOn(req.method(), "/v1.0" + pathOf(req.url()));
                        Optional<Duration> after = ApiClient.retryAfter(header(resp.path("headers"), "Retry-After"));
                        if (after.isPresent()) {
                            sawRetryAfter = true;
                            if (after.get().compareTo(wait) > 0) wait = after.get();
                        }
                        retry.add(req);
                        done.put(req.id(), new BatchResult(req.id(), status, resp.get("body")));
                    } else {
                        done.put(req.id(), new BatchResult(req.id(), status, resp.get("body")));
                    }
                }
                // A request the batch answer left out is retried like a transient failure.
                retry.addAll(byId.values());
                if (retry.isEmpty()) {
                    pending = deferred; // not failures: their budget was spent, they go in the next batch
                    continue;
                }
                failures++;
                if (failures >= api.retryPolicy().maxAttempts()) {
                    pending = deferred; // the retried ones keep their last status
                    failures = 0;
                    continue;
                }
                api.pause(sawRetryAfter ? api.retryPolicy().honour(wait) : api.backoff(failures));
                retry.addAll(deferred);
                pending = retry;
            }
        }
        List<BatchResult> out = new ArrayList<>();
        for (BatchRequest r : requests) {
            BatchResult res = done.get(r.id());
            out.add(res != null ? res : new BatchResult(r.id(), 0, null));
        }
        return out;
    }

    private static Optional<String> header(JsonNode headers, String name) {
        var it = headers.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) return Optional.of(e.getValue().asText());
        }
        return Optional.empty();
    }

    private static String pathOf(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    RemoteFailure failure(String operation, BatchResult r) {
        RemoteFailure.Kind kind = switch (r.status()) {
            case 404 -> RemoteFailure.Kind.NOT_FOUND;
            case 429 -> RemoteFailure.Kind.THROTTLED;
            case 0, 500, 502, 503, 504 -> RemoteFailure.Kind.TRANSIENT;
            case 401, 403 -> RemoteFailure.Kind.AUTH;
            default -> RemoteFailure.Kind.PERMANENT;
        };
        return new RemoteFailure(kind, "intune", operation, r.status(), r.body() == null ? "" : r.body().path("error").path("message").asText(""));
    }
}
