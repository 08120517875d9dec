package org.appban.admin;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.CampaignTally;

/**
 * What the {@code status} request answers from the campaign's counters ({@link CampaignTally}), read as a few items
 * whatever the campaign's size: the notices sent (by stage and kind), removals, quarantines and releases (and so
 * the devices off the network now), escalations, and exemption decisions. Pure.
 *
 * <p>{@code state} says how far to trust them: {@code checked} (a reconciliation found them equal to the ledger at
 * {@code checkedAt}, and every append since moved them with its entry), {@code unchecked} (kept since this stack
 * began counting and never reconciled: a ledger older than its counters shows less than happened until
 * {@code tally.check} repairs them), or {@code missing} (nothing counted yet, no figures, and the note says why).
 * The roster's and the inventory's sizes and the devices by state are not counted here: the full report
 * ({@code status} with {@code export}) reads them.
 */
public record CountedStatus(String state, Instant checkedAt, String note, Counted counted) {
    public static final String CHECKED = "checked";
    public static final String UNCHECKED = "unchecked";
    public static final String MISSING = "missing";

    /** @param exemptions decisions recorded, by state: requested, granted, refused, revoked */
    public record Counted(long noticesSent, Map<String, Long> noticesByStage, Map<String, Long> noticesByKind, long removed,
                          long quarantined, long restored, long offNetwork, long escalated, Map<String, Long> exemptions) {
    }

    public static CountedStatus of(Optional<CampaignTally> kept) {
        if (kept.isEmpty()) {
            return new CountedStatus(MISSING, null, "no campaign counters on this stack yet: nothing counted has happened (no notice, "
                    + "quarantine, removal, escalation or exemption), or its ledger is older than its counters; tally.check "
                    + "with repair counts them from the ledger, and status with export reads the whole campaign", null);
        }
        CampaignTally t = kept.get();
        Counted counted = new Counted(t.get(CampaignTally.NOTICES), t.under(CampaignTally.NOTICES_BY_STAGE),
                t.under(CampaignTally.NOTICES_BY_KIND), t.get(CampaignTally.REMOVED), t.get(CampaignTally.QUARANTINED),
                t.get(CampaignTally.RESTORED), t.offNetwork(), t.get(CampaignTally.ESCALATED), t.under(CampaignTally.EXEMPTIONS));
        if (t.checkedAt() == null) {
            return new CountedStatus(UNCHECKED, null, "counted as the ledger appended since this stack began keeping counters, never "
                    + "reconciled: on a ledger older than its counters these show less than happened until tally.check repairs them", counted);
        }
        return new CountedStatus(CHECKED, t.checkedAt(), "reconciled with the ledger at " + t.checkedAt()
                + ", and moved by every append since", counted);
    }
}
