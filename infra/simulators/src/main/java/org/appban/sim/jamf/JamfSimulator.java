package org.appban.sim.jamf;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.appban.sim.http.Xml;
import org.appban.sim.world.MdmBehaviour;
import org.appban.sim.world.SimDevice;
import org.appban.sim.world.SimWorld;
import org.w3c.dom.Element;

/**
 * Jamf Pro for the fleet's Jamf-managed iPhones and Macs: both token flows (OAuth client credentials; Basic then
 * bearer with keep-alive), the paged mobile device inventory ({@code /api/v2/mobile-devices/detail}), the paged
 * computer inventory ({@code /api/v1/computers-inventory}, see {@link #computers}), and the Classic API resources the
 * ban needs: mobile device applications (whose scope decides who keeps an app), configuration profiles (a
 * Restrictions payload blocking bundle ids), static mobile device groups (members set whole, or changed with
 * {@code mobile_device_additions} and {@code mobile_device_deletions}, and named in a scope or its exclusions) and
 * the UpdateInventory command. Mobile devices and computers are
 * numbered apart, as in Jamf Pro; the mobile device resources never reach a computer.
 */
public final class JamfSimulator extends SimServer {
    private static final Set<String> SECTIONS = Set.of("GENERAL", "HARDWARE", "USER_AND_LOCATION", "APPLICATIONS", "SECURITY", "NETWORK");
    /**
     * The computer inventory's sections, as the Jamf Pro API reference lists them for {@code section}. This simulator
     * fills GENERAL, HARDWARE, USER_AND_LOCATION, APPLICATIONS and OPERATING_SYSTEM; any other is answered null.
     */
    private static final List<String> COMPUTER_SECTIONS = List.of("GENERAL", "DISK_ENCRYPTION", "PURCHASING", "APPLICATIONS", "STORAGE",
            "USER_AND_LOCATION", "CONFIGURATION_PROFILES", "PRINTERS", "SERVICES", "HARDWARE", "LOCAL_USER_ACCOUNTS", "CERTIFICATES", "ATTACHMENTS",
            "PLUGINS", "PACKAGE_RECEIPTS", "FONTS", "SECURITY", "OPERATING_SYSTEM", "LICENSED_SOFTWARE", "IBEACONS", "SOFTWARE_UPDATES",
            "EXTENSION_ATTRIBUTES", "CONTENT_CACHING", "GROUP_MEMBERSHIPS");
    private final String clientId;
    private final String clientSecret;
    private final String username;
    private final String password;
    private final Map<Integer, Scoped> apps = new LinkedHashMap<>();
    private final Map<Integer, Scoped> profiles = new LinkedHashMap<>();
    private final Map<Integer, StaticGroup> groups = new LinkedHashMap<>();
    private int nextId = 1;
    private volatile JamfWebhooks webhooks;

    /** A Classic API object with a scope: an app record (bundle id) or a configuration profile (blocked ids). */
    private static final class Scoped {
        int id;
        String name;
        String bundleId;
        boolean allDevices;
        Set<Integer> devices = new LinkedHashSet<>();
        Set<Integer> exclusions = new LinkedHashSet<>();
        Set<Integer> groupIds = new LinkedHashSet<>();
        Set<Integer> exclusionGroupIds = new LinkedHashSet<>();
        Set<String> blocked = Set.of();
        String payloads;
        Instant changedAt;

        /** A group's members count when a device checks in, as in Jamf: scope is evaluated against them then. */
        boolean covers(SimDevice d, Map<Integer, StaticGroup> groups) {
            boolean in = allDevices || devices.contains(d.jamfId()) || groupIds.stream().anyMatch(g -> groups.containsKey(g) && groups.get(g).members.contains(d.jamfId()));
            boolean out = exclusions.contains(d.jamfId())
                    || exclusionGroupIds.stream().anyMatch(g -> groups.containsKey(g) && groups.get(g).members.contains(d.jamfId()));
            return in && !out;
        }
    }

    /** A static mobile device group (smart groups are not simulated). */
    private static final class StaticGroup {
        int id;
        String name;
        Set<Integer> members = new LinkedHashSet<>();
    }

    public JamfSimulator(SimWorld world, SimSettings settings, String clientId, String clientSecret, String username, String password) {
        super("jamf", world, settings);
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.username = username;
        this.password = password;
        world.register(new Behaviour());
    }

    /** The webhooks sent since the last call (none when no webhook is configured). */
    public java.util.List<JamfWebhooks.Delivery> webhooksSent() {
        JamfWebhooks hooks = webhooks;
        return hooks == null ? java.util.List.of() : hooks.drain();
    }

    /** Sends Jamf's device webhooks from now on (none until a receiver is configured, as in Jamf Pro). */
    public JamfSimulator webhooks(JamfWebhooks webhooks) {
        this.webhooks = webhooks;
        return this;
    }

    @Override
    public JamfSimulator start() {
        super.start();
        return this;
    }

    /** Jamf publishes no request budget (it recommends at most 5 concurrent connections). */
    @Override
    protected List<RateBudget> budgets(LongSupplier nanoTime) {
        return List.of();
    }

    /** Jamf's recommendation: at most five connections at once per instance. */
    public static final int RECOMMENDED_CONNECTIONS = 5;

    @Override
    protected int connectionCap() {
        return RECOMMENDED_CONNECTIONS;
    }

    @Override
    protected SimResponse authenticate(SimRequest r) {
        if (r.path().equals("/api/oauth/token") || r.path().equals("/api/v1/auth/token")) return null;
        if (tokens.valid(bearer(r))) return null;
        return error(401, "INVALID_TOKEN", "Unauthorized");
    }

    @Override
    protected SimResponse error(int status, String code, String message) {
        ObjectNode body = Json.object().put("httpStatus", status);
        body.putArray("errors").addObject().put("code", code).put("description", message).put("id", "0").putNull("field");
        return SimResponse.json(status, body);
    }

    @Override
    protected SimResponse route(SimRequest r) {
        String p = r.path();
        String m = r.method();
        if (p.equals("/api/oauth/token") && m.equals("POST")) return oauthToken(r);
        if (p.equals("/api/v1/auth/token") && m.equals("POST")) return basicToken(r);
        if (p.equals("/api/v1/auth/keep-alive") && m.equals("POST")) {
            tokens.revoke(bearer(r));
            return bearerToken();
        }
        if (p.equals("/api/v1/auth/invalidate-token") && m.equals("POST")) {
            tokens.revoke(bearer(r));
            return SimResponse.empty(204);
        }
        synchronized (world) {
            Matcher x;
            if (p.equals("/api/v2/mobile-devices/detail") && m.equals("GET")) return inventory(r);
            if (p.equals("/api/v1/computers-inventory") && m.equals("GET")) return computers(r);
            if ((x = match("/api/v1/computers-inventory/(\\d+)", p)) != null && m.equals("GET")) {
                return SimResponse.ok(computer(jamfComputer(Integer.parseInt(x.group(1))), sections(r, COMPUTER_SECTIONS)));
            }
            if ((x = match("/api/v1/computers-inventory-detail/(\\d+)", p)) != null && m.equals("GET")) {
                return SimResponse.ok(computer(jamfComputer(Integer.parseInt(x.group(1))), COMPUTER_SECTIONS));
            }
            if ((x = match("/JSSResource/mobiledeviceapplications/bundleid/([^/]+)", p)) != null && m.equals("GET")) {
                String bundle = x.group(1);
                return SimResponse.xml(200, appXml(apps.values().stream().filter(a -> a.bundleId.equals(bundle)).findFirst()
                        .orElseThrow(() -> new HttpFailure(404, "NOT_FOUND", "The server has not found anything matching the request URI"))));
            }
            if ((x = match("/JSSResource/mobiledeviceapplications/id/(\\d+)", p)) != null && (m.equals("POST") || m.equals("PUT"))) {
                return save(apps, Integer.parseInt(x.group(1)), m, r.body(), true);
            }
            if ((x = match("/JSSResource/mobiledeviceconfigurationprofiles/name/([^/]+)", p)) != null && m.equals("GET")) {
                String name = x.group(1);
                return SimResponse.xml(200, profileXml(profiles.values().stream().filter(a -> a.name.equals(name)).findFirst()
                        .orElseThrow(() -> new HttpFailure(404, "NOT_FOUND", "The server has not found anything matching the request URI"))));
            }
            if ((x = match("/JSSResource/mobiledeviceconfigurationprofiles/id/(\\d+)", p)) != null && (m.equals("POST") || m.equals("PUT"))) {
                return save(profiles, Integer.parseInt(x.group(1)), m, r.body(), false);
            }
            if ((x = match("/JSSResource/mobiledevicegroups/name/([^/]+)", p)) != null && m.equals("GET")) {
                String name = x.group(1);
                return SimResponse.xml(200, groupXml(groups.values().stream().filter(g -> g.name.equals(name)).findFirst()
                        .orElseThrow(() -> new HttpFailure(404, "NOT_FOUND", "The server has not found anything matching the request URI"))));
            }
            if ((x = match("/JSSResource/mobiledevicegroups/id/(\\d+)", p)) != null && m.equals("GET")) {
                StaticGroup g = groups.get(Integer.parseInt(x.group(1)));
                if (g == null) throw new HttpFailure(404, "NOT_FOUND", "The server has not found anything matching the request URI");
                return SimResponse.xml(200, groupXml(g));
            }
            if ((x = match("/JSSResource/mobiledevicegroups/id/(\\d+)", p)) != null && (m.equals("POST") || m.equals("PUT"))) {
                return saveGroup(Integer.parseInt(x.group(1)), m, r.body());
            }
            if ((x = match("/JSSResource/mobiledevicecommands/command/UpdateInventory/id/([\\d,]+)", p)) != null && m.equals("POST")) {
                for (String id : x.group(1).split(",")) world.checkInNow(jamfDevice(Integer.parseInt(id)));
                return SimResponse.xml(201, "<mobile_device_command><command>UpdateInventory</command></mobile_device_command>");
            }
        }
        throw new HttpFailure(404, "NOT_FOUND", "No resource at " + m + " " + p);
    }

    private static Matcher match(String regex, String path) {
        Matcher mt = Pattern.compile(regex).matcher(path);
        return mt.matches() ? mt : null;
    }

    // ---- tokens ----

    private SimResponse oauthToken(SimRequest r) {
        Map<String, String> f = r.form();
        if (!"client_credentials".equals(f.get("grant_type")) || !clientId.equals(f.get("client_id")) || !clientSecret.equals(f.get("client_secret"))) {
            return SimResponse.json(401, Json.object().put("error", "invalid_client"));
        }
        long life = settings.tokenLifetime().toSeconds();
        String token = tokens.issue(world.clock().instant().plusSeconds(life));
        return SimResponse.ok(Json.object().put("access_token", token).put("scope", "api-role:1").put("token_type", "Bearer").put("expires_in", life));
    }

    private SimResponse basicToken(SimRequest r) {
        String expected = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (!r.header("authorization").map(expected::equals).orElse(false)) return error(401, "INVALID_CREDENTIALS", "Unauthorized");
        return bearerToken();
    }

    private SimResponse bearerToken() {
        Instant expires = world.clock().instant().plus(settings.tokenLifetime());
        return SimResponse.ok(Json.object().put("token", tokens.issue(expires)).put("expires", expires.toString()));
    }

    // ---- inventory ----

    private List<SimDevice> jamfDevices() {
        return world.devices().stream().filter(d -> d.enrolledIn(FleetDevice.Mdm.JAMF) && !d.jamfComputer()).toList();
    }

    private List<SimDevice> jamfComputers() {
        return world.devices().stream().filter(d -> d.enrolledIn(FleetDevice.Mdm.JAMF) && d.jamfComputer()).toList();
    }

    private SimDevice jamfComputer(int id) {
        return jamfComputers().stream().filter(d -> d.jamfId() == id).findFirst()
                .orElseThrow(() -> new HttpFailure(404, "NOT_FOUND", "Computer " + id + " not found"));
    }

    private SimDevice jamfDevice(int id) {
        return jamfDevices().stream().filter(d -> d.jamfId() == id).findFirst()
                .orElseThrow(() -> new HttpFailure(404, "NOT_FOUND", "Mobile device " + id + " not found"));
    }

    private static String ownershipType(SimDevice d) {
        if (d.corporate()) return "Institutional";
        return d.spec().enrollment() == null ? "UserEnrollment" : d.spec().enrollment();
    }

    private static final Pattern RSQL_EQ = Pattern.compile("^([\\w.]+)==\"?([^\";]*)\"?$");
    private static final Pattern RSQL_IN = Pattern.compile("^([\\w.]+)=in=\\(([^;()]*)\\)$");

    private SimResponse inventory(SimRequest r) {
        List<String> sections = r.paramValues("section");
        if (sections.isEmpty()) sections = List.of("GENERAL");
        for (String s : sections) if (!SECTIONS.contains(s)) throw new HttpFailure(400, "INVALID_FIELD", "Invalid section: " + s);
        int page = r.intParam("page", 0);
        int size = r.intParam("page-size", 100);
        if (page < 0 || size < 1 || size > 2000) throw new HttpFailure(400, "INVALID_FIELD", "page must be >= 0 and page-size between 1 and 2000");
        List<SimDevice> all = new ArrayList<>(jamfDevices());
        String filter = r.param("filter").orElse(null);
        if (filter != null) {
            for (String clause : filter.split(";")) {
                // == and =in= (a list in parentheses), as Jamf's "Filtering with RSQL" describes them.
                Matcher f = RSQL_EQ.matcher(clause.trim());
                Matcher in = RSQL_IN.matcher(clause.trim());
                if (!f.matches() && !in.matches()) throw new HttpFailure(400, "INVALID_FILTER", "Unsupported filter: " + clause);
                String field = f.matches() ? f.group(1) : in.group(1);
                java.util.Set<String> values = f.matches() ? java.util.Set.of(f.group(2))
                        : java.util.Arrays.stream(in.group(2).split(",")).map(v -> v.trim().replace("\"", "")).collect(java.util.stream.Collectors.toSet());
                all.removeIf(d -> !values.contains(switch (field) {
                    case "general.deviceOwnershipType" -> ownershipType(d);
                    case "general.managementId" -> d.managementId();
                    case "mobileDeviceId" -> Integer.toString(d.jamfId());
                    default -> throw new HttpFailure(400, "INVALID_FILTER", "Unsupported filter field: " + field);
                }));
            }
        }
        ObjectNode body = Json.object().put("totalCount", all.size());
        ArrayNode results = body.putArray("results");
        for (int i = page * size; i < Math.min(all.size(), (page + 1) * size); i++) results.add(detail(all.get(i), sections));
        return SimResponse.ok(body);
    }

    private ObjectNode detail(SimDevice d, List<String> sections) {
        FleetDevice s = d.spec();
        FleetMember owner = world.fleet().member(s.owner()).orElseThrow();
        ObjectNode o = Json.object().put("mobileDeviceId", Integer.toString(d.jamfId())).put("deviceType", "iOS");
        if (sections.contains("GENERAL")) {
            o.putObject("general").put("displayName", s.model() == null ? s.id() : s.model()).put("managementId", d.managementId())
                    .put("supervised", s.supervised()).put("deviceOwnershipType", ownershipType(d))
                    .put("lastInventoryUpdateDate", d.lastCheckIn() == null ? null : d.lastCheckIn().toString())
                    .put("enrolledDate", d.enrolledAt().toString()).put("osVersion", "16.3.1").put("managed", true);
        }
        if (sections.contains("HARDWARE")) {
            o.putObject("hardware").put("model", s.model()).put("serialNumber", d.serial()).put("wifiMacAddress", s.mac());
        }
        if (sections.contains("USER_AND_LOCATION")) {
            o.putObject("userAndLocation").put("username", owner.email()).put("realName", owner.name()).put("emailAddress", owner.email());
        }
        if (sections.contains("APPLICATIONS")) {
            ArrayNode a = o.putArray("applications");
            // Jamf sees the app list of institutionally owned devices only.
            if (d.corporate()) {
                disclosedAppsOf(d.id());
                for (String app : d.reportedApps()) {
                    boolean managed = apps.values().stream().anyMatch(x -> x.bundleId.equals(app));
                    a.addObject().put("identifier", app).put("name", world.fleet().displayName(app)).put("version", "1.0")
                            .put("managementStatus", managed ? "Managed" : "Unmanaged");
                }
            }
        }
        return o;
    }

    // ---- computers ----

    /**
     * {@code GET /api/v1/computers-inventory}: {@code {totalCount, results[]}}, paged by {@code page} (from 0) and
     * {@code page-size} (default 100), sections by {@code section} (default GENERAL), ordered by {@code sort} (default
     * {@code general.name:asc}, as documented; {@code id} and {@code general.name}, asc or desc, simulated), narrowed by an
     * RSQL {@code filter} of {@code ==} clauses joined by {@code ;} on the fields below (Jamf allows more).
     * Sources: Jamf Pro API reference, "Return paginated Computer Inventory records"
     * (developer.jamf.com/jamf-pro/reference/get_v2-computers-inventory; v1 has the same parameters and sections), its
     * changelog 11.23.0 (the applications entry: name, path, version, macAppStore, sizeMegabytes, bundleId,
     * updateAvailable, externalVersionId) and 11.32 (general.appleEnrollmentType: none, supervised, device, user,
     * unknown; the fields listed for every version, v1 to v4, of these endpoints). v1 is deprecated (since 2025-06-30,
     * as the macadmins jamf-pro-sdk-python change #79 records) and still served.
     */
    private SimResponse computers(SimRequest r) {
        List<String> sections = sections(r, COMPUTER_SECTIONS);
        int page = r.intParam("page", 0);
        int size = r.intParam("page-size", 100);
        if (page < 0 || size < 1 || size > 2000) throw new HttpFailure(400, "INVALID_FIELD", "page must be >= 0 and page-size between 1 and 2000");
        List<SimDevice> all = new ArrayList<>(jamfComputers());
        String filter = r.param("filter").orElse(null);
        if (filter != null && !filter.isBlank()) {
            for (String clause : filter.split(";")) {
                Matcher f = RSQL_EQ.matcher(clause.trim());
                if (!f.matches()) throw new HttpFailure(400, "INVALID_FILTER", "Unsupported filter: " + clause);
                String field = f.group(1);
                String value = f.group(2);
                all.removeIf(d -> !value.equalsIgnoreCase(String.valueOf(switch (field) {
                    case "id" -> Integer.toString(d.jamfId());
                    case "udid" -> d.managementId().toUpperCase(java.util.Locale.ROOT);
                    case "general.name" -> computerName(d);
                    case "hardware.serialNumber" -> d.serial();
                    case "hardware.macAddress" -> d.spec().mac();
                    case "userAndLocation.email" -> world.fleet().member(d.spec().owner()).map(FleetMember::email).orElse(null);
                    case "general.remoteManagement.managed" -> "true";
                    default -> throw new HttpFailure(400, "INVALID_FILTER", "Unsupported filter field: " + field);
                })));
            }
        }
        java.util.Comparator<SimDevice> order = null;
        for (String criterion : r.param("sort").orElse("general.name:asc").split(",")) {
            String[] kv = criterion.trim().split(":");
            java.util.Comparator<SimDevice> c = switch (kv[0]) {
                case "id" -> java.util.Comparator.comparingInt(SimDevice::jamfId);
                case "general.name" -> java.util.Comparator.comparing(JamfSimulator::computerName);
                default -> throw new HttpFailure(400, "INVALID_FIELD", "Unsupported sort field: " + kv[0]);
            };
            if (kv.length > 1 && kv[1].equals("desc")) c = c.reversed();
            else if (kv.length > 1 && !kv[1].equals("asc")) throw new HttpFailure(400, "INVALID_FIELD", "Sort direction must be asc or desc");
            order = order == null ? c : order.thenComparing(c);
        }
        all.sort(order.thenComparingInt(SimDevice::jamfId));
        ObjectNode body = Json.object().put("totalCount", all.size());
        ArrayNode results = body.putArray("results");
        for (int i = page * size; i < Math.min(all.size(), (page + 1) * size); i++) results.add(computer(all.get(i), sections));
        return SimResponse.ok(body);
    }

    private static List<String> sections(SimRequest r, List<String> known) {
        List<String> sections = r.paramValues("section");
        if (sections.isEmpty()) return List.of("GENERAL");
        for (String s : sections) if (!known.contains(s)) throw new HttpFailure(400, "INVALID_FIELD", "Invalid section: " + s);
        return sections;
    }

    private static String computerName(SimDevice d) {
        return d.spec().model() == null ? d.id() : d.id() + " (" + d.spec().model() + ")";
    }

    /**
     * One computer's record: {@code id}, {@code udid} and a key per section, null unless asked for. Apps are in the
     * inventory of institution-owned Macs only: a personal Mac (Apple's User Enrollment) reports only the apps its MDM
     * manages, so the list is empty here.
     */
    private ObjectNode computer(SimDevice d, List<String> sections) {
        FleetDevice s = d.spec();
        FleetMember owner = world.fleet().member(s.owner()).orElseThrow();
        ObjectNode o = Json.object().put("id", Integer.toString(d.jamfId())).put("udid", d.managementId().toUpperCase(java.util.Locale.ROOT));
        for (String section : COMPUTER_SECTIONS) o.putNull(camel(section));
        if (sections.contains("GENERAL")) {
            ObjectNode g = o.putObject("general").put("name", computerName(d)).put("lastIpAddress", (String) null).put("platform", "Mac")
                    .put("supervised", false).put("managementId", d.managementId())
                    .put("reportDate", d.lastCheckIn() == null ? null : d.lastCheckIn().toString())
                    .put("lastContactTime", d.lastCheckIn() == null ? null : d.lastCheckIn().toString())
                    .put("lastEnrolledDate", d.enrolledAt().toString())
                    .put("appleEnrollmentType", d.corporate() ? "device" : "user");
            g.putObject("remoteManagement").put("managed", true).put("managementUsername", (String) null);
        }
        if (sections.contains("HARDWARE")) {
            o.putObject("hardware").put("make", "Apple").put("model", s.model()).put("serialNumber", d.serial()).put("macAddress", s.mac())
                    .put("altMacAddress", (String) null);
        }
        if (sections.contains("USER_AND_LOCATION")) {
            o.putObject("userAndLocation").put("username", owner.email()).put("realname", owner.name()).put("email", owner.email())
                    .put("position", (String) null).put("phone", (String) null).put("room", (String) null);
        }
        if (sections.contains("OPERATING_SYSTEM")) o.putObject("operatingSystem").put("name", "macOS").put("version", "14.2.1").put("build", "23C71");
        if (sections.contains("APPLICATIONS")) {
            ArrayNode a = o.putArray("applications");
            if (d.corporate()) {
                disclosedAppsOf(d.id());
                // In a fixed order: the reported set's own order changes from one JVM to the next.
                for (String app : new java.util.TreeSet<>(d.reportedApps())) {
                    String name = world.fleet().displayName(app) + ".app";
                    a.addObject().put("name", name).put("path", "/Applications/" + name).put("version", "1.0").put("macAppStore", true)
                            .put("sizeMegabytes", 300).put("bundleId", app).put("updateAvailable", false).put("externalVersionId", "0");
                }
            }
        }
        return o;
    }

    private static String camel(String section) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : section.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (c == '_') up = true;
            else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    // ---- classic resources ----

    private SimResponse save(Map<Integer, Scoped> in, int id, String method, String body, boolean isApp) {
        Element root = Xml.parse(body);
        Scoped s;
        if (method.equals("POST")) {
            if (id != 0) throw new HttpFailure(409, "CONFLICT", "POST creates with id 0");
            s = new Scoped();
            s.id = nextId++;
        } else {
            s = in.get(id);
            if (s == null) throw new HttpFailure(404, "NOT_FOUND", "The server has not found anything matching the request URI");
        }
        String name = Xml.text(root, "general/name");
        if (name != null) s.name = name;
        if (s.name == null) throw new HttpFailure(409, "CONFLICT", "Problem with name: a name is required");
        if (isApp) {
            String bundle = Xml.text(root, "general/bundle_id");
            if (bundle != null) s.bundleId = bundle;
            if (s.bundleId == null) throw new HttpFailure(409, "CONFLICT", "Problem with bundle_id: a bundle id is required");
        } else {
            String payloads = Xml.text(root, "general/payloads");
            if (payloads != null) {
                try {
                    s.blocked = Mobileconfig.blockedAppBundleIds(payloads);
                } catch (IllegalArgumentException e) {
                    throw new HttpFailure(409, "CONFLICT", "Problem with payloads: " + e.getMessage());
                }
                s.payloads = payloads;
            }
        }
        Element scope = Xml.child(root, "scope");
        if (scope != null) {
            s.allDevices = "true".equals(Xml.text(scope, "all_mobile_devices"));
            s.devices = ids(Xml.child(scope, "mobile_devices"));
            s.exclusions = ids(Xml.child(scope, "exclusions/mobile_devices"));
            s.groupIds = groupIds(Xml.child(scope, "mobile_device_groups"));
            s.exclusionGroupIds = groupIds(Xml.child(scope, "exclusions/mobile_device_groups"));
        }
        s.changedAt = world.clock().instant();
        in.put(s.id, s);
        String tag = isApp ? "mobile_device_application" : "configuration_profile";
        return SimResponse.xml(201, "<" + tag + "><id>" + s.id + "</id></" + tag + ">");
    }

    private static Set<Integer> ids(Element list) {
        Set<Integer> out = new LinkedHashSet<>();
        for (Element d : Xml.children(list, "mobile_device")) {
            try {
                out.add(Integer.parseInt(Xml.text(d, "id")));
            } catch (RuntimeException e) {
                throw new HttpFailure(409, "CONFLICT", "Problem with scope: a mobile_device needs a numeric id");
            }
        }
        return out;
    }

    private Set<Integer> groupIds(Element list) {
        Set<Integer> out = new LinkedHashSet<>();
        for (Element g : Xml.children(list, "mobile_device_group")) {
            int id;
            try {
                id = Integer.parseInt(Xml.text(g, "id"));
            } catch (RuntimeException e) {
                throw new HttpFailure(409, "CONFLICT", "Problem with scope: a mobile_device_group needs a numeric id");
            }
            if (!groups.containsKey(id)) throw new HttpFailure(409, "CONFLICT", "Problem with scope: no mobile device group " + id);
            out.add(id);
        }
        return out;
    }

    private static String scopeXml(Scoped s) {
        StringBuilder b = new StringBuilder("<scope><all_mobile_devices>").append(s.allDevices).append("</all_mobile_devices><mobile_devices>");
        s.devices.forEach(id -> b.append("<mobile_device><id>").append(id).append("</id></mobile_device>"));
        b.append("</mobile_devices><mobile_device_groups>");
        s.groupIds.forEach(id -> b.append("<mobile_device_group><id>").append(id).append("</id></mobile_device_group>"));
        b.append("</mobile_device_groups><exclusions><mobile_devices>");
        s.exclusions.forEach(id -> b.append("<mobile_device><id>").append(id).append("</id></mobile_device>"));
        b.append("</mobile_devices><mobile_device_groups>");
        s.exclusionGroupIds.forEach(id -> b.append("<mobile_device_group><id>").append(id).append("</id></mobile_device_group>"));
        return b.append("</mobile_device_groups></exclusions></scope>").toString();
    }

    /**
     * Creates (POST id 0) or changes (PUT) a static group. Members: {@code mobile_devices} replaces them;
     * {@code mobile_device_additions} and {@code mobile_device_deletions} change only the devices named (the Classic
     * API reference's "Updates an existing mobile device group"). A device id Jamf does not have is refused, the whole
     * request with it (409); deleting a device that is not a member changes nothing (unverified against Jamf Pro: the
     * adapter reads the members first and deletes only members, so either answer works).
     */
    private SimResponse saveGroup(int id, String method, String body) {
        Element root = Xml.parse(body);
        StaticGroup g;
        if (method.equals("POST")) {
            if (id != 0) throw new HttpFailure(409, "CONFLICT", "POST creates with id 0");
            if ("true".equals(Xml.text(root, "is_smart"))) throw new HttpFailure(409, "CONFLICT", "Smart groups are not simulated");
            g = new StaticGroup();
            g.id = nextId++;
        } else {
            g = groups.get(id);
            if (g == null) throw new HttpFailure(404, "NOT_FOUND", "The server has not found anything matching the request URI");
        }
        String name = Xml.text(root, "name");
        if (name != null) {
            if (groups.values().stream().anyMatch(o -> o != groups.get(id) && o.name.equals(name))) throw new HttpFailure(409, "CONFLICT", "Problem with name: a group named " + name + " exists");
            g.name = name;
        }
        if (g.name == null) throw new HttpFailure(409, "CONFLICT", "Problem with name: a name is required");
        Element whole = Xml.child(root, "mobile_devices");
        Set<Integer> adds = knownDevices(Xml.child(root, "mobile_device_additions"));
        Set<Integer> deletes = ids(Xml.child(root, "mobile_device_deletions"));
        if (whole != null) g.members = new LinkedHashSet<>(knownDevices(whole));
        g.members.addAll(adds);
        g.members.removeAll(deletes);
        groups.put(g.id, g);
        return SimResponse.xml(201, "<mobile_device_group><id>" + g.id + "</id></mobile_device_group>");
    }

    private Set<Integer> knownDevices(Element list) {
        Set<Integer> ids = ids(list);
        for (int id : ids) {
            boolean known = world.devices().stream().anyMatch(d -> d.present() && !d.jamfComputer() && d.spec().mdm() == FleetDevice.Mdm.JAMF && d.jamfId() == id);
            if (!known) throw new HttpFailure(409, "CONFLICT", "Problem with mobile device: no mobile device with id " + id);
        }
        return ids;
    }

    private static String groupXml(StaticGroup g) {
        StringBuilder b = new StringBuilder("<mobile_device_group><id>").append(g.id).append("</id><name>").append(Xml.escape(g.name))
                .append("</name><is_smart>false</is_smart><mobile_devices><size>").append(g.members.size()).append("</size>");
        g.members.forEach(id -> b.append("<mobile_device><id>").append(id).append("</id></mobile_device>"));
        return b.append("</mobile_devices></mobile_device_group>").toString();
    }

    private static String appXml(Scoped s) {
        return "<mobile_device_application><general><id>" + s.id + "</id><name>" + Xml.escape(s.name) + "</name><bundle_id>"
                + Xml.escape(s.bundleId) + "</bundle_id></general>" + scopeXml(s) + "</mobile_device_application>";
    }

    private static String profileXml(Scoped s) {
        return "<configuration_profile><general><id>" + s.id + "</id><name>" + Xml.escape(s.name) + "</name><payloads>"
                + Xml.escape(s.payloads) + "</payloads></general>" + scopeXml(s) + "</configuration_profile>";
    }

    /** What Jamf does to its devices at check-in. */
    private final class Behaviour implements MdmBehaviour {
        @Override
        public boolean manages(SimDevice d) {
            return d.spec().mdm() == FleetDevice.Mdm.JAMF;
        }

        /** A device outside an app record's scope loses the app (simplified: see the README). */
        @Override
        public void onCheckIn(SimDevice d, Instant at, SimWorld w) {
            // Mobile device app records reach mobile devices only: nothing Jamf scopes here touches a Mac.
            if (!d.corporate() || d.jamfComputer()) return;
            for (Scoped app : apps.values()) {
                if (app.changedAt.isAfter(at) || app.covers(d, groups) || !d.apps().contains(app.bundleId)) continue;
                if (SimWorld.mdmCanRemoveUserApp(d)) {
                    w.removeApp(d, app.bundleId);
                    w.record(at, d.id(), "app-uninstalled-by-mdm", "jamf: " + app.bundleId);
                } else {
                    w.record(at, d.id(), "app-uninstall-failed", "jamf: " + app.bundleId + " is not managed on this device");
                }
            }
        }

        @Override
        public void afterCheckIn(SimDevice d, Instant at, SimWorld w) {
            JamfWebhooks hooks = webhooks;
            if (hooks == null) return;
            if (d.jamfComputer()) {
                // A Mac's inventory (recon) is complete: its reported apps are what Jamf now lists.
                hooks.send("ComputerInventoryCompleted", d, at, w);
                return;
            }
            hooks.send("MobileDeviceCheckIn", d, at, w);
            hooks.send("MobileDeviceInventoryCompleted", d, at, w);
        }

        @Override
        public void onEnrollment(SimDevice d, boolean enrolled, Instant at, SimWorld w) {
            JamfWebhooks hooks = webhooks;
            // Jamf's enrolment events are mobile device events; a Mac's (ComputerAdded) is not one appban subscribes to.
            if (hooks != null && !d.jamfComputer()) hooks.send(enrolled ? "MobileDeviceEnrolled" : "MobileDeviceUnEnrolled", d, at, w);
        }

        @Override
        public String refusesInstall(SimDevice d, String app, Instant at) {
            if (!d.spec().supervised() || d.jamfComputer()) return null;
            for (Scoped p : profiles.values()) {
                boolean received = d.lastCheckIn() != null && !d.lastCheckIn().isBefore(p.changedAt);
                if (received && p.blocked.contains(app) && p.covers(d, groups)) return "blocked by Jamf configuration profile '" + p.name + "'";
            }
            return null;
        }
    }
}
