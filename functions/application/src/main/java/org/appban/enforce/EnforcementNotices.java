package org.appban.enforce;

import org.appban.notice.NoticeRequest;

/**
 * How enforcement asks for the member's {@code removal-escalated} notice. Minimal on purpose: the notify function
 * owns notices; wiring adapts this onto its request port ({@code notices = noticeRequests::request}).
 * Delivery may repeat; the request's occasion makes the email once-only.
 */
@FunctionalInterface
public interface EnforcementNotices {
    void removalEscalated(NoticeRequest request);
}
