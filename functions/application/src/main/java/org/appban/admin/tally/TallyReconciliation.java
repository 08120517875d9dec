package org.appban.admin.tally;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.appban.admin.TallyCheck;
import org.appban.domain.LedgerEntry;
import org.appban.domain.CampaignTally;
import org.appban.ports.Ledger;

/**
 * Runs a {@link TallyCheck}: the counters, every chain of the ledger, the counters again; then, when the check
 * allows, the correction and the check's time. Reads the whole ledger (the chains listed from their heads' index,
 * then each chain by key): a manual path an administrator runs after an upgrade or to audit the counters, never a
 * daily one.
 *
 * <p>One gap the before-and-after reads cannot close: DynamoDB lists the chains from an index that may lag the table
 * by a moment, so a chain started in the second before the check may be missing from the recount and show as drift.
 * Its own appends are what moved the counters, so a repair is only safe when the campaign was quiet for longer than
 * that: the administrator's run after an upgrade, or with the kill switch engaged; a check without repair only reports.
 */
public final class TallyReconciliation {
    private final Ledger ledger;

    public TallyReconciliation(Ledger ledger) {
        this.ledger = ledger;
    }

    public TallyCheck run(Instant at, boolean repair) {
        CampaignTally before = ledger.tally().orElse(CampaignTally.empty());
        List<String> chains = ledger.chains();
        List<LedgerEntry> entries = new ArrayList<>();
        for (List<LedgerEntry> chain : ledger.chainsNamed(chains).values()) entries.addAll(chain);
        CampaignTally after = ledger.tally().orElse(CampaignTally.empty());
        TallyCheck check = TallyCheck.decide(before, CampaignTally.recount(entries), after, repair, entries.size(), chains.size(), at);
        if (check.applies()) ledger.correctTally(check.correction(), at);
        return check;
    }

    /** The check's figures for the ledger's record of the call: counts and counter names only. */
    public static String summary(TallyCheck c) {
        Map<String, Long> drift = c.drift();
        return c.result() + ": " + c.entries() + " entries in " + c.chains() + " chains" + (drift.isEmpty() ? "" : ", drift " + drift);
    }
}
