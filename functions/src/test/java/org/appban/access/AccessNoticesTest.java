package org.appban.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.appban.notice.NoticeRequest;
import org.appban.policy.StageKind;
import org.junit.jupiter.api.Test;

/** What this function asks of the notify function is a notice request the notify function accepts. */
class AccessNoticesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theRevokedAndRestoredRequestsParseAsNoticeRequests() throws Exception {
        Instant at = Instant.parse("2023-04-06T19:30:00Z");
        String occasion = AccessNotices.occasion("nac/quarantine/intune:abf3e7c9-c23b-3242-9dbc-ee2037af4362/1");
        NoticeRequest revoked = NoticeRequest.parse(JSON.readTree(EventBridgeAccessNotices.detail(JSON, "access-revoked", "m18",
                "intune:abf3e7c9-c23b-3242-9dbc-ee2037af4362", at, occasion)), "test");
        assertEquals(StageKind.ACCESS_REVOKED, revoked.kind());
        assertEquals("intune:abf3e7c9-c23b-3242-9dbc-ee2037af4362", revoked.device());
        assertEquals(occasion, revoked.occasion());
        NoticeRequest restored = NoticeRequest.parse(JSON.readTree(EventBridgeAccessNotices.detail(JSON, "access-restored", "m18", "d1", at,
                AccessNotices.occasion("nac/release/d1/1"))), "test");
        assertEquals(StageKind.ACCESS_RESTORED, restored.kind());
    }

    @Test
    void aKeyOutsideTheOccasionsCharacterSetBecomesADigestOccasion() {
        String occasion = AccessNotices.occasion("nac/quarantine/device with spaces é/1");
        assertTrue(occasion.matches("^nac:[0-9a-f]{40}$"), occasion);
        assertEquals(occasion, AccessNotices.occasion("nac/quarantine/device with spaces é/1"), "the same key, the same occasion");
    }
}
