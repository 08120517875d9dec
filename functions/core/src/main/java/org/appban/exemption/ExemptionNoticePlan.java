package org.appban.exemption;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.policy.BanPolicy;
import org.appban.policy.StageKind;

/**
 * Which exemption notices are due at an instant and not yet asked for. Pure: the caller says which were asked for
 * (by their {@link #key}), this decides.
 *
 * <ul>
 *   <li><b>granted</b>: for a granted exemption that has not expired, until asked for once (normally at the grant
 *       itself; the sweep catches up a grant whose notice request failed);</li>
 *   <li><b>expiring</b>: from {@code expiringNoticeDays} calendar days (policy zone) before the expiry until the
 *       expiry, once; not when the grant itself fell inside that window (the granted notice already gave the
 *       date), and never after the expiry (the member then gets the expired notice instead);</li>
 *   <li><b>expired</b>: from the expiry on, once; not for a revoked exemption (revoked early, it never expired).</li>
 * </ul>
 */
public final class ExemptionNoticePlan {
    private final int expiringNoticeDays;
    private final ZoneId zone;

    public ExemptionNoticePlan(BanPolicy policy) {
        this(policy.exemptions().expiringNoticeDays(), policy.zone());
    }

    public ExemptionNoticePlan(int expiringNoticeDays, ZoneId zone) {
        this.expiringNoticeDays = expiringNoticeDays;
        this.zone = zone;
    }

    /** A notice to ask for, and the moment it is about (granted at, expiring-window start, expired at). */
    public record Due(Exemption exemption, StageKind kind, Instant occurredAt) {
        public String key() {
            return ExemptionNoticePlan.key(exemption.id(), kind);
        }
    }

    /** The once-only key of an exemption notice, for the ledger. */
    public static String key(String exemptionId, StageKind kind) {
        return "exemption/" + exemptionId + "/notice/" + kind.wireName();
    }

    /** When the expiring notice becomes due: {@code expiringNoticeDays} local days before the expiry. */
    public Instant expiringFrom(Exemption e) {
        return e.expires().atZone(zone).minusDays(expiringNoticeDays).toInstant();
    }

    /** True when the exemption gets an expiring notice at all (its grant came before the notice window). */
    public boolean getsExpiringNotice(Exemption e) {
        return e.status() == ExemptionStatus.GRANTED && e.decidedAt() != null && e.decidedAt().isBefore(expiringFrom(e));
    }

    public List<Due> due(Collection<Exemption> exemptions, Instant now, Predicate<String> alreadyAsked) {
        List<Due> out = new ArrayList<>();
        for (Exemption e : exemptions) {
            if (e.status() != ExemptionStatus.GRANTED) continue;
            if (now.isBefore(e.expires())) {
                add(out, new Due(e, StageKind.EXEMPTION_GRANTED, e.decidedAt() == null ? now : e.decidedAt()), alreadyAsked);
                if (getsExpiringNotice(e) && !now.isBefore(expiringFrom(e))) {
                    add(out, new Due(e, StageKind.EXEMPTION_EXPIRING, expiringFrom(e)), alreadyAsked);
                }
            } else {
                add(out, new Due(e, StageKind.EXEMPTION_EXPIRED, e.expires()), alreadyAsked);
            }
        }
        out.sort(Comparator.comparing(Due::occurredAt).thenComparing(d -> d.exemption().id()));
        return out;
    }

    /**
     * When the exemption's next notice not yet asked for falls due, or empty when none is left: what the sweep
     * stores so that it reads an exemption again only then ({@link org.appban.ports.ExemptionStore#noticeDueAt}).
     * Up to the expiry, the earliest of the granted, expiring and expired notices not asked for; from the expiry on,
     * only the expired notice counts (the other two are never due after it).
     */
    public java.util.Optional<Instant> nextDue(Exemption e, Instant now, Predicate<String> alreadyAsked) {
        if (e.status() != ExemptionStatus.GRANTED) return java.util.Optional.empty();
        List<Instant> at = new ArrayList<>();
        if (!alreadyAsked.test(key(e.id(), StageKind.EXEMPTION_EXPIRED))) at.add(e.expires());
        if (now.isBefore(e.expires())) {
            if (!alreadyAsked.test(key(e.id(), StageKind.EXEMPTION_GRANTED))) at.add(e.decidedAt() == null ? now : e.decidedAt());
            if (getsExpiringNotice(e) && !alreadyAsked.test(key(e.id(), StageKind.EXEMPTION_EXPIRING))) at.add(expiringFrom(e));
        }
        return at.stream().min(Comparator.naturalOrder());
    }

    private static void add(List<Due> out, Due due, Predicate<String> alreadyAsked) {
        if (!alreadyAsked.test(due.key())) out.add(due);
    }
}
