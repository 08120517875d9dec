package org.appban.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.store.memory.InMemoryLedger;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final ChainVerifier verifier = new ChainVerifier();

    private void appendThree() {
        for (int i = 1; i <= 3; i++) {
            ledger.append(new LedgerRecord(Instant.parse("2023-03-17T00:00:00Z").plusSeconds(i), Actor.schedule("daily"),
                    "m1", "d1", "notice.sent", "ok", false, "k" + i, Map.of("stage", "s" + i)));
        }
    }

    @Test
    void an_untouched_chain_is_intact() {
        appendThree();
        ChainVerifier.Result r = verifier.verify("member#m1", ledger.chain("member#m1"));
        assertTrue(r.intact());
        assertEquals(3, r.entries());
    }

    @Test
    void a_changed_outcome_is_found_at_its_entry() {
        appendThree();
        LedgerEntry second = ledger.chain("member#m1").get(1);
        LedgerRecord r = second.record();
        LedgerRecord forged = new LedgerRecord(r.at(), r.actor(), r.member(), r.device(), r.action(), "failed", r.dryRun(), r.idempotencyKey(), r.details());
        ledger.tamper("member#m1", 2, new LedgerEntry(second.chain(), 2, forged, second.previousHash(), second.hash()));
        ChainVerifier.Result result = verifier.verify("member#m1", ledger.chain("member#m1"));
        assertFalse(result.intact());
        assertEquals(2, result.firstBreak().orElseThrow().seq());
    }

    @Test
    void a_rehashed_forgery_breaks_the_link_of_the_next_entry() {
        appendThree();
        LedgerEntry second = ledger.chain("member#m1").get(1);
        LedgerRecord r = second.record();
        LedgerRecord forged = new LedgerRecord(r.at(), Actor.administrator("mallory"), r.member(), r.device(), r.action(), r.outcome(), r.dryRun(), r.idempotencyKey(), r.details());
        String rehashed = LedgerHasher.hash(second.chain(), 2, second.previousHash(), forged);
        ledger.tamper("member#m1", 2, new LedgerEntry(second.chain(), 2, forged, second.previousHash(), rehashed));
        ChainVerifier.Result result = verifier.verify("member#m1", ledger.chain("member#m1"));
        assertEquals(3, result.firstBreak().orElseThrow().seq());
    }

    @Test
    void a_repeated_idempotency_key_writes_nothing() {
        appendThree();
        LedgerRecord again = new LedgerRecord(Instant.now(), Actor.schedule("daily"), "m1", "d1", "notice.sent", "ok", false, "k1", Map.of());
        assertFalse(ledger.append(again).written());
        assertEquals(3, ledger.chain("member#m1").size());
    }
}
