package org.appban.exemption;

import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import org.appban.domain.Device;
import org.appban.domain.Exemption;

/**
 * Whether a device is shielded from the ban at an instant: the one question every function asks before it acts on
 * a device (removal, reinstall block, quarantine, reminder). Pure.
 *
 * <p>A device is protected when a <em>granted</em> exemption of its owner covers it (the whole member, or this
 * device by id) and has not expired ({@code now < expires}). Requested, refused and revoked exemptions protect
 * nothing; an expired one stops protecting at its expiry instant, with no run needed to "end" it. When several
 * exemptions cover a device, the one that lasts longest is reported, so the answer's expiry is when protection
 * really ends.
 */
public final class ExemptionCheck {
    private ExemptionCheck() {
    }

    /**
     * @param exempt      true when the device is protected now
     * @param exemptionId the protecting exemption (null when not exempt)
     * @param expires     when that protection ends (null when not exempt)
     */
    public record Protection(boolean exempt, String exemptionId, Instant expires) {
        public static final Protection NONE = new Protection(false, null, null);

        public Protection {
            if (exempt) {
                Objects.requireNonNull(exemptionId, "exemptionId");
                Objects.requireNonNull(expires, "expires");
            }
        }
    }

    public static Protection check(Collection<Exemption> exemptions, Device device, Instant now) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(now, "now");
        Exemption best = null;
        for (Exemption e : exemptions) {
            if (!e.protects(device, now)) continue;
            if (best == null || e.expires().isAfter(best.expires())
                    || (e.expires().equals(best.expires()) && e.id().compareTo(best.id()) < 0)) {
                best = e;
            }
        }
        return best == null ? Protection.NONE : new Protection(true, best.id(), best.expires());
    }

    public static boolean isExempt(Collection<Exemption> exemptions, Device device, Instant now) {
        return check(exemptions, device, now).exempt();
    }

    /**
     * When the device's protection ends for good, looking from {@code now}: following one covering exemption to its
     * expiry, then any other that covers it at that instant, and so on. Null when it is not protected at {@code now}.
     */
    public static Instant protectedUntil(Collection<Exemption> exemptions, Device device, Instant now) {
        Protection p = check(exemptions, device, now);
        if (!p.exempt()) return null;
        Instant until = p.expires();
        // Each step moves strictly forward to a later expiry, so this ends after at most exemptions.size() steps.
        for (Protection next = check(exemptions, device, until); next.exempt(); next = check(exemptions, device, until)) {
            until = next.expires();
        }
        return until;
    }
}
