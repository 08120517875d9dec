package org.appban.admin;

import java.time.Instant;
import java.util.Map;
import org.appban.domain.CampaignTally;

/**
 * A reconciliation of the campaign's counters with the ledger: what they hold, what the ledger says they must hold
 * ({@link CampaignTally#recount} of every chain), and the difference. Pure: the decision of whether to repair.
 *
 * <p>The counters are read before and after the ledger is: an entry and its count are one transaction, so when the
 * two reads agree no counted entry was written between them, and the recount saw exactly the entries the counters
 * had counted. When they differ, the campaign was moving: the drift is reported as {@code moving} and nothing is
 * corrected, since part of it may be entries the recount missed (run it again when the functions are quiet, or with
 * the kill switch engaged).
 *
 * @param result   {@code agrees}, {@code drifted} (reported, not corrected), {@code repaired}, or {@code moving}
 * @param drift    what must be added to the counters to make them the ledger's, by counter (empty when they agree)
 * @param stored   the counters before (null: none were kept)
 * @param entries  how many ledger entries the recount read
 */
public record TallyCheck(String result, Map<String, Long> drift, Map<String, Long> stored, Map<String, Long> recounted,
                         long entries, int chains, Instant at) {
    public static final String AGREES = "agrees";
    public static final String DRIFTED = "drifted";
    public static final String REPAIRED = "repaired";
    public static final String MOVING = "moving";

    /**
     * @param before the counters read before the chains (empty tally when none are kept)
     * @param after  the counters read after the chains
     * @param repair whether the caller asked for the drift to be corrected
     * @return the check; {@link #correction()} is what to apply (nothing when it is not to be applied)
     */
    public static TallyCheck decide(CampaignTally before, CampaignTally recounted, CampaignTally after, boolean repair,
                                    long entries, int chains, Instant at) {
        Map<String, Long> drift = before.driftFrom(recounted);
        String result;
        if (!before.counters().equals(after.counters())) result = MOVING;
        else if (drift.isEmpty()) result = AGREES;
        else result = repair ? REPAIRED : DRIFTED;
        return new TallyCheck(result, drift, before.counters(), recounted.counters(), entries, chains, at);
    }

    /** Whether the counters are to be corrected (and stamped as checked): they agree, or a repair was asked and is safe. */
    public boolean applies() {
        return result.equals(AGREES) || result.equals(REPAIRED);
    }

    /**
     * What to add to the counters when {@link #applies()}: the drift, or nothing when they agree. Each counter's
     * drift is also added to {@code repaired.<counter>} ({@link CampaignTally#REPAIRED}), so that the digest, which
     * reads what changed as the difference of two readings of the counters, does not take a repair for a day's work.
     */
    public Map<String, Long> correction() {
        if (!applies()) return Map.of();
        Map<String, Long> out = new java.util.TreeMap<>(drift);
        drift.forEach((k, v) -> out.put(CampaignTally.REPAIRED + k, v));
        return out;
    }
}
