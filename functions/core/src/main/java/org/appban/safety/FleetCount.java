package org.appban.safety;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;

/**
 * The fleet's size as a complete inventory listing counted it: the denominator of the blast-radius cap's share for a
 * run that does not read the fleet (network access over the devices an event names). The daily round counts the
 * fleet itself in its survey; an event run reads this figure instead of Scanning the devices table.
 *
 * <p>Kept in the fleet's ledger chain, one entry a UTC day under {@link #key}: the first complete listing of the day
 * (the hourly round that listed every source without a failure, or a manual whole sync) appends it, later ones find
 * the key used and write nothing. A snapshot rather than a running counter of devices added and gone, because a
 * snapshot cannot drift: a counter moved by the inventory's change entries counts an entry twice when a step dies
 * between its ledger entry and its device write and runs again in another hour (the entry's key names the hour), and
 * a ledger older than the counters starts them wrong; a count taken from a whole listing is right as of its time,
 * every day afresh. A reader looks up today's key, then yesterday's ({@link #keysAt}): two GetItems each, only when a
 * run would quarantine.
 *
 * <p>What it counts: every device the MDMs listed and every registry endpoint stored as a device. That is the fleet
 * the stored inventory holds, less the devices that vanished since their last listing and are not yet marked gone
 * (the stamps find those up to a day late): when taken, the count is no larger than the stored fleet, and a smaller
 * denominator makes the cap stricter, not looser. Over the day it lags what the inventory learns by at most a day, as
 * "gone" itself does.
 *
 * @param devices   devices the listing held
 * @param countedAt when the listing began (its round's start): the count is no newer than that
 */
public record FleetCount(long devices, Instant countedAt) {
    public static final String ACTION = "inventory.fleet-counted";
    /**
     * How old a count may be and still weigh a share. Two days: a reader finds today's count or yesterday's, so a
     * count this old means the inventory has completed no listing since the day before yesterday, and then neither the
     * fleet's size nor its devices' facts are known well enough to act past the cap without a person.
     */
    public static final Duration MAX_AGE = Duration.ofDays(2);

    public FleetCount {
        if (devices < 0) throw new IllegalArgumentException("a fleet of " + devices + " devices");
        java.util.Objects.requireNonNull(countedAt, "countedAt");
    }

    /** The idempotency key of the count of a UTC day. */
    public static String key(LocalDate day) {
        return "inventory/fleet-counted/" + day;
    }

    public String key() {
        return key(LocalDate.ofInstant(countedAt, ZoneOffset.UTC));
    }

    /** The keys a reader at {@code now} looks up, newest first: today's count (UTC), then yesterday's. */
    public static List<String> keysAt(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return List.of(key(today), key(today.minusDays(1)));
    }

    /** The fleet-chain entry that keeps this count. */
    public LedgerRecord record(Instant at, Actor actor) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("devices", Long.toString(devices));
        details.put("countedAt", countedAt.toString());
        return new LedgerRecord(at, actor, null, null, ACTION, "ok", false, key(), details);
    }

    /** The count an entry keeps; empty when the entry is not one or does not read as one (it is then as good as missing). */
    public static Optional<FleetCount> of(LedgerRecord r) {
        if (!ACTION.equals(r.action()) || r.dryRun()) return Optional.empty();
        try {
            return Optional.of(new FleetCount(Long.parseLong(r.details().get("devices")), Instant.parse(r.details().get("countedAt"))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Fit to weigh a share at {@code now}: at most {@link #MAX_AGE} old, and not from the future (a clock gone wrong). */
    public boolean usable(Instant now) {
        return !countedAt.isAfter(now.plus(Duration.ofMinutes(5))) && !countedAt.plus(MAX_AGE).isBefore(now);
    }
}
