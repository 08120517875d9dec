package org.appban.fleet.intune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.appban.domain.MdmKind;
import org.appban.domain.Platform;
import org.appban.fleet.EnforcementStep;
import org.appban.fleet.EnforcementStep.Outcome;
import org.appban.fleet.EnforcementStep.Step;
import org.appban.fleet.FleetEnforcement;
import org.appban.fleet.GroupPlacement;
import org.appban.fleet.Placed;
import org.appban.fleet.RestrictionsProfile;
import org.appban.fleet.SyncOutcome;
import org.appban.fleet.intune.IntuneGraphClient.BatchRequest;
import org.appban.fleet.intune.IntuneGraphClient.BatchResult;
import org.appban.policy.BannedApp;
import org.appban.remote.RemoteFailure;
import org.appban.json.Json;

/**
 * Puts Intune into the desired state for a ban:
 * <ul>
 *   <li>uninstall: a security group of the target devices and one of the exempt devices; the app (an iOS store
 *       app / Android store app per identifier, created when missing) assigned with intent uninstall to the first
 *       and excluded for the second. Assign writes the app's whole assignment set.</li>
 *   <li>reinstall block: an iOS custom configuration carrying a Restrictions payload with blockedAppBundleIDs,
 *       assigned to all devices except the exempt group (supervised iPhones enforce it).</li>
 *   <li>compliance: iOS (and Android) compliance policies whose restrictedApps list the app, assigned the same
 *       way, so enrolled personal devices become noncompliant without anyone seeing their apps.</li>
 * </ul>
 * Objects are found by display name, so a second run finds what the first created.
 *
 * <p>Two ways to set the groups' members: the whole desired set at once ({@link #ensureUninstall} with its targets,
 * which lists each group whole), or device by device ({@link #place}: reads and writes only the memberships of the
 * devices named, through the directory's {@code memberOf} and {@code members/$ref}), which is what a round over a
 * fleet too large for one call uses, with {@link #ensureAssigned} writing the objects and their assignments once.
 */
public final class IntuneGraphEnforcement implements FleetEnforcement {
    private static final String GROUP_TARGET = "#microsoft.graph.groupAssignmentTarget";
    private static final String EXCLUSION_TARGET = "#microsoft.graph.exclusionGroupAssignmentTarget";
    private static final String ALL_DEVICES = "#microsoft.graph.allDevicesAssignmentTarget";
    private final IntuneGraphClient graph;
    private final String prefix;
    /** managedDevice id -> Entra directory object id; stable, so cached for the container's life. */
    private final Map<String, String> directoryIds = new ConcurrentHashMap<>();
    /** appban's groups by display name, for {@link #place}. */
    private final Map<String, String> groupIds = new ConcurrentHashMap<>();

    /** @param prefix starts the display name of every object this adapter creates (e.g. {@code appban}) */
    public IntuneGraphEnforcement(IntuneGraphClient graph, String prefix) {
        this.graph = graph;
        this.prefix = prefix;
    }

    @Override
    public MdmKind mdm() {
        return MdmKind.INTUNE;
    }

    private String name(BannedApp app, String what) {
        return prefix + " " + app.name() + " " + what;
    }

    // ---- uninstall ----

    @Override
    public EnforcementStep ensureUninstall(BannedApp app, Set<String> targets, Set<String> exempt) {
        return uninstall(app, targets, exempt);
    }

    /** With {@code targets} and {@code exempt} null the groups' members are left as they are ({@link #place} sets them). */
    private EnforcementStep uninstall(BannedApp app, Set<String> targets, Set<String> exempt) {
        Map<String, String> evidence = new LinkedHashMap<>();
        boolean whole = targets != null;
        Set<String> inScope = new LinkedHashSet<>(whole ? targets : Set.of());
        if (whole) inScope.removeAll(exempt);
        Group uninstall = ensureGroup(name(app, "uninstall"));
        Group excluded = ensureGroup(name(app, "exempt"));
        boolean changed = uninstall.created() | excluded.created();
        if (whole) {
            changed |= reconcileMembers(uninstall, inScope, evidence, "uninstall");
            changed |= reconcileMembers(excluded, exempt, evidence, "exempt");
        }
        evidence.put("group.uninstall", uninstall.id());
        evidence.put("group.exempt", excluded.id());
        List<JsonNode> existing = graph.pages("list mobile apps", "/v1.0/deviceAppManagement/mobileApps").toList();
        int handled = 0;
        for (Platform platform : List.of(Platform.IOS, Platform.ANDROID)) {
            for (String identifier : app.identifiersFor(platform)) {
                Optional<MobileApp> found = findApp(existing, platform, identifier);
                MobileApp mobileApp;
                if (found.isPresent()) {
                    mobileApp = found.get();
                } else {
                    Optional<MobileApp> created = createApp(app, platform, identifier, evidence);
                    if (created.isEmpty()) continue;
                    mobileApp = created.get();
                    changed = true;
                }
                handled++;
                evidence.put("mobileApp." + identifier + "." + platform.wireName(), mobileApp.id());
                Set<String> desired = Set.of("uninstall|" + GROUP_TARGET + "|" + uninstall.id(), "uninstall|" + EXCLUSION_TARGET + "|" + excluded.id());
                JsonNode current = graph.get("read app assignments", "/v1.0/deviceAppManagement/mobileApps/" + mobileApp.id() + "/assignments");
                if (!assignmentKeys(current.path("value"), true).equals(desired)) {
                    ObjectNode body = Json.object();
                    ArrayNode list = body.putArray("mobileAppAssignments");
                    list.add(appAssignment(GROUP_TARGET, uninstall.id()));
                    list.add(appAssignment(EXCLUSION_TARGET, excluded.id()));
                    graph.post("assign app", "/v1.0/deviceAppManagement/mobileApps/" + mobileApp.id() + "/assign", body);
                    changed = true;
                }
            }
        }
        if (handled == 0) return EnforcementStep.unsupported(Step.UNINSTALL, "no iOS or Android identifier of " + app.name() + " could be managed in Intune");
        return new EnforcementStep(Step.UNINSTALL, changed ? Outcome.CHANGED : Outcome.ALREADY_IN_PLACE,
                whole ? "uninstall assigned to " + inScope.size() + " device(s), " + exempt.size() + " excluded"
                        : "uninstall assigned to the group '" + name(app, "uninstall") + "', the group '" + name(app, "exempt") + "' excluded", evidence);
    }

    private record MobileApp(String id) {
    }

    private Optional<MobileApp> findApp(List<JsonNode> apps, Platform platform, String identifier) {
        for (JsonNode a : apps) {
            String type = a.path("@odata.type").asText("");
            boolean match = platform == Platform.IOS
                    ? type.equals("#microsoft.graph.iosStoreApp") && identifier.equals(a.path("bundleId").asText())
                    : type.startsWith("#microsoft.graph.android") && identifier.equals(a.path("packageId").asText());
            if (match) return Optional.of(new MobileApp(a.path("id").asText()));
        }
        return Optional.empty();
    }

    private Optional<MobileApp> createApp(BannedApp app, Platform platform, String identifier, Map<String, String> evidence) {
        String store = app.storeUrls().get(platform);
        ObjectNode body = Json.object().put("displayName", app.name()).put("publisher", app.name())
                .put("description", "Managed by appban so that it can be removed");
        if (platform == Platform.IOS) {
            if (store == null) {
                evidence.put("mobileApp." + identifier + ".ios", "not created: the policy has no iOS store URL");
                return Optional.empty();
            }
            body.put("@odata.type", "#microsoft.graph.iosStoreApp").put("bundleId", identifier).put("appStoreUrl", store);
            body.putObject("applicableDeviceType").put("iPad", true).put("iPhoneAndIPod", true);
            body.putObject("minimumSupportedOperatingSystem").put("v9_0", true);
        } else {
            // Managed Google Play apps are normally synced from Google, not created; Graph may refuse this.
            body.put("@odata.type", "#microsoft.graph.androidManagedStoreApp").put("packageId", identifier).put("appStoreUrl", store == null ? "" : store);
        }
        try {
            return Optional.of(new MobileApp(graph.post("create mobile app", "/v1.0/deviceAppManagement/mobileApps", body).path("id").asText()));
        } catch (RemoteFailure f) {
            if (f.kind() != RemoteFailure.Kind.PERMANENT && f.kind() != RemoteFailure.Kind.UNSUPPORTED) throw f;
            evidence.put("mobileApp." + identifier + "." + platform.wireName(), "not created: " + f.getMessage());
            return Optional.empty();
        }
    }

    private static ObjectNode appAssignment(String targetType, String groupId) {
        ObjectNode a = Json.object().put("@odata.type", "#microsoft.graph.mobileAppAssignment").put("intent", "uninstall");
        a.putObject("target").put("@odata.type", targetType).put("groupId", groupId);
        return a;
    }

    private static Set<String> assignmentKeys(JsonNode assignments, boolean withIntent) {
        Set<String> out = new HashSet<>();
        for (JsonNode a : assignments) {
            JsonNode t = a.path("target");
            out.add((withIntent ? a.path("intent").asText() + "|" : "") + t.path("@odata.type").asText() + "|" + t.path("groupId").asText(""));
        }
        return out;
    }

    // ---- groups ----

    private record Group(String id, boolean created) {
    }

    private Group ensureGroup(String displayName) {
        String filter = "displayName eq '" + displayName.replace("'", "''") + "'";
        JsonNode found = graph.get("find group", "/v1.0/groups?$filter=" + IntuneGraphClient.q(filter));
        JsonNode value = found.path("value");
        if (value.size() > 1) {
            throw new RemoteFailure(RemoteFailure.Kind.PERMANENT, "intune", "find group", 200, value.size() + " groups are named '" + displayName + "': resolve by hand");
        }
        if (value.size() == 1) return new Group(value.get(0).path("id").asText(), false);
        String nickname = displayName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        ObjectNode body = Json.object().put("displayName", displayName).put("mailEnabled", false)
                .put("mailNickname", nickname).put("securityEnabled", true).put("description", "Managed by appban: do not edit by hand");
        return new Group(graph.post("create group", "/v1.0/groups", body).path("id").asText(), true);
    }

    /** Makes the group's members exactly the given devices; returns whether anything changed. */
    private boolean reconcileMembers(Group group, Set<String> mdmIds, Map<String, String> evidence, String label) {
        Map<String, String> resolved = resolve(mdmIds);
        Set<String> desired = new HashSet<>(resolved.values());
        Set<String> current = new HashSet<>();
        graph.pages("list group members", "/v1.0/groups/" + group.id() + "/members?$top=100").forEach(m -> current.add(m.path("id").asText()));
        List<BatchRequest> changes = new ArrayList<>();
        int n = 0;
        for (String objectId : desired) {
            if (current.contains(objectId)) continue;
            ObjectNode body = Json.object().put("@odata.id", graph.directoryObjectUrl(objectId));
            changes.add(new BatchRequest("add-" + (++n), "POST", "/groups/" + group.id() + "/members/$ref", body));
        }
        int adds = changes.size();
        for (String objectId : current) {
            if (!desired.contains(objectId)) changes.add(new BatchRequest("remove-" + (++n), "DELETE", "/groups/" + group.id() + "/members/" + objectId + "/$ref", null));
        }
        for (BatchResult r : graph.batch("update group members", changes)) {
            boolean alreadyThere = r.status() == 400 && r.body() != null && Json.write(r.body()).contains("already exist");
            boolean alreadyGone = r.status() == 404 && r.id().startsWith("remove-");
            if (!r.ok() && !alreadyThere && !alreadyGone) throw graph.failure("update group members", r);
        }
        evidence.put(label + ".added", Integer.toString(adds));
        evidence.put(label + ".removed", Integer.toString(changes.size() - adds));
        if (resolved.size() < mdmIds.size()) evidence.put(label + ".unresolved", Integer.toString(mdmIds.size() - resolved.size()));
        return !changes.isEmpty();
    }

    /** managedDevice ids -> directory object ids (two batched lookups per unknown device; devices Intune no longer has are left out). */
    private Map<String, String> resolve(Set<String> mdmIds) {
        List<String> unknown = mdmIds.stream().filter(id -> !directoryIds.containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            List<BatchRequest> reads = new ArrayList<>();
            for (int i = 0; i < unknown.size(); i++) {
                reads.add(new BatchRequest(Integer.toString(i), "GET", "/deviceManagement/managedDevices/" + unknown.get(i) + "?$select=id,azureADDeviceId", null));
            }
            List<BatchResult> devices = graph.batch("read managed devices", reads);
            List<BatchRequest> lookups = new ArrayList<>();
            List<String> order = new ArrayList<>();
            for (int i = 0; i < devices.size(); i++) {
                BatchResult r = devices.get(i);
                if (r.status() == 404) continue;
                if (!r.ok()) throw graph.failure("read managed devices", r);
                String aad = r.body().path("azureADDeviceId").asText("");
                if (aad.isEmpty()) continue;
                order.add(unknown.get(i));
                lookups.add(new BatchRequest(Integer.toString(lookups.size()), "GET",
                        "/devices?$filter=" + IntuneGraphClient.q("deviceId eq '" + aad + "'") + "&$select=id,deviceId", null));
            }
            List<BatchResult> objects = graph.batch("find directory devices", lookups);
            for (int i = 0; i < objects.size(); i++) {
                BatchResult r = objects.get(i);
                if (!r.ok()) throw graph.failure("find directory devices", r);
                JsonNode value = r.body().path("value");
                if (value.size() == 1) directoryIds.put(order.get(i), value.get(0).path("id").asText());
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : mdmIds) if (directoryIds.containsKey(id)) out.put(id, directoryIds.get(id));
        return out;
    }

    // ---- reinstall block ----

    @Override
    public EnforcementStep ensureReinstallBlock(BannedApp app, Set<String> exempt) {
        return reinstallBlock(app, exempt);
    }

    /** With {@code exempt} null the exempt group's members are left as they are. */
    private EnforcementStep reinstallBlock(BannedApp app, Set<String> exempt) {
        List<String> bundleIds = app.identifiersFor(Platform.IOS);
        if (bundleIds.isEmpty()) return EnforcementStep.unsupported(Step.BLOCK_REINSTALL, "Intune blocks app installs only on supervised iOS; the policy names no iOS app");
        Map<String, String> evidence = new LinkedHashMap<>();
        Group excluded = ensureGroup(name(app, "exempt"));
        boolean changed = excluded.created() | (exempt != null && reconcileMembers(excluded, exempt, evidence, "exempt"));
        String displayName = name(app, "block reinstall");
        Optional<JsonNode> existing = graph.pages("list device configurations", "/v1.0/deviceManagement/deviceConfigurations")
                .filter(c -> displayName.equals(c.path("displayName").asText())).findFirst();
        String id;
        if (existing.isPresent()) {
            id = existing.get().path("id").asText();
        } else {
            String plist = RestrictionsProfile.plist(displayName, bundleIds);
            ObjectNode body = Json.object().put("@odata.type", "#microsoft.graph.iosCustomConfiguration")
                    .put("displayName", displayName).put("description", "Managed by appban: blocks " + app.name() + " on supervised iOS devices")
                    .put("payloadName", displayName).put("payloadFileName", "appban-block.mobileconfig")
                    .put("payload", Base64.getEncoder().encodeToString(plist.getBytes(StandardCharsets.UTF_8)));
            id = graph.post("create device configuration", "/v1.0/deviceManagement/deviceConfigurations", body).path("id").asText();
            changed = true;
        }
        evidence.put("deviceConfiguration", id);
        changed |= ensurePolicyAssignment("/v1.0/deviceManagement/deviceConfigurations/" + id, excluded.id());
        if (app.identifiersFor(Platform.ANDROID).size() > 0) evidence.put("android", "no reinstall block through Graph (use managed Google Play)");
        return new EnforcementStep(Step.BLOCK_REINSTALL, changed ? Outcome.CHANGED : Outcome.ALREADY_IN_PLACE,
                "blockedAppBundleIDs " + bundleIds + " on all devices, " + excludedText(app, exempt), evidence);
    }

    /** Assigns a configuration or compliance policy to all devices except the exempt group, if not already so. */
    private boolean ensurePolicyAssignment(String policyPath, String exemptGroup) {
        Set<String> desired = Set.of(ALL_DEVICES + "|", EXCLUSION_TARGET + "|" + exemptGroup);
        JsonNode current = graph.get("read policy assignments", policyPath + "/assignments");
        if (assignmentKeys(current.path("value"), false).equals(desired)) return false;
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("assignments");
        list.addObject().putObject("target").put("@odata.type", ALL_DEVICES);
        list.addObject().putObject("target").put("@odata.type", EXCLUSION_TARGET).put("groupId", exemptGroup);
        graph.post("assign policy", policyPath + "/assign", body);
        return true;
    }

    // ---- compliance ----

    @Override
    public EnforcementStep ensureComplianceRule(BannedApp app, Set<String> exempt) {
        return complianceRule(app, exempt);
    }

    private String excludedText(BannedApp app, Set<String> exempt) {
        return exempt != null ? exempt.size() + " excluded" : "the group '" + name(app, "exempt") + "' excluded";
    }

    /** With {@code exempt} null the exempt group's members are left as they are. */
    private EnforcementStep complianceRule(BannedApp app, Set<String> exempt) {
        Map<String, String> evidence = new LinkedHashMap<>();
        Group excluded = ensureGroup(name(app, "exempt"));
        boolean changed = excluded.created() | (exempt != null && reconcileMembers(excluded, exempt, evidence, "exempt"));
        List<JsonNode> existing = graph.pages("list compliance policies", "/v1.0/deviceManagement/deviceCompliancePolicies").toList();
        int handled = 0;
        for (Platform platform : List.of(Platform.IOS, Platform.ANDROID)) {
            List<String> ids = app.identifiersFor(platform);
            if (ids.isEmpty()) continue;
            String displayName = name(app, "restricted app " + platform.wireName());
            Optional<JsonNode> found = existing.stream().filter(p -> displayName.equals(p.path("displayName").asText())).findFirst();
            String id;
            if (found.isPresent()) {
                id = found.get().path("id").asText();
            } else {
                ObjectNode body = Json.object()
                        .put("@odata.type", platform == Platform.IOS ? "#microsoft.graph.iosCompliancePolicy" : "#microsoft.graph.androidCompliancePolicy")
                        .put("displayName", displayName).put("description", "Managed by appban: devices carrying " + app.name() + " are noncompliant");
                ArrayNode restricted = body.putArray("restrictedApps");
                for (String identifier : ids) {
                    restricted.addObject().put("@odata.type", "#microsoft.graph.appListItem").put("name", app.name()).put("appId", identifier)
                            .put("appStoreUrl", app.storeUrls().get(platform));
                }
                ObjectNode rule = body.putArray("scheduledActionsForRule").addObject().put("ruleName", "PasswordRequired");
                rule.putArray("scheduledActionConfigurations").addObject().put("actionType", "block").put("gracePeriodHours", 0);
                try {
                    id = graph.post("create compliance policy", "/v1.0/deviceManagement/deviceCompliancePolicies", body).path("id").asText();
                } catch (RemoteFailure f) {
                    if (f.kind() != RemoteFailure.Kind.PERMANENT) throw f;
                    evidence.put("compliance." + platform.wireName(), "not created: " + f.getMessage());
                    continue;
                }
                changed = true;
            }
            handled++;
            evidence.put("compliancePolicy." + platform.wireName(), id);
            changed |= ensurePolicyAssignment("/v1.0/deviceManagement/deviceCompliancePolicies/" + id, excluded.id());
        }
        if (handled == 0) return EnforcementStep.unsupported(Step.COMPLIANCE_RULE, "no compliance policy with restricted apps could be set for " + app.name());
        return new EnforcementStep(Step.COMPLIANCE_RULE, changed ? Outcome.CHANGED : Outcome.ALREADY_IN_PLACE,
                "restricted app rule on all devices, " + excludedText(app, exempt), evidence);
    }

    // ---- device by device ----

    @Override
    public EnforcementStep ensureAssigned(Step step, BannedApp app) {
        return switch (step) {
            case UNINSTALL -> uninstall(app, null, null);
            case BLOCK_REINSTALL -> reinstallBlock(app, null);
            case COMPLIANCE_RULE -> complianceRule(app, null);
        };
    }

    /**
     * Reads which of appban's two groups each device's directory object is in ({@code GET /devices/{id}/memberOf},
     * twenty to a batch, directory reads) and writes only the differences ({@code members/$ref}, directory writes, the
     * scarce budget: 3,000 per 150 s), so a device already placed costs one read and no write.
     */
    @Override
    public List<Placed> place(BannedApp app, Map<String, GroupPlacement> placements) {
        if (placements.isEmpty()) return List.of();
        try {
            return placeAll(app, placements);
        } catch (RemoteFailure f) {
            // A group deleted by hand would fail every step of this container: look the groups up again next time.
            groupIds.clear();
            throw f;
        }
    }

    private List<Placed> placeAll(BannedApp app, Map<String, GroupPlacement> placements) {
        String uninstall = groupId(name(app, "uninstall"));
        String excluded = groupId(name(app, "exempt"));
        List<Placed> out = new ArrayList<>();
        Map<String, String> objects = resolve(placements.keySet());
        placements.forEach((id, p) -> {
            if (!objects.containsKey(id)) out.add(new Placed(id, p, Placed.Status.NOT_FOUND, "Intune has no directory device for it"));
        });
        List<String> order = new ArrayList<>(objects.keySet());
        List<BatchRequest> reads = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            reads.add(new BatchRequest(Integer.toString(i), "GET", "/devices/" + objects.get(order.get(i)) + "/memberOf?$select=id", null));
        }
        List<BatchResult> memberships = graph.batch("read device memberships", reads);
        List<BatchRequest> writes = new ArrayList<>();
        Map<String, List<String>> changes = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            String mdmId = order.get(i);
            GroupPlacement p = placements.get(mdmId);
            BatchResult r = memberships.get(i);
            if (r.status() == 404) {
                out.add(new Placed(mdmId, p, Placed.Status.NOT_FOUND, "its directory device is gone"));
                continue;
            }
            if (!r.ok()) throw graph.failure("read device memberships", r);
            Set<String> in = groupsIn(r.body());
            String object = objects.get(mdmId);
            List<String> did = new ArrayList<>();
            for (String[] g : new String[][] {{uninstall, "uninstall"}, {excluded, "exempt"}}) {
                boolean want = g[1].equals("uninstall") ? p == GroupPlacement.TARGET : p == GroupPlacement.EXEMPT;
                boolean has = in.contains(g[0]);
                if (want && !has) {
                    writes.add(new BatchRequest("add-" + writes.size(), "POST", "/groups/" + g[0] + "/members/$ref",
                            Json.object().put("@odata.id", graph.directoryObjectUrl(object))));
                    did.add("added to " + g[1]);
                } else if (!want && has) {
                    writes.add(new BatchRequest("remove-" + writes.size(), "DELETE", "/groups/" + g[0] + "/members/" + object + "/$ref", null));
                    did.add("removed from " + g[1]);
                }
            }
            changes.put(mdmId, did);
        }
        for (BatchResult r : graph.batch("update group members", writes)) {
            // Another writer (a whole-set run, a retry) may have made the same change meanwhile: the end state holds.
            boolean alreadyThere = r.status() == 400 && r.body() != null && Json.write(r.body()).contains("already exist");
            boolean alreadyGone = r.status() == 404 && r.id().startsWith("remove-");
            if (!r.ok() && !alreadyThere && !alreadyGone) throw graph.failure("update group members", r);
        }
        changes.forEach((mdmId, did) -> out.add(new Placed(mdmId, placements.get(mdmId), did.isEmpty() ? Placed.Status.IN_PLACE : Placed.Status.CHANGED,
                did.isEmpty() ? "already " + placements.get(mdmId).wireName() : String.join("; ", did))));
        return out;
    }

    /** The ids of the groups in a memberOf answer, following its pages (a device in more than a page of groups). */
    private Set<String> groupsIn(JsonNode body) {
        Set<String> ids = new HashSet<>();
        JsonNode page = body;
        while (true) {
            for (JsonNode g : page.path("value")) ids.add(g.path("id").asText());
            String next = page.hasNonNull("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
            if (next == null) return ids;
            IntuneGraphClient.Page more = graph.page("read device memberships", next);
            ObjectNode o = Json.object();
            ArrayNode v = o.putArray("value");
            more.items().forEach(v::add);
            if (more.nextLink() != null) o.put("@odata.nextLink", more.nextLink());
            page = o;
        }
    }

    /** A group's id by its display name, created when missing; kept for the container's life (groups are not renamed). */
    private String groupId(String displayName) {
        String id = groupIds.get(displayName);
        if (id != null) return id;
        id = ensureGroup(displayName).id();
        groupIds.put(displayName, id);
        return id;
    }

    // ---- sync ----

    @Override
    public List<SyncOutcome> sync(Collection<String> mdmIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(mdmIds));
        List<BatchRequest> requests = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) requests.add(new BatchRequest(Integer.toString(i), "POST", "/deviceManagement/managedDevices/" + ids.get(i) + "/syncDevice", null));
        List<BatchResult> results = graph.batch("sync devices", requests);
        List<SyncOutcome> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            BatchResult r = results.get(i);
            SyncOutcome.Status s = r.ok() ? SyncOutcome.Status.REQUESTED : r.status() == 404 ? SyncOutcome.Status.NOT_FOUND : SyncOutcome.Status.FAILED;
            out.add(new SyncOutcome(ids.get(i), s, r.ok() ? "check-in requested" : "HTTP " + r.status()));
        }
        return out;
    }
}
