package org.appban.notice;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The once-only keys of notices, used for the claim and for the ledger's idempotency keys.
 * <ul>
 *   <li>scheduled stage: {@code notice/<policyId>/<memberId>/<stageId>} (one per member per stage, ever);</li>
 *   <li>event-driven: {@code notice/<policyId>/<memberId>/<stageId>/<occasion>};</li>
 *   <li>forced resend: {@code notice/<policyId>/<memberId>/<stageId>/resend/<requestId>}.</li>
 * </ul>
 * Member ids and occasions are percent-encoded, so a '/' in one cannot make two keys collide.
 */
public final class NoticeKey {
    private NoticeKey() {
    }

    public static String scheduled(String policyId, String memberId, String stageId) {
        return "notice/" + policyId + "/" + enc(memberId) + "/" + stageId;
    }

    public static String event(String policyId, String memberId, String stageId, String occasion) {
        return scheduled(policyId, memberId, stageId) + "/" + enc(occasion);
    }

    public static String resend(String policyId, String memberId, String stageId, String requestId) {
        return scheduled(policyId, memberId, stageId) + "/resend/" + enc(requestId);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
