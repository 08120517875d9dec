package org.appban.enforce;

import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.appban.notice.NoticeRequest;
import org.appban.ports.Ledger;

/**
 * Interim production notices: records each removal-escalated notice request in the ledger (once per occasion)
 * until the wiring hands them to the notify function's request port. The escalation itself is in the ledger
 * either way; this makes the owed notice visible there too.
 */
public final class LedgerEnforcementNotices implements EnforcementNotices {
    private final Ledger ledger;

    public LedgerEnforcementNotices(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void removalEscalated(NoticeRequest r) {
        ledger.append(new LedgerRecord(r.occurredAt(), new Actor(Actor.Kind.SYSTEM, "enforce-removal"), r.member(), r.device(),
                "notice.requested", "recorded", false, "notice-request/" + r.occasion(),
                Map.of("kind", r.kind().wireName(), "occasion", r.occasion())));
    }
}
