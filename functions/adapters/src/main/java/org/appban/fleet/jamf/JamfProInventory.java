package org.appban.fleet.jamf;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.policy.BannedApp;

/**
 * Jamf Pro's mobile device inventory. Two passes over {@code /api/v2/mobile-devices/detail}: the apps section only
 * for institutionally owned devices (filtered on the server), then every device without the apps section, so a
 * personal device's app list is never asked for. Jamf has no compliance verdict: compliance is UNKNOWN.
 */
public final class JamfProInventory implements FleetInventory {
    private static final int PAGE = 100;
    private static final String INSTITUTIONAL = URLEncoder.encode("general.deviceOwnershipType==\"Institutional\"", StandardCharsets.UTF_8);
    private final JamfProClient jamf;

    public JamfProInventory(JamfProClient jamf) {
        this.jamf = jamf;
    }

    @Override
    public MdmKind mdm() {
        return MdmKind.JAMF;
    }

    @Override
    public Stream<InventoriedDevice> devices(BannedApp app) {
        return devices(app, "");
    }

    /** One device through the same two passes, narrowed on the server by Jamf's RSQL filter on its id. */
    @Override
    public java.util.Optional<InventoriedDevice> device(BannedApp app, String mdmId) {
        if (!mdmId.matches("\\d{1,18}")) return java.util.Optional.empty();
        try (Stream<InventoriedDevice> one = devices(app, "mobileDeviceId==\"" + mdmId + "\"")) {
            return one.filter(d -> d.mdmId().equals(mdmId)).findFirst();
        }
    }

    private Stream<InventoriedDevice> devices(BannedApp app, String only) {
        String and = only.isEmpty() ? "" : URLEncoder.encode(";" + only, StandardCharsets.UTF_8);
        String filter = only.isEmpty() ? "" : "&filter=" + URLEncoder.encode(only, StandardCharsets.UTF_8);
        Map<String, String> holders = new HashMap<>();
        pages("section=GENERAL&section=APPLICATIONS&filter=" + INSTITUTIONAL + and).forEach(d -> {
            for (JsonNode a : d.path("applications")) {
                String identifier = a.path("identifier").asText("");
                if (app.identifiersFor(Platform.IOS).contains(identifier) || app.matchesDisplayName(a.path("name").asText(null))) {
                    holders.put(d.path("mobileDeviceId").asText(), "jamf applications:" + identifier + " (" + a.path("managementStatus").asText("?") + ")");
                }
            }
        });
        return pages("section=GENERAL&section=HARDWARE&section=USER_AND_LOCATION" + filter).map(d -> device(d, holders));
    }

    private Stream<JsonNode> pages(String query) {
        Iterator<JsonNode> it = new Iterator<>() {
            private int page = 0;
            private boolean last = false;
            private Iterator<JsonNode> items = List.<JsonNode>of().iterator();

            @Override
            public boolean hasNext() {
                while (!items.hasNext() && !last) {
                    JsonNode body = jamf.getJson("mobile device inventory", "/api/v2/mobile-devices/detail?" + query + "&page=" + page + "&page-size=" + PAGE);
                    List<JsonNode> list = new ArrayList<>();
                    body.path("results").forEach(list::add);
                    items = list.iterator();
                    page++;
                    last = list.isEmpty() || (long) page * PAGE >= body.path("totalCount").asLong();
                }
                return items.hasNext();
            }

            @Override
            public JsonNode next() {
                if (!hasNext()) throw new NoSuchElementException();
                return items.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    private static InventoriedDevice device(JsonNode d, Map<String, String> holders) {
        String id = d.path("mobileDeviceId").asText();
        JsonNode general = d.path("general");
        Ownership ownership = general.path("deviceOwnershipType").asText("").equals("Institutional") ? Ownership.CORPORATE : Ownership.PRIVATE;
        AppPresence presence = ownership == Ownership.PRIVATE ? AppPresence.UNKNOWN : holders.containsKey(id) ? AppPresence.PRESENT : AppPresence.ABSENT;
        String evidence = ownership == Ownership.PRIVATE ? "compliance only (" + general.path("deviceOwnershipType").asText() + ")"
                : holders.getOrDefault(id, "jamf applications: not reported");
        JsonNode hw = d.path("hardware");
        JsonNode user = d.path("userAndLocation");
        List<String> problems = new ArrayList<>();
        return new InventoriedDevice(MdmKind.JAMF, id, text(user, "emailAddress"), text(user, "username"), ownership, Platform.IOS,
                text(hw, "model"), general.path("supervised").asBoolean(false), InventoriedDevice.mac("hardware.wifiMacAddress", text(hw, "wifiMacAddress"), problems),
                ComplianceState.UNKNOWN, presence, instant(text(general, "lastInventoryUpdateDate")), text(hw, "serialNumber"), evidence, problems);
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    private static Instant instant(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
