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
import org.appban.fleet.SourcePage;
import org.appban.policy.BannedApp;

/**
 * Jamf Pro's inventory: its mobile devices, then its computers (Macs), through one client (so both share the
 * instance's connection slots). Jamf has no compliance verdict: compliance is UNKNOWN.
 *
 * <p>Mobile devices: two passes over {@code /api/v2/mobile-devices/detail}: the apps section only for institutionally
 * owned devices (filtered on the server), then every device without the apps section, so a personal device's app
 * list is never asked for.
 *
 * <p>Computers: one pass over {@code /api/v1/computers-inventory} with the GENERAL, HARDWARE, USER_AND_LOCATION and
 * APPLICATIONS sections, ordered by id so that pages do not shift while a record's name changes (Jamf's default order
 * is by name). Sources: the Jamf Pro API reference, "Return paginated Computer Inventory records" (page, page-size,
 * section, sort, RSQL filter on {@code id}; {@code {totalCount, results[]}}; {@code general.name},
 * {@code general.reportDate}, {@code hardware.macAddress}/{@code altMacAddress}, {@code userAndLocation.email}/
 * {@code username}), and its changelogs: 11.23.0 for an application's {@code name}, {@code path} and
 * {@code bundleId}; 11.32 for {@code general.appleEnrollmentType} (none, supervised, device, user, unknown), listed for
 * v1 to v4 alike. v1 is deprecated (since 2025-06-30, as the macadmins jamf-pro-sdk-python change #79 records; v3
 * since 11.30 in favour of v4) but still served with the same sections: {@link #COMPUTERS} is the one place to move it.
 *
 * <p>A Mac is personal when Apple's User Enrollment enrolled it ({@code appleEnrollmentType} user), institutional
 * otherwise (Jamf's computer management is device enrolment; before 11.32 every Mac counts as institutional). Its apps
 * are read for institutional Macs only; a personal Mac reports to its MDM only the apps the MDM manages, never the
 * member's own (so the one listing with APPLICATIONS asks for nothing private). A Mac carries the banned app when an application's {@code bundleId} is one the policy
 * names for macOS, or its name (without {@code .app}) is one of the policy's display names; a policy that names no
 * macOS app bans nothing on a Mac. Its MAC is {@code hardware.macAddress} (the primary interface), else
 * {@code altMacAddress}.
 */
public final class JamfProInventory implements FleetInventory {
    private static final int PAGE = 100;
    private static final String INSTITUTIONAL = URLEncoder.encode("general.deviceOwnershipType==\"Institutional\"", StandardCharsets.UTF_8);
    static final String COMPUTERS = "/api/v1/computers-inventory";
    private static final String MOBILE_DEVICES = "/api/v2/mobile-devices/detail";
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
        // The computers' pages are asked for once the mobile devices' are consumed (Stream.concat is lazy).
        return Stream.concat(devices(app, ""), computers(app, ""));
    }

    /**
     * One device through the same passes, narrowed on the server by Jamf's RSQL filter on its id: a mobile device by
     * its bare id, a computer by {@code computer-<id>} ({@link JamfIds}).
     */
    @Override
    public java.util.Optional<InventoriedDevice> device(BannedApp app, String mdmId) {
        java.util.Optional<String> computer = JamfIds.computerId(mdmId);
        String id = computer.orElse(mdmId);
        if (!id.matches("\\d{1,18}")) return java.util.Optional.empty();
        try (Stream<InventoriedDevice> one = computer.isPresent() ? computers(app, "id==\"" + id + "\"") : devices(app, "mobileDeviceId==\"" + id + "\"")) {
            return one.filter(d -> d.mdmId().equals(mdmId)).findFirst();
        }
    }

    /**
     * The listing a page at a time by Jamf's own page numbers, for a round that hands the cursor on between
     * invocations: {@code m<n>} is page n of the mobile devices, {@code c<n>} page n of the computers (sorted by id).
     * A mobile page's app holders are read for that page's devices only (the same filter narrowed to its ids), so a
     * step pays for the pages it lists, not for the fleet's apps.
     */
    @Override
    public Listing listing(BannedApp app) {
        return cursor -> {
            String at = cursor == null ? "m0" : cursor;
            if (!at.matches("[mc]\\d{1,9}")) throw new IllegalArgumentException("not a Jamf page: '" + cursor + "'");
            int page = Integer.parseInt(at.substring(1));
            boolean mobile = at.charAt(0) == 'm';
            JsonNode body = mobile
                    ? jamf.getJson("mobile device inventory", MOBILE_DEVICES + "?section=GENERAL&section=HARDWARE&section=USER_AND_LOCATION&page=" + page + "&page-size=" + PAGE)
                    : jamf.getJson("computer inventory", COMPUTERS + "?section=GENERAL&section=HARDWARE&section=USER_AND_LOCATION&section=APPLICATIONS&sort=id%3Aasc&page="
                            + page + "&page-size=" + PAGE);
            List<JsonNode> results = new ArrayList<>();
            body.path("results").forEach(results::add);
            boolean last = results.isEmpty() || (long) (page + 1) * PAGE >= body.path("totalCount").asLong();
            List<InventoriedDevice> items;
            if (mobile) {
                Map<String, String> holders = holdersAmong(app, results);
                items = results.stream().map(d -> device(d, holders)).toList();
            } else {
                items = results.stream().map(c -> computer(c, app)).toList();
            }
            String next = !last ? (mobile ? "m" : "c") + (page + 1) : mobile ? "c0" : null;
            return new SourcePage<>(items, next);
        };
    }

    /** The app holders among a page's institutional mobile devices: one request, filtered to their ids. */
    private Map<String, String> holdersAmong(BannedApp app, List<JsonNode> page) {
        List<String> ids = page.stream().filter(d -> d.path("general").path("deviceOwnershipType").asText("").equals("Institutional"))
                .map(d -> d.path("mobileDeviceId").asText()).filter(id -> id.matches("\\d{1,18}")).toList();
        Map<String, String> holders = new HashMap<>();
        if (ids.isEmpty()) return holders;
        String only = "mobileDeviceId=in=(" + String.join(",", ids) + ")";
        pages(MOBILE_DEVICES, "mobile device inventory", "section=GENERAL&section=APPLICATIONS&filter=" + INSTITUTIONAL
                + URLEncoder.encode(";" + only, StandardCharsets.UTF_8)).forEach(d -> {
            for (JsonNode a : d.path("applications")) {
                String identifier = a.path("identifier").asText("");
                if (app.identifiersFor(Platform.IOS).contains(identifier) || app.matchesDisplayName(a.path("name").asText(null))) {
                    holders.put(d.path("mobileDeviceId").asText(), "jamf applications:" + identifier + " (" + a.path("managementStatus").asText("?") + ")");
                }
            }
        });
        return holders;
    }

    private Stream<InventoriedDevice> devices(BannedApp app, String only) {
        String and = only.isEmpty() ? "" : URLEncoder.encode(";" + only, StandardCharsets.UTF_8);
        String filter = only.isEmpty() ? "" : "&filter=" + URLEncoder.encode(only, StandardCharsets.UTF_8);
        Map<String, String> holders = new HashMap<>();
        pages(MOBILE_DEVICES, "mobile device inventory", "section=GENERAL&section=APPLICATIONS&filter=" + INSTITUTIONAL + and).forEach(d -> {
            for (JsonNode a : d.path("applications")) {
                String identifier = a.path("identifier").asText("");
                if (app.identifiersFor(Platform.IOS).contains(identifier) || app.matchesDisplayName(a.path("name").asText(null))) {
                    holders.put(d.path("mobileDeviceId").asText(), "jamf applications:" + identifier + " (" + a.path("managementStatus").asText("?") + ")");
                }
            }
        });
        return pages(MOBILE_DEVICES, "mobile device inventory", "section=GENERAL&section=HARDWARE&section=USER_AND_LOCATION" + filter)
                .map(d -> device(d, holders));
    }

    private Stream<InventoriedDevice> computers(BannedApp app, String only) {
        String filter = only.isEmpty() ? "" : "&filter=" + URLEncoder.encode(only, StandardCharsets.UTF_8);
        return pages(COMPUTERS, "computer inventory", "section=GENERAL&section=HARDWARE&section=USER_AND_LOCATION&section=APPLICATIONS&sort=id%3Aasc" + filter)
                .map(c -> computer(c, app));
    }

    private Stream<JsonNode> pages(String path, String operation, String query) {
        Iterator<JsonNode> it = new Iterator<>() {
            private int page = 0;
            private boolean last = false;
            private Iterator<JsonNode> items = List.<JsonNode>of().iterator();

            @Override
            public boolean hasNext() {
                while (!items.hasNext() && !last) {
                    JsonNode body = jamf.getJson(operation, path + "?" + query + "&page=" + page + "&page-size=" + PAGE);
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

    private static InventoriedDevice computer(JsonNode c, BannedApp app) {
        String id = JamfIds.computer(c.path("id").asText());
        JsonNode general = c.path("general");
        boolean personal = "user".equalsIgnoreCase(general.path("appleEnrollmentType").asText(""));
        Ownership ownership = personal ? Ownership.PRIVATE : Ownership.CORPORATE;
        AppPresence presence = AppPresence.UNKNOWN;
        String evidence = "compliance only (Apple User Enrollment)";
        if (!personal) {
            List<String> bundleIds = app.identifiersFor(Platform.MACOS);
            String found = null;
            for (JsonNode a : c.path("applications")) {
                String bundleId = a.path("bundleId").asText("");
                String name = a.path("name").asText("");
                String shown = name.toLowerCase(java.util.Locale.ROOT).endsWith(".app") ? name.substring(0, name.length() - 4) : name;
                if (!bundleIds.isEmpty() && (bundleIds.contains(bundleId) || app.matchesDisplayName(shown))) {
                    found = "jamf computer applications:" + (bundleId.isEmpty() ? name : bundleId) + " (" + a.path("path").asText("?") + ")";
                    break;
                }
            }
            presence = found != null ? AppPresence.PRESENT : AppPresence.ABSENT;
            evidence = found != null ? found : bundleIds.isEmpty() ? "jamf computer applications: the policy names no macOS app" : "jamf computer applications: not reported";
        }
        JsonNode hw = c.path("hardware");
        JsonNode user = c.path("userAndLocation");
        List<String> problems = new ArrayList<>();
        boolean primary = text(hw, "macAddress") != null;
        String macField = primary ? "hardware.macAddress" : "hardware.altMacAddress";
        return new InventoriedDevice(MdmKind.JAMF, id, text(user, "email"), text(user, "username"), ownership, Platform.MACOS,
                text(hw, "model"), general.path("supervised").asBoolean(false), InventoriedDevice.mac(macField, text(hw, primary ? "macAddress" : "altMacAddress"), problems),
                ComplianceState.UNKNOWN, presence, instant(text(general, "reportDate")), text(hw, "serialNumber"), evidence, problems);
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
