package org.appban.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.MacAddress;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.LedgerEntry;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryLedger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jamf Pro's device webhooks as Jamf sends them (payloads from Jamf's developer documentation, "Webhooks"): each
 * device event re-evaluates its device as the hourly sync does; anything not authentic, not understood, not fresh,
 * not about a known device or seen before is refused, counted and recorded, and acts on nothing.
 */
class JamfWebhookTest {
    private static final Instant NOW = Instant.parse("2023-04-10T00:05:00Z");
    private static final String SECRET = "a-long-random-webhook-secret-0123456789";
    private static final Map<String, String> HEADER = Map.of("X-Appban-Jamf", SECRET);

    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final InMemoryClaims claims = new InMemoryClaims();
    private final List<String> refreshed = new ArrayList<>();
    private final List<String> metrics = new ArrayList<>();
    private final DeviceRefresh refresh = (mdm, id, actor) -> {
        refreshed.add(mdm.wireName() + ":" + id);
        return id.equals("404") || id.equals("computer-404") ? Optional.empty() : Optional.of("{app-disappeared=1}");
    };

    JamfWebhookTest() {
        devices.save(new Device("jamf:7", "m30", Ownership.CORPORATE, Platform.IOS, "iPhone 13", false, MdmKind.JAMF, "7",
                MacAddress.parse("02:AB:00:00:00:1D"), AppPresence.PRESENT, ComplianceState.UNKNOWN, NOW.minus(Duration.ofHours(8)), false));
    }

    private JamfWebhook receiver(JamfWebhookAuth auth) {
        return new JamfWebhook(() -> auth, claims, devices, ledger, refresh, metrics::add, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private final JamfWebhook webhook = receiver(JamfWebhookAuth.header("X-Appban-Jamf", SECRET));

    /** A payload in Jamf's shape for a mobile device event. */
    static String mobile(String event, long jssId, Instant at) {
        return """
                {"event": {"bluetoothMacAddress": "", "deviceName": "Anaru's iPhone", "icciID": "", "imei": "", "ipAddress": "10.0.0.7",
                  "jssID": %d, "managementId": "0a1b2c3d-0000-4000-8000-000000000007", "model": "iPhone 13", "modelDisplay": "iPhone 13",
                  "osBuild": "20D67", "osVersion": "16.3.1", "product": null, "room": "", "serialNumber": "F2LXX0000007",
                  "udid": "00008110-000000000007", "userDirectoryID": "-1", "username": "anaru.poutama@parliament.govt.nz",
                  "version": "16.3.1", "wifiMacAddress": "02:AB:00:00:00:1D"},
                 "webhook": {"eventTimestamp": %d, "id": 3, "name": "appban %s", "webhookEvent": "%s"}}
                """.formatted(jssId, at.toEpochMilli(), event, event);
    }

    static String computer(long jssId, Instant at) {
        return """
                {"event": {"alternateMacAddress": "", "building": "", "department": "", "deviceName": "MacBook", "emailAddress": "x@example.org",
                  "ipAddress": "10.0.0.9", "jssID": %d, "macAddress": "60:03:08:A3:64:9D", "model": "MacBook Pro", "osBuild": "22D68",
                  "osVersion": "13.2.1", "phone": "", "position": "", "realName": "", "reportedIpAddress": "", "room": "",
                  "serialNumber": "C02M23PJFH50", "udid": "EBBFF74D-C6B7-5599-93A9-19E8BDDEFE32", "userDirectoryID": "-1", "username": "x"},
                 "webhook": {"eventTimestamp": %d, "id": 5, "name": "appban computers", "webhookEvent": "ComputerInventoryCompleted"}}
                """.formatted(jssId, at.toEpochMilli());
    }

    private List<LedgerEntry> refusals() {
        return ledger.chains().stream().flatMap(c -> ledger.chain(c).stream()).filter(e -> e.record().action().equals("jamf-webhook.refused")).toList();
    }

    @Nested
    class EachDeviceEventReEvaluatesItsDevice {
        @ParameterizedTest
        @ValueSource(strings = {"MobileDeviceCheckIn", "MobileDeviceInventoryCompleted", "MobileDeviceEnrolled", "MobileDeviceUnEnrolled"})
        void asTheHourlySyncDoes(String event) {
            JamfWebhook.Answer a = webhook.receive(HEADER, mobile(event, 7, NOW.minusSeconds(2)), "run-1");
            assertEquals(200, a.status(), a.body().toString());
            assertEquals(List.of("jamf:7"), refreshed);
            assertEquals(event, a.body().get("event"));
            assertTrue(refusals().isEmpty());
        }

        @Test
        void aNewEnrolmentOfADeviceTheInventoryDoesNotHaveYetIsReadFromJamf() {
            JamfWebhook.Answer a = webhook.receive(HEADER, mobile("MobileDeviceEnrolled", 12, NOW), "run-1");
            assertEquals(200, a.status(), a.body().toString());
            assertEquals(List.of("jamf:12"), refreshed, "how a device becomes known: the refresh adds it");
        }

        @Test
        void anEnrolmentJamfItselfDoesNotHaveIsRefused() {
            JamfWebhook.Answer a = webhook.receive(HEADER, mobile("MobileDeviceEnrolled", 404, NOW), "run-1");
            assertEquals(404, a.status());
            assertEquals(Map.of("unknown-device", 1), webhook.refused());
        }

        @Test
        void aComputerInventoryReEvaluatesThatComputerNeverTheMobileDeviceWithTheSameNumber() {
            devices.save(new Device("jamf:computer-7", "m30", Ownership.CORPORATE, Platform.MACOS, "MacBook Pro", false, MdmKind.JAMF, "computer-7",
                    MacAddress.parse("60:03:08:A3:64:9D"), AppPresence.PRESENT, ComplianceState.UNKNOWN, NOW.minus(Duration.ofHours(8)), false));
            JamfWebhook.Answer a = webhook.receive(HEADER, computer(7, NOW), "run-1");
            assertEquals(200, a.status(), a.body().toString());
            assertEquals(List.of("jamf:computer-7"), refreshed, "Jamf's computer 7, not its mobile device 7");
            assertEquals("jamf:computer-7", a.body().get("device"));
            assertTrue(refusals().isEmpty());
        }

        @Test
        void aComputerTheInventoryDoesNotHaveIsRefusedEvenWhenAMobileDeviceHasItsNumber() {
            JamfWebhook.Answer a = webhook.receive(HEADER, computer(7, NOW), "run-1");
            assertEquals(404, a.status(), "jssID 7 is a mobile device's id too: never mixed up");
            assertEquals("unknown-device", a.body().get("reason"));
            assertTrue(refreshed.isEmpty());
        }

        @Test
        void aComputerJamfNoLongerHasIsRefusedAfterTheRefreshFindsItGone() {
            devices.save(new Device("jamf:computer-404", "m30", Ownership.CORPORATE, Platform.MACOS, "iMac", false, MdmKind.JAMF, "computer-404",
                    null, AppPresence.ABSENT, ComplianceState.UNKNOWN, NOW.minus(Duration.ofHours(8)), false));
            JamfWebhook.Answer a = webhook.receive(HEADER, computer(404, NOW), "run-1");
            assertEquals(404, a.status(), a.body().toString());
            assertTrue(a.body().get("detail").toString().contains("no computer 404"), a.body().toString());
        }
    }

    @Nested
    class AuthenticatedAsJamfProOffers {
        @Test
        void basicAuthentication() {
            JamfWebhook basic = receiver(JamfWebhookAuth.basic("jamf", SECRET));
            String good = "Basic " + Base64.getEncoder().encodeToString(("jamf:" + SECRET).getBytes(StandardCharsets.UTF_8));
            assertEquals(200, basic.receive(Map.of("authorization", good), mobile("MobileDeviceCheckIn", 7, NOW), "r").status(),
                    "header names in any case");
            String wrong = "Basic " + Base64.getEncoder().encodeToString(("jamf:" + SECRET + "x").getBytes(StandardCharsets.UTF_8));
            assertEquals(401, basic.receive(Map.of("Authorization", wrong), mobile("MobileDeviceCheckIn", 7, NOW.plusSeconds(1)), "r").status());
            assertEquals(401, basic.receive(Map.of("Authorization", "Basic !!!"), mobile("MobileDeviceCheckIn", 7, NOW.plusSeconds(2)), "r").status());
            assertEquals(401, basic.receive(HEADER, mobile("MobileDeviceCheckIn", 7, NOW.plusSeconds(3)), "r").status(), "the other mode's header is not enough");
        }

        @Test
        void headerAuthentication() {
            assertEquals(200, webhook.receive(Map.of("x-appban-jamf", SECRET), mobile("MobileDeviceCheckIn", 7, NOW), "r").status());
            assertEquals(401, webhook.receive(Map.of("X-Appban-Jamf", SECRET.substring(1)), mobile("MobileDeviceCheckIn", 7, NOW.plusSeconds(1)), "r").status());
            assertEquals(401, webhook.receive(Map.of(), mobile("MobileDeviceCheckIn", 7, NOW.plusSeconds(2)), "r").status());
        }

        @Test
        void aWeakSecretIsRefusedWhenConfigured() {
            assertThrows(IllegalArgumentException.class, () -> JamfWebhookAuth.header("X-Appban-Jamf", "short"));
            assertThrows(IllegalArgumentException.class, () -> JamfWebhookAuth.basic("jamf", "short"));
            assertThrows(IllegalArgumentException.class, () -> JamfWebhookAuth.of(Map.of("kind", "hmac")));
            assertEquals("header x-appban-jamf", JamfWebhookAuth.of(Map.of("kind", "header", "name", "X-Appban-Jamf", "value", SECRET)).describe());
        }
    }

    /** Bad input: refused, counted, recorded, nothing acted on. */
    @Nested
    class Refused {
        @Test
        void aWrongSecret() {
            JamfWebhook.Answer a = webhook.receive(Map.of("X-Appban-Jamf", "guess-guess-guess-guess-guess"), mobile("MobileDeviceCheckIn", 7, NOW), "r");
            assertRefused(a, 401, "auth");
        }

        @Test
        void anUnknownEvent() {
            assertRefused(webhook.receive(HEADER, mobile("MobileDeviceCommandCompleted", 7, NOW), "r"), 400, "unknown-event");
            assertRefused(webhook.receive(HEADER, "{\"webhook\": {}, \"event\": {}}", "r"), 400, "malformed");
            assertRefused(webhook.receive(HEADER, "<JSSEvent/>", "r"), 400, "malformed");
        }

        @Test
        void aDeviceTheSystemDoesNotKnow() {
            assertRefused(webhook.receive(HEADER, mobile("MobileDeviceCheckIn", 99, NOW), "r"), 404, "unknown-device");
        }

        @Test
        void anEventOlderThanTheReplayWindowOrFromTheFuture() {
            assertRefused(webhook.receive(HEADER, mobile("MobileDeviceCheckIn", 7, NOW.minus(JamfWebhook.WINDOW).minusSeconds(1)), "r"), 409, "stale");
            assertEquals(200, webhook.receive(HEADER, mobile("MobileDeviceCheckIn", 7, NOW.minus(JamfWebhook.WINDOW)), "r").status(), "the window's edge is in");
            refreshed.clear();
            assertRefused(webhook.receive(HEADER, mobile("MobileDeviceCheckIn", 7, NOW.plus(JamfWebhook.WINDOW).plusSeconds(1)), "r"), 409, "stale");
        }

        @Test
        void theSameEventTwice() {
            String body = mobile("MobileDeviceInventoryCompleted", 7, NOW);
            assertEquals(200, webhook.receive(HEADER, body, "r1").status());
            refreshed.clear();
            assertRefused(webhook.receive(HEADER, body, "r2"), 409, "duplicate");
        }

        private void assertRefused(JamfWebhook.Answer a, int status, String reason) {
            assertEquals(status, a.status(), a.body().toString());
            assertEquals(reason, a.body().get("reason"));
            assertTrue(refreshed.isEmpty(), "nothing acted on");
            assertTrue(webhook.refused().getOrDefault(reason, 0) >= 1, "counted");
            assertTrue(metrics.stream().anyMatch(m -> m.contains("\"Reason\":\"" + reason + "\"") && m.contains(JamfWebhook.METRIC)), metrics.toString());
            assertTrue(refusals().stream().anyMatch(e -> e.record().details().get("reason").equals(reason)), "recorded");
            assertFalse(refusals().stream().anyMatch(e -> e.record().details().toString().contains(SECRET)), "never the secret");
        }
    }
}
