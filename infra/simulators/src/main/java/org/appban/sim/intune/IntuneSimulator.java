package org.appban.sim.intune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appban.sim.apple.Mobileconfig;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.fleet.FleetMember;
import org.appban.sim.http.HttpFailure;
import org.appban.sim.http.Json;
import org.appban.sim.http.RateBudget;
import org.appban.sim.http.SimRequest;
import org.appban.sim.http.SimResponse;
import org.appban.sim.http.SimServer;
import org.appban.sim.http.SimSettings;
import org.appban.sim.world.MdmBehaviour;
import org.appban.sim.world.SimDevice;
import org.appban.sim.world.SimWorld;

/**
 * Microsoft Intune as Microsoft Graph shows it, for the devices of the fleet enrolled in Intune: the Entra token
 * endpoint, managed devices, detected apps, mobile apps and their assignments, groups, device configurations,
 * compliance policies and {@code $batch}. Effects on devices land at each device's next check-in, as on the real
 * service. See {@code infra/simulators/README.md} for what is simplified.
 */
public final class IntuneSimulator extends SimServer {
    /** Graph's published Intune budgets per 20 seconds, for one client app. */
    public static final int DEVICES_ANY = 2000, DEVICES_WRITES = 200, APPS_ANY = 1000, APPS_WRITES = 100;
    public static final Duration WINDOW = Duration.ofSeconds(20);
    /** Entra ID's budgets for directory calls per app and tenant (smallest tenant size): 3500 per 10 s, 3000 writes per 150 s. */
    public static final int DIRECTORY_ANY = 3500, DIRECTORY_WRITES = 3000;
    public static final Duration DIRECTORY_WINDOW = Duration.ofSeconds(10), DIRECTORY_WRITES_WINDOW = Duration.ofSeconds(150);
    private static final int MAX_BATCH = 20;

    private final String tenant;
    private final String clientId;
    private final String clientSecret;
    private final Map<String, MobileApp> apps = new LinkedHashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, Policy> configurations = new LinkedHashMap<>();
    private final Map<String, Policy> compliancePolicies = new LinkedHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    /** Indexes over the fleet, which never changes shape: a 50 000-device listing must not search lists per device. */
    private final Map<String, FleetMember> membersById = new java.util.HashMap<>();
    private final Map<String, SimDevice> devicesByIntuneId = new java.util.HashMap<>();
    private final Map<String, String> detectedAppIds = new java.util.concurrent.ConcurrentHashMap<>();
    /** Directory lookups (group membership, Entra devices) by id, for the same reason. */
    private final Map<String, SimDevice> byEntraObjectId = new java.util.HashMap<>();
    private final Map<String, SimDevice> byEntraDeviceId = new java.util.HashMap<>();
    private volatile boolean emptyPages;
    private volatile boolean ignoreDeviceFilters;

    private static final class MobileApp {
        ObjectNode node;
        String identifier;
        List<ObjectNode> assignments = new ArrayList<>();
    }

    private static final class Group {
        ObjectNode node;
        Set<String> members = new LinkedHashSet<>();
    }

    /** A device configuration or compliance policy with its assignments. */
    private static final class Policy {
        ObjectNode node;
        List<ObjectNode> assignments = new ArrayList<>();
        Instant assignedAt;
        Set<String> blocked = Set.of();
    }

    public IntuneSimulator(SimWorld world, SimSettings settings, String tenant, String clientId, String clientSecret) {
        super("intune", world, settings);
        this.tenant = tenant;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        // The fleet's devices never change identity: index them once, so that a directory lookup stays O(1) in a fleet
        // of tens of thousands (whether a device is present is still read from the world at each lookup).
        for (SimDevice d : world.devices()) {
            if (d.spec().mdm() != FleetDevice.Mdm.INTUNE) continue;
            byEntraObjectId.put(d.entraObjectId(), d);
            byEntraDeviceId.put(d.entraDeviceId(), d);
        }
        world.register(new Behaviour());
    }

    @Override
    public IntuneSimulator start() {
        super.start();
        return this;
    }

    public String tenant() {
        return tenant;
    }

    /**
     * managedDevices ignores {@code $filter} and lists everything, as the real service does for filters it does not
     * support (reported for deviceEnrollmentType and skuFamily): a client must not trust a filter blindly.
     */
    public IntuneSimulator ignoreDeviceFilters(boolean on) {
        this.ignoreDeviceFilters = on;
        return this;
    }

    /** Every page of a listing is followed by an empty page that still links on (Graph does this). */
    public IntuneSimulator emptyPages(boolean on) {
        this.emptyPages = on;
        return this;
    }

    @Override
    protected List<RateBudget> budgets(LongSupplier nanoTime) {
        return List.of(
                new RateBudget("deviceManagement writes", settings.scaled(DEVICES_WRITES), WINDOW, r -> r.path().contains("/deviceManagement/") && r.isWrite(), nanoTime),
                new RateBudget("deviceManagement requests", settings.scaled(DEVICES_ANY), WINDOW, r -> r.path().contains("/deviceManagement/"), nanoTime),
                new RateBudget("deviceAppManagement writes", settings.scaled(APPS_WRITES), WINDOW, r -> r.path().contains("/deviceAppManagement/") && r.isWrite(), nanoTime),
                new RateBudget("deviceAppManagement requests", settings.scaled(APPS_ANY), WINDOW, r -> r.path().contains("/deviceAppManagement/"), nanoTime),
                // Entra ID (groups, directory objects): resource units per app and tenant, the smallest tenant size's,
                // each request counted as one unit; and the write quota.
                new RateBudget("directory writes", settings.scaled(DIRECTORY_WRITES), DIRECTORY_WRITES_WINDOW, r -> directory(r) && r.isWrite(), nanoTime),
                new RateBudget("directory requests", settings.scaled(DIRECTORY_ANY), DIRECTORY_WINDOW, IntuneSimulator::directory, nanoTime));
    }

    private static boolean directory(SimRequest r) {
        return r.path().contains("/groups") || r.path().contains("/directoryObjects/") || r.path().endsWith("/memberOf");
    }

    @Override
    protected SimResponse authenticate(SimRequest r) {
        if (r.path().endsWith("/oauth2/v2.0/token")) return null;
        if (tokens.valid(bearer(r))) return null;
        return error(401, "InvalidAuthenticationToken", bearer(r) == null ? "Access token is empty." : "Lifetime validation failed, the token is expired.");
    }

    @Override
    protected SimResponse error(int status, String code, String message) {
        ObjectNode body = Json.object();
        ObjectNode err = body.putObject("error").put("code", code).put("message", message);
        err.putObject("innerError").put("date", world.clock().instant().toString()).put("request-id", UUID.randomUUID().toString());
        return SimResponse.json(status, body);
    }

    @Override
    protected SimResponse route(SimRequest r) {
        String p = r.path();
        String m = r.method();
        if (p.equals("/" + tenant + "/oauth2/v2.0/token") && m.equals("POST")) return token(r);
        if (p.endsWith("/oauth2/v2.0/token")) return tokenError(400, "invalid_tenant", "AADSTS90002: Tenant not found.");
        if (p.equals("/v1.0/$batch") && m.equals("POST")) return batch(r);
        synchronized (world) {
            return routeLocked(r, p, m);
        }
    }

    private SimResponse routeLocked(SimRequest r, String p, String m) {
        Matcher x;
        if (p.equals("/v1.0/deviceManagement/managedDevices") && m.equals("GET")) return managedDevices(r);
        if ((x = match("/v1.0/deviceManagement/managedDevices/([^/]+)", p)) != null && m.equals("GET")) return SimResponse.ok(managedDevice(intuneDevice(x.group(1))));
        if ((x = match("/v1.0/deviceManagement/managedDevices/([^/]+)/syncDevice", p)) != null && m.equals("POST")) {
            world.checkInNow(intuneDevice(x.group(1)));
            return SimResponse.empty(204);
        }
        if ((x = match("/beta/deviceManagement/managedDevices/([^/]+)/detectedApps", p)) != null && m.equals("GET")) return deviceDetectedApps(intuneDevice(x.group(1)));
        if (p.equals("/v1.0/deviceManagement/detectedApps") && m.equals("GET")) return detectedApps(r);
        if ((x = match("/v1.0/deviceManagement/detectedApps/([^/]+)/managedDevices", p)) != null && m.equals("GET")) return detectedAppDevices(r, x.group(1));
        if (p.equals("/v1.0/deviceAppManagement/mobileApps")) return m.equals("GET") ? listOf(apps.values().stream().map(a -> a.node).toList()) : createApp(r);
        if ((x = match("/v1.0/deviceAppManagement/mobileApps/([^/]+)", p)) != null && m.equals("GET")) return SimResponse.ok(app(x.group(1)).node);
        if ((x = match("/v1.0/deviceAppManagement/mobileApps/([^/]+)/assignments", p)) != null && m.equals("GET")) return listOf(app(x.group(1)).assignments);
        if ((x = match("/v1.0/deviceAppManagement/mobileApps/([^/]+)/assign", p)) != null && m.equals("POST")) return assignApp(r, app(x.group(1)));
        if (p.equals("/v1.0/groups")) return m.equals("GET") ? findGroups(r) : createGroup(r);
        if ((x = match("/v1.0/groups/([^/]+)", p)) != null && m.equals("GET")) return SimResponse.ok(group(x.group(1)).node);
        if ((x = match("/v1.0/groups/([^/]+)/members", p)) != null && m.equals("GET")) return groupMembers(r, group(x.group(1)));
        if ((x = match("/v1.0/groups/([^/]+)/members/\\$ref", p)) != null && m.equals("POST")) return addMember(r, group(x.group(1)));
        if ((x = match("/v1.0/groups/([^/]+)/members/([^/]+)/\\$ref", p)) != null && m.equals("DELETE")) return removeMember(group(x.group(1)), x.group(2));
        if (p.equals("/v1.0/devices") && m.equals("GET")) return entraDevices(r);
        if ((x = match("/v1.0/devices/([^/]+)/memberOf", p)) != null && m.equals("GET")) return memberOf(r, x.group(1));
        if (p.equals("/v1.0/deviceManagement/deviceConfigurations")) return m.equals("GET") ? listOf(configurations.values().stream().map(c -> c.node).toList()) : createConfiguration(r);
        if ((x = match("/v1.0/deviceManagement/deviceConfigurations/([^/]+)/assign", p)) != null && m.equals("POST")) return assignPolicy(r, policy(configurations, x.group(1)));
        if ((x = match("/v1.0/deviceManagement/deviceConfigurations/([^/]+)/assignments", p)) != null && m.equals("GET")) return listOf(policy(configurations, x.group(1)).assignments);
        if (p.equals("/v1.0/deviceManagement/deviceCompliancePolicies")) return m.equals("GET") ? listOf(compliancePolicies.values().stream().map(c -> c.node).toList()) : createCompliancePolicy(r);
        if ((x = match("/v1.0/deviceManagement/deviceCompliancePolicies/([^/]+)/assign", p)) != null && m.equals("POST")) return assignPolicy(r, policy(compliancePolicies, x.group(1)));
        if ((x = match("/v1.0/deviceManagement/deviceCompliancePolicies/([^/]+)/assignments", p)) != null && m.equals("GET")) return listOf(policy(compliancePolicies, x.group(1)).assignments);
        throw new HttpFailure(400, "BadRequest", "Resource not found for the segment in " + m + " " + p + ".");
    }

    private static Matcher match(String regex, String path) {
        Matcher mt = Pattern.compile(regex).matcher(path);
        return mt.matches() ? mt : null;
    }

    // ---- token ----

    private SimResponse token(SimRequest r) {
        Map<String, String> form = r.form();
        if (!"client_credentials".equals(form.get("grant_type"))) return tokenError(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.");
        if (!clientId.equals(form.get("client_id"))) return tokenError(400, "unauthorized_client", "AADSTS700016: Application was not found in the directory.");
        if (!clientSecret.equals(form.get("client_secret"))) return tokenError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
        if (!"https://graph.microsoft.com/.default".equals(form.get("scope"))) return tokenError(400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid.");
        long lifetime = settings.tokenLifetime().toSeconds();
        String token = tokens.issue(world.clock().instant().plusSeconds(lifetime));
        return SimResponse.ok(Json.object().put("token_type", "Bearer").put("expires_in", lifetime).put("ext_expires_in", lifetime).put("access_token", token));
    }

    private SimResponse tokenError(int status, String error, String description) {
        ObjectNode body = Json.object().put("error", error).put("error_description", description);
        return SimResponse.json(status, body);
    }

    // ---- devices ----

    /** Derived views of the world kept until it changes: a 50 000-device listing must not rescan the fleet per page. */
    private long viewsVersion = -1;
    private List<SimDevice> enrolledView = List.of();
    private final Map<String, List<SimDevice>> reportingView = new java.util.HashMap<>();
    private final Map<String, List<SimDevice>> filteredView = new java.util.HashMap<>();

    /** Views are guarded by the world's monitor, which every route already holds: one lock, one order. */
    private void refreshViews() {
        assert Thread.holdsLock(world);
        long v = world.version();
        if (v == viewsVersion) return;
        enrolledView = world.devices().stream().filter(d -> d.enrolledIn(FleetDevice.Mdm.INTUNE)).toList();
        reportingView.clear();
        filteredView.clear();
        viewsVersion = v;
    }

    private List<SimDevice> intuneDevices() {
        synchronized (world) {
            refreshViews();
            return enrolledView;
        }
    }

    private SimDevice intuneDevice(String id) {
        synchronized (devicesByIntuneId) {
            if (devicesByIntuneId.isEmpty()) world.devices().forEach(d -> devicesByIntuneId.put(d.intuneId(), d));
        }
        SimDevice d = devicesByIntuneId.get(id);
        if (d == null || !d.enrolledIn(FleetDevice.Mdm.INTUNE)) {
            throw new HttpFailure(404, "ResourceNotFound", "managedDevice " + id + " was not found.");
        }
        return d;
    }

    private FleetMember member(String id) {
        synchronized (membersById) {
            if (membersById.isEmpty()) world.fleet().members().forEach(m -> membersById.put(m.id(), m));
            return membersById.get(id);
        }
    }

    /**
     * Graph filters managedDevices by equality on a few properties; these two are the ones reported to work
     * ({@code ne} is not honoured by the real service: it behaves like {@code eq}, so it is refused here rather than
     * imitated). Clauses can be joined with {@code and}. Anything else is refused, so that a client relying on an
     * unsupported filter finds out in tests.
     */
    private static final Map<String, java.util.function.BiPredicate<SimDevice, String>> DEVICE_FILTERS = Map.of(
            "managedDeviceOwnerType", (d, v) -> ownerType(d).equalsIgnoreCase(v),
            "operatingSystem", (d, v) -> operatingSystem(d).equalsIgnoreCase(v));

    private List<SimDevice> filteredDevices(SimRequest r) {
        String filter = r.param("$filter").orElse(null);
        if (filter == null || filter.isBlank() || ignoreDeviceFilters) return intuneDevices();
        synchronized (world) {
            return filteredDevices(filter);
        }
    }

    private List<SimDevice> filteredDevices(String filter) {
        refreshViews();
        List<SimDevice> cached = filteredView.get(filter);
        if (cached != null) return cached;
        List<java.util.function.Predicate<SimDevice>> clauses = new ArrayList<>();
        for (String clause : filter.split("(?i)\\s+and\\s+")) {
            Matcher f = EQ_FILTER.matcher(clause.replaceAll("^\\s*\\((.*)\\)\\s*$", "$1"));
            var test = f.matches() ? DEVICE_FILTERS.get(f.group(1)) : null;
            if (test == null) throw new HttpFailure(400, "BadRequest", "Invalid filter clause: " + clause.trim());
            String value = f.group(2).replace("''", "'");
            clauses.add(d -> test.test(d, value));
        }
        List<SimDevice> out = enrolledView.stream().filter(d -> clauses.stream().allMatch(c -> c.test(d))).toList();
        filteredView.put(filter, out);
        return out;
    }

    private static String ownerType(SimDevice d) {
        return d.corporate() ? "company" : "personal";
    }

    private static String operatingSystem(SimDevice d) {
        return switch (d.spec().platform()) {
            case IOS -> "iOS";
            case ANDROID -> "Android";
            case WINDOWS -> "Windows";
            case MACOS -> "macOS";
            case OTHER -> "Other";
        };
    }

    private SimResponse managedDevices(SimRequest r) {
        // Only the page asked for is turned into JSON.
        List<SimDevice> devices = filteredDevices(r);
        return page(r, new java.util.AbstractList<JsonNode>() {
            @Override
            public JsonNode get(int i) {
                return managedDevice(devices.get(i));
            }

            @Override
            public int size() {
                return devices.size();
            }
        });
    }

    private ObjectNode managedDevice(SimDevice d) {
        FleetDevice s = d.spec();
        FleetMember owner = member(s.owner());
        ObjectNode o = Json.object();
        o.put("id", d.intuneId());
        o.put("userId", UUID.nameUUIDFromBytes(owner.id().getBytes(StandardCharsets.UTF_8)).toString());
        o.put("deviceName", s.model() == null ? s.id() : s.model());
        o.put("managedDeviceOwnerType", ownerType(d));
        o.put("enrolledDateTime", d.enrolledAt().toString());
        o.put("lastSyncDateTime", d.lastCheckIn() == null ? "0001-01-01T00:00:00Z" : d.lastCheckIn().toString());
        o.put("operatingSystem", operatingSystem(d));
        o.put("complianceState", d.compliance() == null ? "unknown" : d.compliance());
        o.put("managementAgent", "mdm");
        o.put("osVersion", s.platform() == FleetDevice.Platform.IOS ? "16.3.1" : "13");
        o.put("azureADRegistered", true);
        o.put("emailAddress", owner.email());
        o.put("azureADDeviceId", d.entraDeviceId());
        o.put("deviceRegistrationState", "registered");
        o.put("isSupervised", s.supervised());
        o.put("model", s.model());
        o.put("manufacturer", s.platform() == FleetDevice.Platform.IOS || s.platform() == FleetDevice.Platform.MACOS ? "Apple" : "Unknown");
        o.put("serialNumber", d.serial());
        o.put("userPrincipalName", owner.email());
        o.put("userDisplayName", owner.name());
        // Intune reports the Wi-Fi MAC as twelve hex digits without separators.
        o.put("wiFiMacAddress", s.mac() == null ? "" : s.mac().replace(":", "").toLowerCase(Locale.ROOT));
        return o;
    }

    private List<SimDevice> corporateReporting(String detectedAppId) {
        synchronized (world) {
            refreshViews();
            return reportingView.computeIfAbsent(detectedAppId, id -> enrolledView.stream().filter(SimDevice::corporate)
                    .filter(d -> d.reportedApps().stream().anyMatch(a -> detectedAppId(d, a).equals(id))).toList());
        }
    }

    private String detectedAppId(SimDevice d, String identifier) {
        // A hash per (identifier, platform), computed once: listings ask for it for every device on every page.
        return detectedAppIds.computeIfAbsent(identifier + "|" + detectedPlatform(d),
                k -> digest(world.fleet().displayName(identifier) + "|" + detectedPlatform(d)));
    }

    private static String detectedPlatform(SimDevice d) {
        return switch (d.spec().platform()) {
            case IOS -> "ios";
            case ANDROID -> "androidDedicatedAndFullyManaged";
            case WINDOWS -> "windows";
            case MACOS -> "macOS";
            case OTHER -> "unknown";
        };
    }

    /** Detected apps come from corporate devices only: Intune never inventories apps on personal devices. */
    private SimResponse detectedApps(SimRequest r) {
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        for (SimDevice d : intuneDevices()) {
            if (!d.corporate()) continue;
            for (String a : d.reportedApps()) {
                String id = detectedAppId(d, a);
                ObjectNode o = byId.computeIfAbsent(id, k -> Json.object().put("id", k).put("displayName", world.fleet().displayName(a))
                        .put("version", "1.0").put("sizeInByte", 0).put("deviceCount", 0).put("publisher",
                                world.fleet().catalogApp(a).map(c -> c.publisher()).orElse(null)).put("platform", detectedPlatform(d)));
                o.put("deviceCount", o.get("deviceCount").asInt() + 1);
            }
        }
        return page(r, new ArrayList<>(byId.values()));
    }

    private SimResponse detectedAppDevices(SimRequest r, String appId) {
        List<SimDevice> holders = corporateReporting(appId);
        // Only the page asked for is built, and only its devices count as disclosed.
        return page(r, new java.util.AbstractList<JsonNode>() {
            @Override
            public JsonNode get(int i) {
                SimDevice d = holders.get(i);
                disclosedAppsOf(d.id());
                return Json.object().put("id", d.intuneId()).put("deviceName", d.spec().model() == null ? d.id() : d.spec().model());
            }

            @Override
            public int size() {
                return holders.size();
            }
        });
    }

    private SimResponse deviceDetectedApps(SimDevice d) {
        ArrayNode value = Json.array();
        if (d.corporate()) {
            disclosedAppsOf(d.id());
            for (String a : d.reportedApps()) value.addObject().put("id", detectedAppId(d, a)).put("displayName", world.fleet().displayName(a));
        }
        ObjectNode o = Json.object();
        o.set("value", value);
        return SimResponse.ok(o);
    }

    /** Pages a listing with $top and $skiptoken, following Graph: nextLink is an absolute URL to follow as is. */
    private SimResponse page(SimRequest r, List<? extends JsonNode> all) {
        int top = r.intParam("$top", 100);
        if (top < 1 || top > 1000) throw new HttpFailure(400, "BadRequest", "$top must be between 1 and 1000.");
        String skip = r.param("$skiptoken").orElse("o0");
        boolean emptyNow = skip.endsWith("e");
        int offset;
        try {
            offset = Integer.parseInt(skip.substring(1, emptyNow ? skip.length() - 1 : skip.length()));
        } catch (RuntimeException e) {
            throw new HttpFailure(400, "BadRequest", "Invalid $skiptoken.");
        }
        ObjectNode body = Json.object();
        ArrayNode value = body.putArray("value");
        int next;
        if (emptyNow) {
            next = offset;
        } else {
            for (int i = offset; i < Math.min(all.size(), offset + top); i++) value.add(all.get(i));
            next = offset + top;
        }
        if (next < all.size()) {
            String token = (!emptyNow && emptyPages) ? "o" + next + "e" : "o" + next;
            // The link carries the filter on, as Graph's does (there it is folded into the opaque skip token).
            String filter = r.param("$filter").map(f -> "&$filter=" + URLEncoder.encode(f, StandardCharsets.UTF_8).replace("+", "%20")).orElse("");
            body.put("@odata.nextLink", baseUri() + r.path() + "?$top=" + top + filter + "&$skiptoken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        }
        body.put("@odata.count", all.size());
        return SimResponse.ok(body);
    }

    private SimResponse listOf(List<? extends JsonNode> items) {
        ObjectNode body = Json.object();
        ArrayNode value = body.putArray("value");
        items.forEach(value::add);
        return SimResponse.ok(body);
    }

    // ---- apps ----

    private SimResponse createApp(SimRequest r) {
        JsonNode b = Json.parse(r.body());
        String type = b.path("@odata.type").asText("");
        String identifier = switch (type) {
            case "#microsoft.graph.iosStoreApp" -> required(b, "bundleId");
            case "#microsoft.graph.androidManagedStoreApp", "#microsoft.graph.androidStoreApp" -> required(b, "packageId");
            default -> throw new HttpFailure(400, "BadRequest", "Unsupported mobileApp type '" + type + "'.");
        };
        required(b, "displayName");
        required(b, "publisher");
        if (type.equals("#microsoft.graph.iosStoreApp")) required(b, "appStoreUrl");
        MobileApp app = new MobileApp();
        app.node = ((ObjectNode) b.deepCopy()).put("id", UUID.randomUUID().toString()).put("createdDateTime", world.clock().instant().toString());
        app.identifier = identifier;
        apps.put(app.node.get("id").asText(), app);
        return SimResponse.json(201, app.node);
    }

    private MobileApp app(String id) {
        MobileApp a = apps.get(id);
        if (a == null) throw new HttpFailure(404, "ResourceNotFound", "mobileApp " + id + " was not found.");
        return a;
    }

    /** Replaces the app's whole assignment set with the one given. */
    private SimResponse assignApp(SimRequest r, MobileApp app) {
        JsonNode b = Json.parse(r.body());
        JsonNode list = b.get("mobileAppAssignments");
        if (list == null || !list.isArray()) throw new HttpFailure(400, "BadRequest", "mobileAppAssignments is required.");
        List<ObjectNode> next = new ArrayList<>();
        for (JsonNode a : list) {
            String intent = a.path("intent").asText("");
            if (!List.of("available", "required", "uninstall", "availableWithoutEnrollment").contains(intent)) {
                throw new HttpFailure(400, "BadRequest", "Invalid intent '" + intent + "'.");
            }
            checkTarget(a.get("target"));
            next.add(((ObjectNode) a.deepCopy()).put("id", UUID.randomUUID().toString()));
        }
        app.assignments = next;
        return SimResponse.empty(204);
    }

    private void checkTarget(JsonNode target) {
        if (target == null || !target.isObject()) throw new HttpFailure(400, "BadRequest", "target is required.");
        String type = target.path("@odata.type").asText("");
        switch (type) {
            case "#microsoft.graph.groupAssignmentTarget", "#microsoft.graph.exclusionGroupAssignmentTarget" -> {
                String g = target.path("groupId").asText("");
                if (!groups.containsKey(g)) throw new HttpFailure(400, "BadRequest", "Group '" + g + "' does not exist.");
            }
            case "#microsoft.graph.allDevicesAssignmentTarget", "#microsoft.graph.allLicensedUsersAssignmentTarget" -> {
            }
            default -> throw new HttpFailure(400, "BadRequest", "Unsupported target type '" + type + "'.");
        }
    }

    // ---- groups and directory devices ----

    private SimResponse createGroup(SimRequest r) {
        JsonNode b = Json.parse(r.body());
        required(b, "displayName");
        required(b, "mailNickname");
        if (!b.path("securityEnabled").asBoolean(false)) throw new HttpFailure(400, "Request_BadRequest", "Only security groups are simulated.");
        Group g = new Group();
        g.node = ((ObjectNode) b.deepCopy()).put("id", UUID.randomUUID().toString());
        groups.put(g.node.get("id").asText(), g);
        return SimResponse.json(201, g.node);
    }

    private static final Pattern EQ_FILTER = Pattern.compile("^\\s*(\\w+)\\s+eq\\s+'((?:[^']|'')*)'\\s*$");

    private SimResponse findGroups(SimRequest r) {
        String filter = r.param("$filter").orElse(null);
        if (filter == null) return listOf(groups.values().stream().map(g -> g.node).toList());
        Matcher f = EQ_FILTER.matcher(filter);
        if (!f.matches() || !f.group(1).equals("displayName")) throw new HttpFailure(400, "Request_UnsupportedQuery", "Unsupported query: " + filter);
        String wanted = f.group(2).replace("''", "'");
        return listOf(groups.values().stream().filter(g -> g.node.path("displayName").asText().equals(wanted)).map(g -> g.node).toList());
    }

    private Group group(String id) {
        Group g = groups.get(id);
        if (g == null) throw new HttpFailure(404, "Request_ResourceNotFound", "Resource '" + id + "' does not exist or one of its queried reference-property objects are not present.");
        return g;
    }

    private List<SimDevice> entraRegistered() {
        return world.devices().stream().filter(d -> d.present() && d.spec().mdm() == FleetDevice.Mdm.INTUNE).toList();
    }

    private SimResponse groupMembers(SimRequest r, Group g) {
        List<ObjectNode> out = new ArrayList<>();
        for (SimDevice d : entraRegistered()) {
            if (g.members.contains(d.entraObjectId())) out.add(entraDevice(d));
        }
        return page(r, out);
    }

    private ObjectNode entraDevice(SimDevice d) {
        return Json.object().put("@odata.type", "#microsoft.graph.device").put("id", d.entraObjectId()).put("deviceId", d.entraDeviceId())
                .put("displayName", d.spec().model() == null ? d.id() : d.spec().model());
    }

    private SimResponse addMember(SimRequest r, Group g) {
        String ref = Json.parse(r.body()).path("@odata.id").asText("");
        int at = ref.lastIndexOf("/directoryObjects/");
        if (at < 0) throw new HttpFailure(400, "Request_BadRequest", "Invalid object identifier '" + ref + "'.");
        String objectId = ref.substring(at + "/directoryObjects/".length());
        SimDevice member = byEntraObjectId.get(objectId);
        if (member == null || !member.present()) {
            throw new HttpFailure(404, "Request_ResourceNotFound", "Resource '" + objectId + "' does not exist or one of its queried reference-property objects are not present.");
        }
        if (!g.members.add(objectId)) {
            throw new HttpFailure(400, "Request_BadRequest", "One or more added object references already exist for the following modified properties: 'members'.");
        }
        return SimResponse.empty(204);
    }

    /**
     * {@code GET /devices/{id}/memberOf}: the groups a directory device is a direct member of, paged as any listing;
     * {@code id} is the directory object's id. A device object that does not exist answers 404.
     */
    private SimResponse memberOf(SimRequest r, String objectId) {
        SimDevice d = byEntraObjectId.get(objectId);
        if (d == null || !d.present()) {
            throw new HttpFailure(404, "Request_ResourceNotFound", "Resource '" + objectId + "' does not exist or one of its queried reference-property objects are not present.");
        }
        List<ObjectNode> out = new ArrayList<>();
        for (Group g : groups.values()) {
            if (g.members.contains(objectId)) out.add(((ObjectNode) g.node.deepCopy()).put("@odata.type", "#microsoft.graph.group"));
        }
        return page(r, out);
    }

    private SimResponse removeMember(Group g, String objectId) {
        if (!g.members.remove(objectId)) throw new HttpFailure(404, "Request_ResourceNotFound", "Resource '" + objectId + "' does not exist or one of its queried reference-property objects are not present.");
        return SimResponse.empty(204);
    }

    private SimResponse entraDevices(SimRequest r) {
        String filter = r.param("$filter").orElseThrow(() -> new HttpFailure(400, "Request_UnsupportedQuery", "The simulator lists devices only by $filter=deviceId eq '...'"));
        Matcher f = EQ_FILTER.matcher(filter);
        if (!f.matches() || !f.group(1).equals("deviceId")) throw new HttpFailure(400, "Request_UnsupportedQuery", "Unsupported query: " + filter);
        SimDevice d = byEntraDeviceId.get(f.group(2));
        return listOf(d == null || !d.present() ? List.of() : List.of(entraDevice(d)));
    }

    // ---- configurations and compliance ----

    private SimResponse createConfiguration(SimRequest r) {
        JsonNode b = Json.parse(r.body());
        required(b, "displayName");
        Policy p = new Policy();
        String type = b.path("@odata.type").asText("");
        if (type.equals("#microsoft.graph.iosCustomConfiguration")) {
            required(b, "payloadName");
            String payload = required(b, "payload");
            try {
                p.blocked = Mobileconfig.blockedAppBundleIds(new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new HttpFailure(400, "BadRequest", "payload: " + e.getMessage());
            }
        } else if (type.isEmpty()) {
            throw new HttpFailure(400, "BadRequest", "@odata.type is required.");
        }
        p.node = ((ObjectNode) b.deepCopy()).put("id", UUID.randomUUID().toString()).put("createdDateTime", world.clock().instant().toString());
        configurations.put(p.node.get("id").asText(), p);
        return SimResponse.json(201, p.node);
    }

    private SimResponse createCompliancePolicy(SimRequest r) {
        JsonNode b = Json.parse(r.body());
        required(b, "displayName");
        String type = b.path("@odata.type").asText("");
        if (!List.of("#microsoft.graph.iosCompliancePolicy", "#microsoft.graph.androidCompliancePolicy").contains(type)) {
            throw new HttpFailure(400, "BadRequest", "Unsupported compliance policy type '" + type + "'.");
        }
        JsonNode rules = b.get("scheduledActionsForRule");
        if (rules == null || !rules.isArray() || rules.isEmpty()) {
            throw new HttpFailure(400, "BadRequest", "scheduledActionsForRule is required when creating a compliance policy.");
        }
        JsonNode restricted = b.path("restrictedApps");
        if (restricted.size() > 100) throw new HttpFailure(400, "BadRequest", "restrictedApps holds at most 100 apps.");
        Policy p = new Policy();
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode a : restricted) ids.add(a.path("appId").asText(""));
        p.blocked = ids;
        p.node = ((ObjectNode) b.deepCopy()).put("id", UUID.randomUUID().toString()).put("createdDateTime", world.clock().instant().toString());
        compliancePolicies.put(p.node.get("id").asText(), p);
        return SimResponse.json(201, p.node);
    }

    private Policy policy(Map<String, Policy> in, String id) {
        Policy p = in.get(id);
        if (p == null) throw new HttpFailure(404, "ResourceNotFound", "policy " + id + " was not found.");
        return p;
    }

    private SimResponse assignPolicy(SimRequest r, Policy p) {
        JsonNode list = Json.parse(r.body()).get("assignments");
        if (list == null || !list.isArray()) throw new HttpFailure(400, "BadRequest", "assignments is required.");
        List<ObjectNode> next = new ArrayList<>();
        for (JsonNode a : list) {
            checkTarget(a.get("target"));
            next.add(((ObjectNode) a.deepCopy()).put("id", UUID.randomUUID().toString()));
        }
        p.assignments = next;
        p.assignedAt = world.clock().instant();
        ObjectNode body = Json.object();
        ArrayNode value = body.putArray("value");
        next.forEach(value::add);
        return SimResponse.ok(body);
    }

    private static String required(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) throw new HttpFailure(400, "BadRequest", field + " is required.");
        return v.asText();
    }

    private boolean targets(List<ObjectNode> assignments, SimDevice d) {
        boolean included = false;
        for (ObjectNode a : assignments) {
            JsonNode t = a.path("target");
            String type = t.path("@odata.type").asText();
            String g = t.path("groupId").asText(null);
            boolean member = g != null && groups.containsKey(g) && groups.get(g).members.contains(d.entraObjectId());
            if (type.equals("#microsoft.graph.exclusionGroupAssignmentTarget") && member) return false;
            if (type.equals("#microsoft.graph.allDevicesAssignmentTarget") || type.equals("#microsoft.graph.allLicensedUsersAssignmentTarget")) included = true;
            if (type.equals("#microsoft.graph.groupAssignmentTarget") && member) included = true;
        }
        return included;
    }

    // ---- batch ----

    private SimResponse batch(SimRequest outer) {
        JsonNode b = Json.parse(outer.body());
        JsonNode requests = b.get("requests");
        if (requests == null || !requests.isArray()) throw new HttpFailure(400, "BadRequest", "requests is required.");
        if (requests.size() > MAX_BATCH) throw new HttpFailure(400, "BadRequest", "The number of batch requests exceeds " + MAX_BATCH + ".");
        ObjectNode out = Json.object();
        ArrayNode responses = out.putArray("responses");
        for (JsonNode inner : requests) {
            String id = inner.path("id").asText("");
            String url = inner.path("url").asText("");
            int q = url.indexOf('?');
            String path = "/v1.0" + (url.startsWith("/") ? "" : "/") + (q < 0 ? url : url.substring(0, q));
            Map<String, String> headers = new LinkedHashMap<>(outer.headers());
            inner.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
            JsonNode body = inner.get("body");
            SimRequest r = new SimRequest(inner.path("method").asText("GET").toUpperCase(Locale.ROOT), path, q < 0 ? null : url.substring(q + 1),
                    headers, body == null ? null : Json.write(body), true);
            SimResponse resp = path.equals("/v1.0/$batch") ? error(400, "BadRequest", "Batches do not nest.") : process(r);
            recordInner(r, resp.status());
            ObjectNode o = responses.addObject().put("id", id).put("status", resp.status());
            ObjectNode h = o.putObject("headers");
            resp.headers().forEach(h::put);
            if (resp.body().length > 0) o.set("body", Json.parse(resp.bodyText()));
        }
        return SimResponse.ok(out);
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 44);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What Intune does to its devices at check-in. */
    private final class Behaviour implements MdmBehaviour {
        @Override
        public boolean manages(SimDevice d) {
            return d.spec().mdm() == FleetDevice.Mdm.INTUNE;
        }

        @Override
        public void onCheckIn(SimDevice d, Instant at, SimWorld w) {
            for (MobileApp app : apps.values()) {
                boolean uninstall = app.assignments.stream().anyMatch(a -> a.path("intent").asText().equals("uninstall"));
                if (!uninstall || !d.apps().contains(app.identifier)) continue;
                List<ObjectNode> uninstallSet = app.assignments.stream().filter(a -> a.path("intent").asText().equals("uninstall")
                        || a.path("target").path("@odata.type").asText().equals("#microsoft.graph.exclusionGroupAssignmentTarget")).toList();
                // Required beats uninstall: a device also targeted as required keeps the app.
                List<ObjectNode> required = app.assignments.stream().filter(a -> a.path("intent").asText().equals("required")).toList();
                if (!targets(uninstallSet, d) || targets(required, d)) continue;
                if (SimWorld.mdmCanRemoveUserApp(d)) {
                    w.removeApp(d, app.identifier);
                    w.record(at, d.id(), "app-uninstalled-by-mdm", "intune: " + app.identifier);
                } else {
                    w.record(at, d.id(), "app-uninstall-failed", "intune: " + app.identifier + " is not managed on this device");
                }
            }
            for (Policy p : compliancePolicies.values()) {
                if (p.assignedAt == null || p.assignedAt.isAfter(at) || !platformMatches(p, d) || !targets(p.assignments, d)) continue;
                boolean offending = p.blocked.stream().anyMatch(d.apps()::contains);
                if (!offending) {
                    w.setCompliance(d, "compliant", at);
                    continue;
                }
                long graceHours = blockGraceHours(p);
                Instant since = w.noncompliantSince(d) == null ? at : w.noncompliantSince(d);
                boolean inGrace = graceHours > 0 && since.plus(Duration.ofHours(graceHours)).isAfter(at);
                w.setCompliance(d, inGrace ? "inGracePeriod" : "noncompliant", at);
            }
        }

        private boolean platformMatches(Policy p, SimDevice d) {
            String type = p.node.path("@odata.type").asText();
            return (type.equals("#microsoft.graph.iosCompliancePolicy") && d.spec().platform() == FleetDevice.Platform.IOS)
                    || (type.equals("#microsoft.graph.androidCompliancePolicy") && d.spec().platform() == FleetDevice.Platform.ANDROID);
        }

        private long blockGraceHours(Policy p) {
            long grace = 0;
            for (JsonNode rule : p.node.path("scheduledActionsForRule")) {
                for (JsonNode c : rule.path("scheduledActionConfigurations")) {
                    if (c.path("actionType").asText().equals("block")) grace = c.path("gracePeriodHours").asLong(0);
                }
            }
            return grace;
        }

        @Override
        public String refusesInstall(SimDevice d, String app, Instant at) {
            if (d.spec().platform() != FleetDevice.Platform.IOS || !d.spec().supervised()) return null;
            for (Policy p : configurations.values()) {
                // The restriction reaches the device with its first check-in after the assignment.
                boolean received = p.assignedAt != null && d.lastCheckIn() != null && !d.lastCheckIn().isBefore(p.assignedAt);
                if (received && p.blocked.contains(app) && targets(p.assignments, d)) return "blocked by Intune configuration '" + p.node.path("displayName").asText() + "'";
            }
            return null;
        }
    }
}
