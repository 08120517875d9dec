package org.appban.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a function asks the ledger to record: one decision or action. The ledger turns it into a
 * {@link LedgerEntry} by placing it in a chain and hashing it.
 *
 * @param member         the member the entry is about (its chain), or null for fleet-wide entries
 * @param device         the device it is about, or null
 * @param action         what was decided or done, e.g. {@code notice.sent}, {@code mdm.uninstall-assigned}
 * @param outcome        e.g. {@code ok}, {@code skipped}, {@code failed}, {@code would-do}
 * @param idempotencyKey null, or a key that makes a second append of the same fact a no-op
 * @param details        small, non-secret facts: before and after state, evidence, reasons
 */
public record LedgerRecord(
        Instant at,
        Actor actor,
        String member,
        String device,
        String action,
        String outcome,
        boolean dryRun,
        String idempotencyKey,
        Map<String, String> details) {

    public LedgerRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** The chain an entry belongs to: one per member, one for fleet-wide facts. */
    public String chain() {
        return member == null ? "fleet" : "member#" + member;
    }
}
