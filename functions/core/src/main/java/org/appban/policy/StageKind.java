package org.appban.policy;

import java.util.Locale;

/**
 * The kinds of notice a campaign sends. The first four are sent on the policy's calendar; the others when
 * something happens to the member (access cut or restored, exemption decisions).
 */
public enum StageKind {
    ANNOUNCEMENT, REMINDER, DEADLINE, OVERDUE,
    ACCESS_REVOKED, ACCESS_RESTORED,
    EXEMPTION_GRANTED, EXEMPTION_EXPIRING, EXEMPTION_EXPIRED,
    REMOVAL_ESCALATED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isScheduled() {
        return this == ANNOUNCEMENT || this == REMINDER || this == DEADLINE || this == OVERDUE;
    }

    public static StageKind parse(String text) {
        for (StageKind k : values()) if (k.wireName().equals(text)) return k;
        throw new IllegalArgumentException("unknown stage kind '" + text + "'");
    }
}
