package org.appban.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.appban.json.Json;

/**
 * One Jamf Pro webhook, as Jamf sends it (JSON content type). Source: Jamf Pro developer documentation, "Webhooks"
 * (developer.jamf.com/jamf-pro/docs/webhooks-1): every payload is {@code {"webhook": {...}, "event": {...}}}; the
 * webhook object is {@code id} (the webhook's configuration), {@code name}, {@code webhookEvent} and
 * {@code eventTimestamp} (epoch milliseconds, a 13-digit integer, since Jamf Pro 10.12); the device events'
 * {@code event} object carries the device's {@code jssID} (its Jamf Pro id: the computer inventory's {@code id} for
 * a computer event, the mobile device inventory's {@code mobileDeviceId} otherwise), {@code udid}, {@code serialNumber}, {@code wifiMacAddress} (mobile devices) or
 * {@code macAddress} (computers), {@code username} and more.
 *
 * <p>Read leniently where Jamf adds fields from version to version (unknown fields are ignored), strictly where the
 * system depends on them: the event type, the event time and the device's id must be there and well formed.
 */
public record JamfWebhookEvent(long webhookId, String webhookName, Type type, Instant eventTime, String jssId, String serialNumber) {

    /** The device events that matter to the ban: each says the device's record in Jamf Pro may have changed. */
    public enum Type {
        MOBILE_DEVICE_CHECK_IN("MobileDeviceCheckIn", true),
        MOBILE_DEVICE_INVENTORY_COMPLETED("MobileDeviceInventoryCompleted", true),
        MOBILE_DEVICE_ENROLLED("MobileDeviceEnrolled", true),
        MOBILE_DEVICE_UNENROLLED("MobileDeviceUnEnrolled", true),
        COMPUTER_INVENTORY_COMPLETED("ComputerInventoryCompleted", false);

        private final String jamfName;
        private final boolean mobile;

        Type(String jamfName, boolean mobile) {
            this.jamfName = jamfName;
            this.mobile = mobile;
        }

        public String jamfName() {
            return jamfName;
        }

        /** A mobile device (iPhone, iPad) rather than a computer. */
        public boolean mobile() {
            return mobile;
        }

        static Optional<Type> of(String jamfName) {
            for (Type t : values()) if (t.jamfName.equals(jamfName)) return Optional.of(t);
            return Optional.empty();
        }
    }

    /** Why a body is not a webhook this system handles. */
    public static final class Refused extends Exception {
        private final String reason;

        Refused(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** {@code malformed} or {@code unknown-event}: the reason a refusal is counted under. */
        public String reason() {
            return reason;
        }
    }

    public static JamfWebhookEvent parse(String body) throws Refused {
        JsonNode root;
        try {
            root = Json.parse(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new Refused("malformed", "the body is not JSON (Jamf's webhook must be set to the JSON content type)");
        }
        if (root == null || !root.isObject() || !root.path("webhook").isObject() || !root.path("event").isObject()) {
            throw new Refused("malformed", "expected {\"webhook\": {...}, \"event\": {...}}");
        }
        JsonNode webhook = root.path("webhook");
        JsonNode event = root.path("event");
        String name = webhook.path("webhookEvent").isTextual() ? webhook.path("webhookEvent").asText() : null;
        if (name == null) throw new Refused("malformed", "webhook.webhookEvent: is required");
        Type type = Type.of(name).orElseThrow(() -> new Refused("unknown-event",
                "webhook.webhookEvent: '" + clip(name) + "' is not an event this system handles (MobileDeviceCheckIn, MobileDeviceInventoryCompleted, "
                        + "MobileDeviceEnrolled, MobileDeviceUnEnrolled, ComputerInventoryCompleted)"));
        JsonNode ts = webhook.path("eventTimestamp");
        if (!ts.canConvertToLong() || !ts.isIntegralNumber() || ts.asLong() <= 0) throw new Refused("malformed", "webhook.eventTimestamp: must be epoch milliseconds");
        JsonNode jss = event.path("jssID");
        if (!jss.isIntegralNumber() || jss.asLong() <= 0) throw new Refused("malformed", "event.jssID: must be the device's Jamf Pro id (a positive integer)");
        String serial = event.path("serialNumber").isTextual() ? event.path("serialNumber").asText() : null;
        return new JamfWebhookEvent(webhook.path("id").asLong(0), webhook.path("name").asText(null), type,
                Instant.ofEpochMilli(ts.asLong()), Long.toString(jss.asLong()), serial);
    }

    /**
     * The event's identity: Jamf sends no delivery id, so the same webhook, event type, time and device make the same
     * event (a retry or a replay of it).
     */
    public String key() {
        String s = webhookId + "|" + type.jamfName + "|" + eventTime.toEpochMilli() + "|" + jssId;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String clip(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9_.-]", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
