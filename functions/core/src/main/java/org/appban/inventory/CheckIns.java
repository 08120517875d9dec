package org.appban.inventory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.MdmKind;

/**
 * When a device's check-in time ({@code lastSeen}, the MDM's last report) is worth a write. Devices check in every
 * few hours, so writing each new check-in time rewrote about a fifth of the fleet every hour (some five write units a
 * device a day) for nothing but the time. Where nothing compares the time closely, it is stored only when it has
 * moved by {@link #PRECISION} or more, or when the device is written anyway (a change, or its daily stamp): the stored
 * time is then at most {@link #PRECISION} behind the latest check-in, and never ahead of it.
 *
 * <p>Who reads {@code lastSeen}, and why a coarser value is right for each (README, "Scale and cost"):
 * <ul>
 *   <li>network access's rules date the MDM's word by it, and "the latest word wins" weighs it against a member's
 *       attestation and the app's sightings in DNS or firewall logs. Those speak about private devices only; a
 *       corporate device whose MDM reports its apps is judged on the app list alone, whose date is weighed against
 *       nothing. A private device enrolled in an MDM (its word: compliance), and a corporate one whose apps the MDM
 *       does not report (its word: compliance too), keep the exact time ({@link #exact}): a coarser one there could
 *       let an older sighting outweigh a newer compliant report, or an attestation a newer non-compliant one;</li>
 *   <li>the signed MDM webhook ignores an event older than the stored report: for a device whose time may be behind,
 *       it asks {@link #latestPossible} instead, so an event that may be older than a report the store did not keep
 *       is left to the hourly sync, which reads the MDM's own state. Such an event only reports compliance, which
 *       does not decide these devices;</li>
 *   <li>the status page, the digest and enforcement's escalation show it ("seen ..."): a day's precision serves them.</li>
 * </ul>
 * Pure.
 */
public final class CheckIns {
    /** How far behind the latest check-in a stored time may be, where it may be behind at all. */
    public static final Duration PRECISION = Duration.ofDays(1);

    private CheckIns() {
    }

    /**
     * Whether this device's check-in time is weighed against another word about it, so that every check-in is kept:
     * every device but a corporate one whose MDM reports its apps.
     */
    public static boolean exact(Device d) {
        return !(d.isCorporate() && d.mdm() != MdmKind.NONE && d.appPresence() != AppPresence.UNKNOWN);
    }

    /**
     * The device to store for a listing: {@code fresh}, except that where only its check-in time moved, and by less
     * than {@link #PRECISION}, on a device whose time is not weighed, the stored time is kept, so the device equals
     * the stored one and is not written for it.
     *
     * @param writtenAnyway the device is written whatever this says (its stamp is due): it then takes the fresh time
     */
    public static Device toStore(Optional<Device> stored, Device fresh, boolean writtenAnyway) {
        if (writtenAnyway || stored.isEmpty() || exact(fresh)) return fresh;
        Device before = stored.get();
        Instant was = before.lastSeen();
        Instant now = fresh.lastSeen();
        if (before.retired() || was == null || now == null || now.isBefore(was)) return fresh;
        if (Duration.between(was, now).compareTo(PRECISION) >= 0) return fresh;
        Device kept = fresh.withLastSeen(was);
        // Only the time may be kept back: anything else that moved makes this a write of the fresh device.
        return kept.equals(before) ? kept : fresh;
    }

    /**
     * The latest the device's last check-in can be, by what the store holds: its stored time where every check-in is
     * kept, else up to {@link #PRECISION} after it. Null when the store holds no time.
     */
    public static Instant latestPossible(Device stored) {
        if (stored.lastSeen() == null) return null;
        return exact(stored) ? stored.lastSeen() : stored.lastSeen().plus(PRECISION);
    }
}
