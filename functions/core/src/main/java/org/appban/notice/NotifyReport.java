package org.appban.notice;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a notify run did, member by member, for the handler to return and the rehearsal to record.
 *
 * @param preview     nothing was sent or recorded; the due notices are in {@link MemberResult#preview}
 * @param stoppedBy   why the run stopped before the end (an account-wide refusal), or null
 */
public record NotifyReport(Instant at, boolean preview, List<MemberResult> members, String stoppedBy) {
    public NotifyReport {
        members = List.copyOf(members);
    }

    /** How many members ended with each result, e.g. {@code sent=12, already-sent=3, skipped:inactive=1}. */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (MemberResult m : members) counts.merge(m.result(), 1, Integer::sum);
        return counts;
    }

    /**
     * @param result  a delivery status ({@code sent}, {@code already-sent}, {@code in-progress-elsewhere},
     *                {@code throttled}, {@code rejected}, {@code unknown}), {@code due} in a preview,
     *                {@code skipped:<reason>} when nothing was due, {@code invalid-address}, {@code error},
     *                {@code refused} (a request about a device or exemption that is not the member's),
     *                or {@code not-attempted} after the run stopped
     * @param stage   the stage due, or null
     * @param preview the composed notice (preview runs only), else null
     */
    public record MemberResult(String member, String stage, String kind, String result, String providerMessageId,
                               boolean takenOver, String detail, ComposedNotice preview) {
    }
}
