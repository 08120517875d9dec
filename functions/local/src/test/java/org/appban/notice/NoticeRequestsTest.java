package org.appban.notice;

import static org.appban.notice.Fixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.appban.json.Json;
import org.appban.policy.StageKind;
import org.junit.jupiter.api.Test;

/** What a publisher writes is what notify-members reads. */
class NoticeRequestsTest {

    @Test
    void a_request_survives_its_trip_as_an_event_detail() throws Exception {
        for (NoticeRequest r : List.of(
                new NoticeRequest(StageKind.ACCESS_REVOKED, "m-1", "d-1", null, nz("2023-04-07T09:05"), "nac/quarantine/d-1"),
                new NoticeRequest(StageKind.EXEMPTION_EXPIRING, "m/2", null, "x-9", nz("2023-09-16T09:00"), "x-9/expiring"))) {
            assertEquals(r, NoticeRequestJson.parse(Json.parse(Json.write(NoticeRequestJson.detail(r))), "test"));
        }
    }

    @Test
    void the_in_memory_publisher_keeps_requests_in_order_for_the_rehearsal() {
        InMemoryNoticeRequests requests = new InMemoryNoticeRequests();
        NoticeRequest a = new NoticeRequest(StageKind.ACCESS_REVOKED, "m-1", "d-1", null, nz("2023-04-07T09:05"), "o-1");
        NoticeRequest b = new NoticeRequest(StageKind.ACCESS_RESTORED, "m-1", "d-1", null, nz("2023-04-07T11:05"), "o-2");
        requests.requestAll(List.of(a, b));
        assertEquals(List.of(a, b), requests.drain());
        assertEquals(List.of(), requests.requested());
    }
}
