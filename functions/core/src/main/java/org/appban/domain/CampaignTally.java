package org.appban.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The campaign's running totals, kept by the ledger beside its entries so that the status request and the
 * administrators' digest read a few items instead of every member's chain.
 *
 * <p>Each counter counts ledger entries of one kind ({@link #effects}): what an entry moves is a pure function of
 * the entry, and a ledger moves the counters in the same atomic write that records the entry and reserves its
 * idempotency key. An append that finds its key already used writes nothing and moves nothing, so a retried
 * invocation, a redelivered message, a duplicate event or two containers racing on the same key count once. The
 * same function folded over every chain ({@link #recount}) gives what the counters must hold: the reconciliation
 * ({@code tally.check}) compares the two and reports (and on request corrects) the drift.
 *
 * <p>Counter names carry kinds and policy stage ids only: no member, device or address, since the counters outlive
 * any roster. Only entries that did something count: dry runs never do.
 *
 * @param counters  by name; a counter never moved is absent (reads as 0)
 * @param checkedAt when a reconciliation last found the counters equal to the ledger (or set them so), or null
 *                  when none has yet: the counters then hold only what was appended since they began to be kept
 */
public record CampaignTally(Map<String, Long> counters, Instant checkedAt) {
    public static final String NOTICES = "notices";
    public static final String NOTICES_BY_STAGE = "notices.stage.";
    public static final String NOTICES_BY_KIND = "notices.kind.";
    public static final String REMOVED = "removed";
    public static final String QUARANTINED = "quarantined";
    public static final String RESTORED = "restored";
    public static final String ESCALATED = "escalated";
    public static final String EXEMPTIONS = "exemptions.";
    /** The exemption decisions counted, as {@code exemptions.<state>} from the {@code exemption.<state>} entries. */
    public static final List<String> EXEMPTION_STATES = List.of("requested", "granted", "refused", "revoked");
    /**
     * Granted exemptions that ran to their end: the sweep's one {@code exemption.notice-requested} of kind
     * {@code exemption-expired} for each (asked for once per exemption, whatever the policy sends). With granted and
     * revoked it gives the exemptions in force ({@link #exemptionsActive}), up to the sweep's day.
     */
    public static final String EXEMPTIONS_EXPIRED = "exemptions.expired";
    /**
     * Devices carrying the app now, by ownership ({@code carrying.corporate}, {@code carrying.private}): each
     * {@code inventory.*} entry moves its device's ownership by what it changed (carrying after less carrying
     * before: the app present, or non-compliant with the restricted-app rule; a device gone carries nothing). An
     * entry without the ownership its device had (written before inventory entries named it) moves nothing.
     */
    public static final String CARRYING = "carrying.";
    /**
     * What a {@code tally.check} repair added to a counter, kept beside it ({@code repaired.<counter>}) so that the
     * digest's "what changed" between two readings leaves out a correction, which is not something that happened.
     * Never recounted: the ledger has no entry for it.
     */
    public static final String REPAIRED = "repaired.";
    /**
     * How many items the counters are spread over: a counter moved by every append of a busy day would otherwise be
     * one hot item that every concurrent appender's transaction conflicts on (DynamoDB cancels a transaction that
     * meets another on an item, and the append tries again). An entry's chain picks its shard, so one member's
     * appends (which already queue on their chain's tail) share one. At a few hundred counted appends a second
     * (notices fanned out at a production SES rate) this leaves each shard a handful a second; a read sums them all
     * in one BatchGetItem. Raising it later is safe (a read covers every shard); lowering it would hide counts.
     */
    public static final int SHARDS = 32;

    public CampaignTally {
        counters = java.util.Collections.unmodifiableMap(new TreeMap<>(counters));
    }

    public static CampaignTally empty() {
        return new CampaignTally(Map.of(), null);
    }

    /**
     * The counters one entry moves, each by 1 (an empty map for most entries: only the kinds the status and digest
     * count move anything). Outcomes follow what the status page and digest have always counted: a quarantine,
     * release or escalation counts when it was done ({@code ok}), not when it failed or was already so.
     */
    public static Map<String, Long> effects(LedgerRecord r) {
        if (r.dryRun()) return Map.of();
        Map<String, Long> moved = new LinkedHashMap<>();
        boolean ok = "ok".equals(r.outcome());
        String action = r.action();
        switch (action) {
            case "notice.sent" -> {
                moved.put(NOTICES, 1L);
                moved.put(NOTICES_BY_STAGE + r.details().getOrDefault("stage", "?"), 1L);
                moved.put(NOTICES_BY_KIND + r.details().getOrDefault("kind", "other"), 1L);
            }
            case "inventory.app-disappeared" -> moved.put(REMOVED, 1L);
            case "nac.quarantined" -> {
                if (ok) moved.put(QUARANTINED, 1L);
            }
            case "nac.released" -> {
                if (ok) moved.put(RESTORED, 1L);
            }
            case "enforce.escalated" -> {
                if (ok) moved.put(ESCALATED, 1L);
            }
            case "exemption.notice-requested" -> {
                if ("exemption-expired".equals(r.details().get("kind"))) moved.put(EXEMPTIONS_EXPIRED, 1L);
            }
            default -> {
                if (action.startsWith("exemption.") && EXEMPTION_STATES.contains(action.substring("exemption.".length()))) {
                    moved.put(EXEMPTIONS + action.substring("exemption.".length()), 1L);
                }
            }
        }
        if (action.startsWith("inventory.") && r.device() != null) moved.putAll(carrying(r));
        return moved;
    }

    /** An inventory entry's move of its device's ownership's carrying counter: +1, -1, or nothing. */
    private static Map<String, Long> carrying(LedgerRecord r) {
        String ownership = r.details().get("ownership");
        if (ownership == null || ownership.isBlank()) return Map.of();
        boolean before = carries(r.details().get("before"));
        boolean after = !r.action().equals("inventory.device-gone") && carries(r.details().get("after"));
        if (before == after) return Map.of();
        return Map.of(CARRYING + ownership.toLowerCase(java.util.Locale.ROOT), after ? 1L : -1L);
    }

    /** {@code PRESENT/COMPLIANT} as inventory entries write a state: the app present, or the device non-compliant. */
    public static boolean carries(String state) {
        if (state == null) return false;
        int slash = state.indexOf('/');
        String presence = slash < 0 ? state : state.substring(0, slash);
        String compliance = slash < 0 ? "" : state.substring(slash + 1);
        return presence.equals("PRESENT") || compliance.equals("NONCOMPLIANT");
    }

    /** What the counters must hold for these entries (every chain of the ledger, together): the reconciliation's side. */
    public static CampaignTally recount(Collection<LedgerEntry> entries) {
        Map<String, Long> counters = new TreeMap<>();
        for (LedgerEntry e : entries) effects(e.record()).forEach((k, v) -> counters.merge(k, v, Long::sum));
        return new CampaignTally(counters, null);
    }

    /** The shard an entry of this chain counts in, {@code 0 .. SHARDS-1}; stable across JVMs (String.hashCode is specified). */
    public static int shard(String chain) {
        return Math.floorMod(chain.hashCode(), SHARDS);
    }

    public long get(String counter) {
        return counters.getOrDefault(counter, 0L);
    }

    /** Devices carrying the app now with this ownership ({@code corporate}, {@code private}). */
    public long carrying(String ownership) {
        return Math.max(0, get(CARRYING + ownership.toLowerCase(java.util.Locale.ROOT)));
    }

    /** Exemptions in force: granted, less revoked, less run to their end (as the sweep finds them, daily). */
    public long exemptionsActive() {
        return Math.max(0, get(EXEMPTIONS + "granted") - get(EXEMPTIONS + "revoked") - get(EXEMPTIONS_EXPIRED));
    }

    /** Devices off the network now: quarantines done less releases done. */
    public long offNetwork() {
        return Math.max(0, get(QUARANTINED) - get(RESTORED));
    }

    /** The counters under a prefix, by the rest of their name ({@code notices.stage.} gives stage to count). */
    public Map<String, Long> under(String prefix) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> {
            if (k.startsWith(prefix) && v != 0) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }

    /** This tally plus a delta (another shard's counters, or a correction). */
    public CampaignTally plus(Map<String, Long> delta) {
        Map<String, Long> sum = new TreeMap<>(counters);
        delta.forEach((k, v) -> sum.merge(k, v, Long::sum));
        sum.values().removeIf(v -> v == 0);
        return new CampaignTally(sum, checkedAt);
    }

    public CampaignTally checkedAt(Instant at) {
        return new CampaignTally(counters, at);
    }

    /**
     * What must be added to these counters to make them {@code truth}'s: empty when they agree. Positive where the
     * counters missed entries (appended before they were kept), negative where they counted more than the ledger holds.
     */
    public Map<String, Long> driftFrom(CampaignTally truth) {
        Map<String, Long> drift = new TreeMap<>();
        truth.counters.forEach((k, v) -> {
            long d = v - get(k);
            if (d != 0) drift.put(k, d);
        });
        counters.forEach((k, v) -> {
            if (!truth.counters.containsKey(k) && v != 0 && !k.startsWith(REPAIRED)) drift.put(k, -v);
        });
        return drift;
    }

    /**
     * How much each counter grew since {@code earlier} (the tally a previous digest recorded): its window's changes,
     * less what a {@code tally.check} repair added in the window ({@link #REPAIRED}), which happened before.
     */
    public Map<String, Long> since(Map<String, Long> earlier) {
        Map<String, Long> grown = new TreeMap<>();
        counters.forEach((k, v) -> {
            if (k.startsWith(REPAIRED)) return;
            long repaired = get(REPAIRED + k) - earlier.getOrDefault(REPAIRED + k, 0L);
            long d = v - earlier.getOrDefault(k, 0L) - repaired;
            if (d != 0) grown.put(k, d);
        });
        earlier.forEach((k, v) -> {
            if (k.startsWith(REPAIRED) || counters.containsKey(k)) return;
            long d = -v - (get(REPAIRED + k) - earlier.getOrDefault(REPAIRED + k, 0L));
            if (d != 0) grown.put(k, d);
        });
        return grown;
    }
}
