package org.appban.fleet.jamf;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
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
import org.appban.policy.BannedApp;
import org.appban.remote.RemoteFailure;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Puts Jamf Pro into the desired state for a ban, through the Classic API:
 * <ul>
 *   <li>the exempt devices: a static mobile device group ({@code <prefix> <app> exempt}), whose members are changed
 *       device by device ({@code mobile_device_additions} and {@code mobile_device_deletions}, Classic API
 *       {@code PUT /mobiledevicegroups/id/{id}}), or set whole by the whole-set calls;</li>
 *   <li>uninstall: a mobile device application record per bundle id scoped to exactly that group; a managed app
 *       leaves every device outside its scope at the device's next check-in. Every corporate device that is not
 *       exempt is therefore a target without being named: a target and a device in no group are placed alike;</li>
 *   <li>reinstall block: a configuration profile with a Restrictions payload (blockedAppBundleIDs) scoped to all
 *       mobile devices, the group excluded (enforced on supervised devices);</li>
 *   <li>compliance rule: Jamf Pro has none: UNSUPPORTED;</li>
 *   <li>sync: the UpdateInventory command, for many devices per request.</li>
 * </ul>
 * Device ids are Jamf mobile device ids. Jamf manages Apple devices only: Android identifiers are ignored. Macs
 * ({@link JamfIds#computer computer ids}) are outside every step: the app records, profiles and commands above are
 * mobile device resources, and Jamf Pro has no MDM command that removes an app a Mac's user installed (nor one that
 * collects a Mac's inventory: the Jamf binary's recon, run by policy, does), so a Mac carrying the app is left to its
 * member, escalation and network access ({@link org.appban.fleet.MdmCapabilities}).
 */
public final class JamfProEnforcement implements FleetEnforcement {
    private static final int SYNC_CHUNK = 50;
    private final JamfProClient jamf;
    private final String prefix;

    public JamfProEnforcement(JamfProClient jamf, String prefix) {
        this.jamf = jamf;
        this.prefix = prefix;
    }

    @Override
    public MdmKind mdm() {
        return MdmKind.JAMF;
    }

    @Override
    public EnforcementStep ensureUninstall(BannedApp app, Set<String> targets, Set<String> exempt) {
        return uninstall(app, exempt);
    }

    /** With {@code exempt} null the group's members are left as they are ({@link #place} sets them). */
    private EnforcementStep uninstall(BannedApp app, Set<String> exempt) {
        List<String> bundleIds = app.identifiersFor(Platform.IOS);
        if (bundleIds.isEmpty()) return EnforcementStep.unsupported(Step.UNINSTALL, "Jamf Pro manages Apple devices; the policy names no iOS app");
        Map<String, String> evidence = new LinkedHashMap<>();
        ExemptGroup group = exemptGroup(app);
        boolean changed = group.created;
        if (exempt != null) changed |= setMembers(group, ids(exempt), evidence);
        evidence.put("group.exempt", Integer.toString(group.id));
        for (String bundleId : bundleIds) {
            Optional<String> current = jamf.getXml("read app record", "/JSSResource/mobiledeviceapplications/bundleid/" + URLEncoder.encode(bundleId, StandardCharsets.UTF_8));
            String scope = groupScopeXml(false, group.id, false);
            if (current.isEmpty()) {
                String xml = "<mobile_device_application><general><name>" + RestrictionsProfileEscape.of(prefix + " " + app.name()) + "</name><bundle_id>"
                        + RestrictionsProfileEscape.of(bundleId) + "</bundle_id></general>" + scope + "</mobile_device_application>";
                evidence.put("app." + bundleId, text(jamf.sendXml("create app record", "POST", "/JSSResource/mobiledeviceapplications/id/0", xml), "id"));
                changed = true;
                continue;
            }
            Element root = parse(current.get());
            String id = text(root, "general/id");
            evidence.put("app." + bundleId, id);
            if (!groupScopeMatches(root, false, group.id, false)) {
                jamf.sendXml("update app scope", "PUT", "/JSSResource/mobiledeviceapplications/id/" + id, "<mobile_device_application>" + scope + "</mobile_device_application>");
                changed = true;
            }
        }
        String kept = exempt == null ? "the group '" + group.name + "'" : ids(exempt).size() + " exempt device(s)";
        return new EnforcementStep(Step.UNINSTALL, changed ? Outcome.CHANGED : Outcome.ALREADY_IN_PLACE,
                "app scope limited to " + kept + ": the app leaves every other managed device at check-in", evidence);
    }

    @Override
    public EnforcementStep ensureReinstallBlock(BannedApp app, Set<String> exempt) {
        return reinstallBlock(app, exempt);
    }

    /** With {@code exempt} null the group's members are left as they are. */
    private EnforcementStep reinstallBlock(BannedApp app, Set<String> exempt) {
        List<String> bundleIds = app.identifiersFor(Platform.IOS);
        if (bundleIds.isEmpty()) return EnforcementStep.unsupported(Step.BLOCK_REINSTALL, "the policy names no iOS app");
        String name = prefix + " " + app.name() + " block reinstall";
        Map<String, String> evidence = new LinkedHashMap<>();
        ExemptGroup group = exemptGroup(app);
        boolean changed = group.created;
        if (exempt != null) changed |= setMembers(group, ids(exempt), evidence);
        Optional<String> current = jamf.getXml("read profile", "/JSSResource/mobiledeviceconfigurationprofiles/name/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        String scope = groupScopeXml(true, group.id, true);
        if (current.isEmpty()) {
            String xml = "<configuration_profile><general><name>" + RestrictionsProfileEscape.of(name) + "</name><payloads>"
                    + RestrictionsProfileEscape.of(RestrictionsProfile.plist(name, bundleIds)) + "</payloads></general>" + scope + "</configuration_profile>";
            evidence.put("profile", text(jamf.sendXml("create profile", "POST", "/JSSResource/mobiledeviceconfigurationprofiles/id/0", xml), "id"));
            changed = true;
        } else {
            Element root = parse(current.get());
            String id = text(root, "general/id");
            evidence.put("profile", id);
            if (!groupScopeMatches(root, true, group.id, true)) {
                jamf.sendXml("update profile scope", "PUT", "/JSSResource/mobiledeviceconfigurationprofiles/id/" + id, "<configuration_profile>" + scope + "</configuration_profile>");
                changed = true;
            }
        }
        String excluded = exempt == null ? "the group '" + group.name + "'" : Integer.toString(ids(exempt).size());
        return new EnforcementStep(Step.BLOCK_REINSTALL, changed ? Outcome.CHANGED : Outcome.ALREADY_IN_PLACE,
                "blockedAppBundleIDs " + bundleIds + " on all mobile devices, " + excluded + " excluded", evidence);
    }

    // ---- device by device ----

    @Override
    public EnforcementStep ensureAssigned(Step step, BannedApp app) {
        return switch (step) {
            case UNINSTALL -> uninstall(app, null);
            case BLOCK_REINSTALL -> reinstallBlock(app, null);
            case COMPLIANCE_RULE -> ensureComplianceRule(app, Set.of());
        };
    }

    /**
     * Only the exempt group has members here (a target is every device outside it): reads the group, then adds the
     * devices to exempt and deletes the others that are in it, one PUT for each kind of change. A Mac is in no mobile
     * device group ({@link Placed.Status#NOT_APPLICABLE}). A device Jamf no longer has makes Jamf refuse the whole
     * change, so then each device is tried alone and the ones refused come back {@link Placed.Status#NOT_FOUND}.
     */
    @Override
    public List<Placed> place(BannedApp app, Map<String, GroupPlacement> placements) {
        if (placements.isEmpty()) return List.of();
        List<Placed> out = new ArrayList<>();
        ExemptGroup group = exemptGroup(app);
        Set<Integer> members = group.members;
        Map<Integer, String> add = new LinkedHashMap<>();
        Map<Integer, String> delete = new LinkedHashMap<>();
        placements.forEach((mdmId, p) -> {
            if (JamfIds.isComputer(mdmId)) {
                out.add(new Placed(mdmId, p, Placed.Status.NOT_APPLICABLE, "a Jamf Pro computer: mobile device groups and app records do not reach Macs"));
                return;
            }
            int id = id(mdmId);
            boolean want = p == GroupPlacement.EXEMPT;
            if (want && !members.contains(id)) add.put(id, mdmId);
            else if (!want && members.contains(id)) delete.put(id, mdmId);
            else out.add(new Placed(mdmId, p, Placed.Status.IN_PLACE, want ? "already in the exempt group" : "not in the exempt group"));
        });
        change(group, add, true, placements, out);
        change(group, delete, false, placements, out);
        return out;
    }

    private void change(ExemptGroup group, Map<Integer, String> devices, boolean additions, Map<String, GroupPlacement> placements, List<Placed> out) {
        if (devices.isEmpty()) return;
        String what = additions ? "added to the exempt group" : "removed from the exempt group";
        try {
            putMembers(group.id, devices.keySet(), additions);
            devices.values().forEach(mdmId -> out.add(new Placed(mdmId, placements.get(mdmId), Placed.Status.CHANGED, what)));
        } catch (RemoteFailure f) {
            if (f.kind() != RemoteFailure.Kind.PERMANENT || devices.size() == 1) {
                if (f.kind() == RemoteFailure.Kind.PERMANENT) {
                    devices.values().forEach(mdmId -> out.add(new Placed(mdmId, placements.get(mdmId), Placed.Status.NOT_FOUND, "Jamf refused it: " + f.getMessage())));
                    return;
                }
                throw f;
            }
            for (Map.Entry<Integer, String> one : devices.entrySet()) change(group, Map.of(one.getKey(), one.getValue()), additions, placements, out);
        }
    }

    private void putMembers(int groupId, Collection<Integer> ids, boolean additions) {
        String tag = additions ? "mobile_device_additions" : "mobile_device_deletions";
        StringBuilder b = new StringBuilder("<mobile_device_group><").append(tag).append(">");
        ids.forEach(id -> b.append("<mobile_device><id>").append(id).append("</id></mobile_device>"));
        b.append("</").append(tag).append("></mobile_device_group>");
        jamf.sendXml(additions ? "add to exempt group" : "remove from exempt group", "PUT", "/JSSResource/mobiledevicegroups/id/" + groupId, b.toString());
    }

    /** Makes the group's members exactly {@code wanted}, writing only the differences; true when it changed them. */
    private boolean setMembers(ExemptGroup group, Set<Integer> wanted, Map<String, String> evidence) {
        Set<Integer> add = new TreeSet<>(wanted);
        add.removeAll(group.members);
        Set<Integer> remove = new TreeSet<>(group.members);
        remove.removeAll(wanted);
        if (!add.isEmpty()) putMembers(group.id, add, true);
        if (!remove.isEmpty()) putMembers(group.id, remove, false);
        evidence.put("exempt.added", Integer.toString(add.size()));
        evidence.put("exempt.removed", Integer.toString(remove.size()));
        return !add.isEmpty() || !remove.isEmpty();
    }

    /** appban's static group of exempt mobile devices, as Jamf has it now (created, empty, when missing). */
    private record ExemptGroup(int id, String name, Set<Integer> members, boolean created) {
    }

    private ExemptGroup exemptGroup(BannedApp app) {
        String name = prefix + " " + app.name() + " exempt";
        Optional<String> found = jamf.getXml("read exempt group", "/JSSResource/mobiledevicegroups/name/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        if (found.isPresent()) {
            Element root = parse(found.get());
            if ("true".equals(text(root, "is_smart"))) {
                throw new RemoteFailure(RemoteFailure.Kind.PERMANENT, "jamf", "read exempt group", 200, "'" + name + "' is a smart group: appban needs a static one, resolve by hand");
            }
            return new ExemptGroup(Integer.parseInt(text(root, "id")), name, idsAt(root, "mobile_devices"), false);
        }
        String xml = "<mobile_device_group><name>" + RestrictionsProfileEscape.of(name) + "</name><is_smart>false</is_smart></mobile_device_group>";
        return new ExemptGroup(Integer.parseInt(text(jamf.sendXml("create exempt group", "POST", "/JSSResource/mobiledevicegroups/id/0", xml), "id")), name, Set.of(), true);
    }

    @Override
    public EnforcementStep ensureComplianceRule(BannedApp app, Set<String> exempt) {
        return EnforcementStep.unsupported(Step.COMPLIANCE_RULE, "Jamf Pro has no compliance rule for restricted apps; private Jamf devices are judged by network evidence");
    }

    @Override
    public List<SyncOutcome> sync(Collection<String> mdmIds) {
        List<SyncOutcome> out = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String id : new LinkedHashSet<>(mdmIds)) {
            // Sent to the mobile device command, a computer's number would reach whichever iPhone has it.
            if (JamfIds.isComputer(id)) out.add(new SyncOutcome(id, SyncOutcome.Status.NOT_FOUND,
                    "a Jamf Pro computer: Jamf has no command that collects a Mac's inventory (recon runs by policy)"));
            else ids.add(id);
        }
        for (int from = 0; from < ids.size(); from += SYNC_CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + SYNC_CHUNK));
            try {
                jamf.sendXml("update inventory", "POST", "/JSSResource/mobiledevicecommands/command/UpdateInventory/id/" + String.join(",", chunk), null);
                chunk.forEach(id -> out.add(new SyncOutcome(id, SyncOutcome.Status.REQUESTED, "UpdateInventory sent")));
            } catch (RemoteFailure f) {
                SyncOutcome.Status s = f.kind() == RemoteFailure.Kind.NOT_FOUND ? SyncOutcome.Status.NOT_FOUND : SyncOutcome.Status.FAILED;
                chunk.forEach(id -> out.add(new SyncOutcome(id, s, f.getMessage())));
            }
        }
        return out;
    }

    /** The mobile device ids among {@code mdmIds}: Macs are not in a mobile device resource's scope. */
    private static Set<Integer> ids(Set<String> mdmIds) {
        Set<Integer> out = new TreeSet<>();
        for (String id : mdmIds) {
            if (JamfIds.isComputer(id)) continue;
            out.add(id(id));
        }
        return out;
    }

    private static int id(String mdmId) {
        try {
            return Integer.parseInt(mdmId);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + mdmId + "' is not a Jamf mobile device id");
        }
    }

    /**
     * A scope of all mobile devices or none, with appban's group included ({@code excluded} false) or excluded, and no
     * device named one by one (what an earlier version scoped to is replaced).
     */
    private static String groupScopeXml(boolean all, int group, boolean excluded) {
        String g = "<mobile_device_groups><mobile_device_group><id>" + group + "</id></mobile_device_group></mobile_device_groups>";
        return "<scope><all_mobile_devices>" + all + "</all_mobile_devices><mobile_devices></mobile_devices>"
                + (excluded ? "<mobile_device_groups></mobile_device_groups>" : g)
                + "<exclusions><mobile_devices></mobile_devices>" + (excluded ? g : "<mobile_device_groups></mobile_device_groups>") + "</exclusions></scope>";
    }

    private static boolean groupScopeMatches(Element root, boolean all, int group, boolean excluded) {
        Set<Integer> g = Set.of(group);
        return String.valueOf(all).equals(text(root, "scope/all_mobile_devices"))
                && idsAt(root, "scope/mobile_devices").isEmpty() && idsAt(root, "scope/exclusions/mobile_devices").isEmpty()
                && idsAt(root, "scope/mobile_device_groups", "mobile_device_group").equals(excluded ? Set.of() : g)
                && idsAt(root, "scope/exclusions/mobile_device_groups", "mobile_device_group").equals(excluded ? g : Set.of());
    }

    private static Set<Integer> idsAt(Element root, String path) {
        return idsAt(root, path, "mobile_device");
    }

    private static Set<Integer> idsAt(Element root, String path, String item) {
        Set<Integer> out = new TreeSet<>();
        Element list = child(root, path);
        if (list == null) return out;
        NodeList items = list.getChildNodes();
        for (int i = 0; i < items.getLength(); i++) {
            if (items.item(i) instanceof Element e && e.getTagName().equals(item)) out.add(Integer.parseInt(text(e, "id")));
        }
        return out;
    }

    private static Element parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        } catch (Exception e) {
            throw new RemoteFailure(RemoteFailure.Kind.PERMANENT, "jamf", "read XML", 200, "unreadable XML: " + e.getMessage());
        }
    }

    private static String text(String xml, String path) {
        return text(parse(xml), path);
    }

    private static String text(Element root, String path) {
        Element e = child(root, path);
        return e == null ? null : e.getTextContent().trim();
    }

    private static Element child(Element from, String path) {
        Element at = from;
        for (String name : path.split("/")) {
            Element next = null;
            for (Node n = at.getFirstChild(); n != null && next == null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(name)) next = e;
            }
            if (next == null) return null;
            at = next;
        }
        return at;
    }

    /** XML text escaping for the Classic API's bodies. */
    private static final class RestrictionsProfileEscape {
        static String of(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
