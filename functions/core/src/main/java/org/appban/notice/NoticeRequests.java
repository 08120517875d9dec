package org.appban.notice;

import java.util.List;

/**
 * How a function asks for an event-driven notice without knowing anything about mail: enforcement, network access
 * and the admin functions call this; the notify-members function renders and sends. On AWS the request travels
 * as an EventBridge event ({@link EventBridgeNoticeRequests}); in tests and the rehearsal it is a list
 * ({@link InMemoryNoticeRequests}) or a direct call of {@link NotifyMembers#request}.
 *
 * <p>Delivery is at least once; the request's {@code occasion} makes the notice once-only, so publishing the
 * same request again is safe (and the right thing to do when unsure whether it went out).
 */
@FunctionalInterface
public interface NoticeRequests {
    void request(NoticeRequest request);

    default void requestAll(List<NoticeRequest> requests) {
        requests.forEach(this::request);
    }
}
