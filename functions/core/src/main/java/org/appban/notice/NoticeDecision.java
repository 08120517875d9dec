package org.appban.notice;

import java.util.List;

/**
 * What the decision found for one member: the notices due (at most one scheduled stage), or why there is none.
 *
 * @param reason a short wire word when nothing is due: {@code inactive}, {@code mail-blocked}, {@code not-yet},
 *               {@code nothing-to-do}, {@code already-sent}, {@code not-applicable}; null when something is due
 */
public record NoticeDecision(List<DueNotice> due, String reason) {
    public NoticeDecision {
        due = List.copyOf(due);
    }

    public static NoticeDecision of(DueNotice notice) {
        return new NoticeDecision(List.of(notice), null);
    }

    public static NoticeDecision none(String reason) {
        return new NoticeDecision(List.of(), reason);
    }

    public boolean isEmpty() {
        return due.isEmpty();
    }
}
