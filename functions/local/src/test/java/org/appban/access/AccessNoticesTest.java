package org.appban.access;

import org.appban.notice.NoticeRequestJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.appban.json.Json;
import org.appban.alerts.AdminAlert;
import org.appban.notice.InMemoryNoticeRequests;
import org.appban.notice.NoticeRequest;
import org.appban.policy.StageKind;
import org.junit.jupiter.api.Test;

/** What this function asks of the notify function is a notice request the notify function accepts. */
class AccessNoticesTest {

    @Test
    void theRevokedAndRestoredNoticesAreNoticeRequestsThatSurviveTheBus() throws Exception {
        Instant at = Instant.parse("2023-04-06T19:30:00Z");
        InMemoryNoticeRequests requests = new InMemoryNoticeRequests();
        AccessNotices notices = AccessNotices.asRequests(requests);
        String device = "intune:abf3e7c9-c23b-3242-9dbc-ee2037af4362";
        notices.revoked("m18", device, at, AccessNotices.occasion("nac/quarantine/" + device + "/1"));
        notices.restored("m18", device, at.plusSeconds(60), AccessNotices.occasion("nac/release/" + device + "/1"));
        List<NoticeRequest> sent = requests.requested();
        assertEquals(StageKind.ACCESS_REVOKED, sent.get(0).kind());
        assertEquals(StageKind.ACCESS_RESTORED, sent.get(1).kind());
        NoticeRequest roundTrip = NoticeRequestJson.parse(Json.parse(Json.write(NoticeRequestJson.detail(sent.get(0)))), "test");
        assertEquals(sent.get(0), roundTrip);
        assertEquals("nac/quarantine/" + device + "/1", roundTrip.occasion());
    }

    @Test
    void aKeyOutsideTheOccasionsCharacterSetBecomesADigestOccasion() {
        String occasion = AccessNotices.occasion("nac/quarantine/device with spaces é/1");
        assertTrue(occasion.matches("^nac:[0-9a-f]{40}$"), occasion);
        assertEquals(occasion, AccessNotices.occasion("nac/quarantine/device with spaces é/1"), "the same key, the same occasion");
    }

    @Test
    void alertsGoToBothChannelsAndAFailingOneNeverFailsTheRun() {
        List<AdminAlert> topic = new ArrayList<>();
        AccessAlerts failing = (s, b, f) -> {
            throw new IllegalStateException("log closed");
        };
        AccessAlerts both = AccessAlerts.both(failing, AccessAlerts.to(topic::add));
        both.alert("A device cannot be identified", "d26 shares its MAC", Map.of("device", "d26"));
        assertEquals(List.of(new AdminAlert("A device cannot be identified", "d26 shares its MAC", Map.of("device", "d26"))), topic);
    }
}
