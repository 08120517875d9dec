package org.appban.access;

import java.time.Instant;
import org.appban.notice.NoticeRequest;
import org.appban.notice.NoticeRequests;
import org.appban.policy.StageKind;

/**
 * Asks for the event-driven notices of this function: {@code access-revoked} (with how to get back on the
 * network) and {@code access-restored}. The notify-members function renders and sends them; {@code occasion} makes
 * each notice once-only, so asking twice (a retry) sends one email. A minimal port of this package, carried by the
 * notify function's {@link NoticeRequests} ({@link #asRequests}): on AWS, NoticeRequested events on the bus.
 *
 * <p>An occasion is 1 to 200 characters from letters, digits and {@code ._:/#@+=-} (see {@link #occasion}).
 */
public interface AccessNotices {
    void revoked(String member, String device, Instant at, String occasion);

    void restored(String member, String device, Instant at, String occasion);

    static AccessNotices none() {
        return new AccessNotices() {
            @Override
            public void revoked(String member, String device, Instant at, String occasion) {
            }

            @Override
            public void restored(String member, String device, Instant at, String occasion) {
            }
        };
    }

    /** The notices as notice requests to the notify function. */
    static AccessNotices asRequests(NoticeRequests requests) {
        return new AccessNotices() {
            @Override
            public void revoked(String member, String device, Instant at, String occasion) {
                requests.request(new NoticeRequest(StageKind.ACCESS_REVOKED, member, device, null, at, occasion));
            }

            @Override
            public void restored(String member, String device, Instant at, String occasion) {
                requests.request(new NoticeRequest(StageKind.ACCESS_RESTORED, member, device, null, at, occasion));
            }
        };
    }

    /** An occasion built from a once-only key: the key itself when it fits the notice's character set, else a digest. */
    static String occasion(String key) {
        if (key.matches("^[A-Za-z0-9._:/#@+=-]{1,200}$")) return key;
        return "nac:" + Digests.sha256Hex(key).substring(0, 40);
    }
}
