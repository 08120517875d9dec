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
 *   <li>uninstall: a mobile device application record per bundle id whose scope is exactly the exempt devices;
 *       a managed app leaves every device outside its scope at the device's next check-in;</li>
 *   <li>reinstall block: a configuration profile with a Restrictions payload (blockedAppBundleIDs) scoped to all
 *       mobile devices, exempt devices excluded (enforced on supervised devices);</li>
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
        List<String> bundleIds = app.identifiersFor(Platform.IOS);
        if (bundleIds.isEmpty()) return EnforcementStep.unsupported(Step.UNINSTALL, "Jamf Pro manages Apple devices; the policy names no iOS app");
        Set<Integer> keep = ids(exempt);
        Map<String, String> evidence = new LinkedHashMap<>();
        boolean changed = false;
        for (String bundleId : bundleIds) {
            Optional<String> current = jamf.getXml("read app record", "/JSSResource/mobiledeviceapplications/bundleid/" + URLEncoder.encode(bundleId, StandardCharsets.UTF_8));
            String scope = scopeXml(false, keep);
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
            if (!scopeMatches(root, false, keep)) {
                jamf.sendXml("update app scope", "PUT", "/JSSResource/mobiledeviceapplications/id/" + id, "<mobile_device_application>" + scope + "</mobile_device_application>");
                changed = true;
            }
        }
        evidence.put("kept.by", Integer.toString(keep.size()));
        return new EnforcementStep(Step.UNINSTALL, changed ? Outcome.CHANGED : Outcome.ALREADY_IN_PLACE,
                "app scope limited to " + keep.size() + " exempt device(s): the app leaves every other managed device at check-in", evidence);
    }

    @Override
    public EnforcementStep ensureReinstallBlock(BannedApp app, Set<String> exempt) {
        List<String> bundleIds = app.identifiersFor(Platform.IOS);
        if (bundleIds.isEmpty()) return EnforcementStep.unsupported(Step.BLOCK_REINSTALL, "the policy names no iOS app");
        String name = prefix + " " + app.name() + " block reinstall";
        Set<Integer> excluded = ids(exempt);
        Map<String, String> evidence = new LinkedHashMap<>();
        Optional<String> current = jamf.getXml("read profile", "/JSSResource/mobiledeviceconfigurationprofiles/name/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        String scope = scopeXml(true, Set.of()).replace("<exclusions><mobile_devices></mobile_devices></exclusions>", exclusionsXml(excluded));
        boolean changed = false;
        if (current.isEmpty()) {
            String xml = "<configuration_profile><general><name>" + RestrictionsProfileEscape.of(name) + "</name><payloads>"
                    + RestrictionsProfileEscape.of(RestrictionsProfile.plist(name, bundleIds)) + "</payloads></general>" + scope + "</configuration_profile>";
            evidence.put("profile", text(jamf.sendXml("create profile", "POST", "/JSSResource/mobiledeviceconfigurationprofiles/id/0", xml), "id"));
            changed = true;
        } else {
            Element root = parse(current.get());
            String id = text(root, "general/id");
            evidence.put("profile", id);
            if (!"true".equals(text(root, "scope/all_mobile_devices")) || !idsAt(root, "scope/exclusions/mobile_devices").equals(new TreeSet<>(excluded))) {
                jamf.sendXml("update profile scope", "PUT", "/JSSResource/mobiledeviceconfigurationprofiles/id/" + id, "<configuration_profile>" + scope + "</configuration_profile>");
                changed = true;
            }
        }
        return new EnforcementStep(Step.BLOCK_REINSTALL, changed ? Outcome.CHANGED : Outcome.ALREADY_IN_PLACE,
                "blockedAppBundleIDs " + bundleIds + " on all mobile devices, " + excluded.size() + " excluded", evidence);
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
            try {
                out.add(Integer.parseInt(id));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + id + "' is not a Jamf mobile device id");
            }
        }
        return out;
    }

    private static String scopeXml(boolean all, Set<Integer> devices) {
        StringBuilder b = new StringBuilder("<scope><all_mobile_devices>").append(all).append("</all_mobile_devices><mobile_devices>");
        devices.forEach(id -> b.append("<mobile_device><id>").append(id).append("</id></mobile_device>"));
        return b.append("</mobile_devices><exclusions><mobile_devices></mobile_devices></exclusions></scope>").toString();
    }

    private static String exclusionsXml(Set<Integer> ids) {
        StringBuilder b = new StringBuilder("<exclusions><mobile_devices>");
        ids.forEach(id -> b.append("<mobile_device><id>").append(id).append("</id></mobile_device>"));
        return b.append("</mobile_devices></exclusions>").toString();
    }

    private static boolean scopeMatches(Element root, boolean all, Set<Integer> devices) {
        return String.valueOf(all).equals(text(root, "scope/all_mobile_devices")) && idsAt(root, "scope/mobile_devices").equals(new TreeSet<>(devices))
                && idsAt(root, "scope/exclusions/mobile_devices").isEmpty();
    }

    private static Set<Integer> idsAt(Element root, String path) {
        Set<Integer> out = new TreeSet<>();
        Element list = child(root, path);
        if (list == null) return out;
        NodeList items = list.getChildNodes();
        for (int i = 0; i < items.getLength(); i++) {
            if (items.item(i) instanceof Element e && e.getTagName().equals("mobile_device")) out.add(Integer.parseInt(text(e, "id")));
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
