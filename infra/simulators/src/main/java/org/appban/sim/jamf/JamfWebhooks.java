package org.appban.sim.jamf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.sim.fleet.FleetMember;
import org.appban.sim.http.Json;
import org.appban.sim.world.SimDevice;
import org.appban.sim.world.SimWorld;

/**
 * The webhooks Jamf Pro posts about its mobile devices, as Jamf sends them: one webhook per event type, JSON content,
 * authenticated as configured in Jamf Pro (Settings, Global, Webhooks): Basic authentication, or a header Jamf sends
 * with the configured name and value. There is no signature and no delivery id.
 *
 * <p>Payload shape (Jamf Pro developer documentation, "Webhooks", developer.jamf.com/jamf-pro/docs/webhooks-1):
 * {@code {"webhook": {"id", "name", "webhookEvent", "eventTimestamp" (epoch milliseconds)}, "event": {...}}}; the
 * mobile device events carry {@code bluetoothMacAddress, deviceName, icciID, imei, ipAddress, jssID, managementId,
 * model, modelDisplay, osBuild, osVersion, product, room, serialNumber, udid, userDirectoryID, username, version,
 * wifiMacAddress}; the computer events ({@code ComputerAdded}, {@code ComputerInventoryCompleted}) carry the computer's
 * fields directly in {@code event}: {@code alternateMacAddress, building, department, deviceName, emailAddress,
 * ipAddress, jssID} (its Jamf Pro computer id), {@code macAddress, managementId, model, osBuild, osVersion, phone,
 * position, realName, reportedIpAddress, room, serialNumber, udid, userDirectoryID, username}.
 *
 * <p>Sent here: {@code MobileDeviceCheckIn} and then {@code MobileDeviceInventoryCompleted} at each check-in (this
 * simulator's devices report their inventory with every check-in), {@code MobileDeviceEnrolled} and
 * {@code MobileDeviceUnEnrolled}; for a Mac, {@code ComputerInventoryCompleted} at each check-in (its inventory). Deliveries are queued under the world lock and handed over by {@link #drain}, so
 * whoever receives them may call the simulator back (as a receiver re-reading the device does).
 */
public final class JamfWebhooks {
    /** What Jamf would POST: its headers and body. */
    public record Delivery(Instant at, String event, Map<String, String> headers, String body) {
    }

    private final Map<String, Integer> ids = new LinkedHashMap<>();
    private final List<Delivery> pending = new ArrayList<>();
    private final Map<String, String> authHeaders;

    private JamfWebhooks(Map<String, String> authHeaders) {
        this.authHeaders = Map.copyOf(authHeaders);
    }

    /** Jamf's "Header Authentication": the header it is configured with, sent as it is. */
    public static JamfWebhooks withHeader(String name, String value) {
        return new JamfWebhooks(Map.of(name, value));
    }

    /** Jamf's "Basic Authentication". */
    public static JamfWebhooks withBasic(String username, String password) {
        return new JamfWebhooks(Map.of("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8))));
    }

    synchronized void send(String event, SimDevice d, Instant at, SimWorld world) {
        int webhookId = ids.computeIfAbsent(event, e -> ids.size() + 1);
        ObjectNode root = Json.object();
        root.putObject("webhook").put("eventTimestamp", at.toEpochMilli()).put("id", webhookId).put("name", "appban " + event)
                .put("webhookEvent", event);
        FleetMember owner = world.fleet().member(d.spec().owner()).orElse(null);
        if (d.jamfComputer()) {
            root.putObject("event").put("alternateMacAddress", (String) null).put("building", (String) null).put("department", (String) null)
                    .put("deviceName", d.spec().model() == null ? d.id() : d.spec().model()).put("emailAddress", owner == null ? null : owner.email())
                    .put("ipAddress", (String) null).put("jssID", d.jamfId()).put("macAddress", d.spec().mac()).put("managementId", d.managementId())
                    .put("model", d.spec().model()).put("osBuild", "23C71").put("osVersion", "14.2.1").put("phone", (String) null)
                    .put("position", (String) null).put("realName", owner == null ? null : owner.name()).put("reportedIpAddress", (String) null)
                    .put("room", (String) null).put("serialNumber", d.serial()).put("udid", d.managementId().toUpperCase(java.util.Locale.ROOT))
                    .put("userDirectoryID", "-1").put("username", owner == null ? null : owner.email());
        } else {
            root.putObject("event").put("bluetoothMacAddress", (String) null).put("deviceName", d.spec().model() == null ? d.id() : d.spec().model())
                    .put("icciID", (String) null).put("imei", (String) null).put("ipAddress", (String) null).put("jssID", d.jamfId())
                    .put("managementId", d.managementId()).put("model", d.spec().model()).put("modelDisplay", d.spec().model())
                    .put("osBuild", "20D67").put("osVersion", "16.3.1").put("product", (String) null).put("room", (String) null)
                    .put("serialNumber", d.serial()).put("udid", d.managementId().toUpperCase(java.util.Locale.ROOT))
                    .put("userDirectoryID", "-1").put("username", owner == null ? null : owner.email()).put("version", "16.3.1")
                    .put("wifiMacAddress", d.spec().mac());
        }
        Map<String, String> headers = new LinkedHashMap<>(authHeaders);
        headers.put("Content-Type", "application/json");
        pending.add(new Delivery(at, event, headers, Json.write(root)));
    }

    /** The deliveries queued since the last call, in the order Jamf would send them. */
    public synchronized List<Delivery> drain() {
        List<Delivery> out = List.copyOf(pending);
        pending.clear();
        return out;
    }
}
