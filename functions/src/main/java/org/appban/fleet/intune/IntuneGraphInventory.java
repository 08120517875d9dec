package org.appban.fleet.intune;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.policy.BannedApp;

/**
 * Intune's inventory through Graph. App presence comes from {@code detectedApps} (matched by display name and
 * platform, since Graph gives no bundle id there) and their {@code managedDevices}: Intune reports those for
 * corporate devices only, and this adapter never asks for a personal device's apps. Presence is as of each device's
 * last inventory report, which can be days old.
 */
public final class IntuneGraphInventory implements FleetInventory {
    private static final int PAGE = 100;
    private final IntuneGraphClient graph;

    public IntuneGraphInventory(IntuneGraphClient graph) {
        this.graph = graph;
    }

    @Override
    public MdmKind mdm() {
        return MdmKind.INTUNE;
    }

    @Override
    public Stream<InventoriedDevice> devices(BannedApp app) {
        Map<String, String> holders = holders(app);
        return graph.pages("list managed devices", "/v1.0/deviceManagement/managedDevices?$top=" + PAGE).map(d -> device(d, holders));
    }

    /** managedDevice id -> evidence, for every device Intune reports the app on. */
    private Map<String, String> holders(BannedApp app) {
        Map<String, String> out = new HashMap<>();
        graph.pages("list detected apps", "/v1.0/deviceManagement/detectedApps?$top=" + PAGE)
                .filter(a -> app.matchesDisplayName(a.path("displayName").asText(null)))
                .filter(a -> app.platforms().contains(platformOfDetectedApp(a.path("platform").asText(""))))
                .toList()
                .forEach(a -> {
                    String evidence = "detectedApps:" + a.path("displayName").asText() + "/" + a.path("platform").asText();
                    graph.pages("list devices with a detected app", "/v1.0/deviceManagement/detectedApps/" + a.path("id").asText() + "/managedDevices?$top=" + PAGE)
                            .forEach(d -> out.put(d.path("id").asText(), evidence));
                });
        return out;
    }

    private static Platform platformOfDetectedApp(String p) {
        String s = p.toLowerCase(Locale.ROOT);
        if (s.equals("ios")) return Platform.IOS;
        if (s.startsWith("android")) return Platform.ANDROID;
        if (s.startsWith("windows")) return Platform.WINDOWS;
        if (s.equals("macos")) return Platform.MACOS;
        return Platform.OTHER;
    }

    private InventoriedDevice device(JsonNode d, Map<String, String> holders) {
        String id = d.path("id").asText();
        // "unknown" ownership is treated as private: when in doubt, never look at the apps.
        Ownership ownership = d.path("managedDeviceOwnerType").asText("").equals("company") ? Ownership.CORPORATE : Ownership.PRIVATE;
        AppPresence presence = ownership == Ownership.PRIVATE ? AppPresence.UNKNOWN : holders.containsKey(id) ? AppPresence.PRESENT : AppPresence.ABSENT;
        String evidence = ownership == Ownership.PRIVATE ? "compliance only (personal device)" : holders.getOrDefault(id, "detectedApps: not reported");
        return new InventoriedDevice(MdmKind.INTUNE, id, text(d, "emailAddress"), text(d, "userPrincipalName"), ownership,
                platform(d.path("operatingSystem").asText("")), text(d, "model"), d.path("isSupervised").asBoolean(false),
                mac(text(d, "wiFiMacAddress")), ComplianceState.parse(text(d, "complianceState")), presence,
                instant(text(d, "lastSyncDateTime")), text(d, "serialNumber"), evidence);
    }

    static Platform platform(String os) {
        String s = os.toLowerCase(Locale.ROOT);
        if (s.equals("ios") || s.equals("ipados")) return Platform.IOS;
        if (s.startsWith("android")) return Platform.ANDROID;
        if (s.startsWith("windows")) return Platform.WINDOWS;
        if (s.equals("macos")) return Platform.MACOS;
        return Platform.OTHER;
    }

    /** Intune gives twelve hex digits; the NAC wants AA:BB:CC:DD:EE:FF. */
    static String mac(String raw) {
        if (raw == null) return null;
        String hex = raw.replaceAll("[^0-9A-Fa-f]", "").toUpperCase(Locale.ROOT);
        if (hex.length() != 12) return null;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 12; i += 2) b.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        return b.toString();
    }

    private static String text(JsonNode d, String field) {
        JsonNode v = d.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    private static Instant instant(String s) {
        if (s == null || s.startsWith("0001-")) return null;
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
