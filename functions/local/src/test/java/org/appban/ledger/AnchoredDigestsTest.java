package org.appban.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.ports.Ledger;
import org.appban.store.memory.InMemoryLedger;
import org.appban.testing.TestClock;
import org.junit.jupiter.api.Test;

/**
 * The ledger anchored outside its table: digests of every chain's head, each naming the one before it, and the check
 * of a ledger against them. The insider here can rewrite the whole table, recomputing every hash so that each chain
 * still verifies on its own; what they cannot change are the digests already written.
 */
class AnchoredDigestsTest {
    private static final String LEDGER = "appban-prod-LedgerTable-1A2B3C";
    private final TestClock clock = new TestClock(Instant.parse("2023-03-16T19:00:00Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final InMemoryDigestStore digests = new InMemoryDigestStore();
    private final LedgerAnchor anchor = new LedgerAnchor(ledger, digests, LedgerDigestJson.JSON, LEDGER, clock);

    private void record(String member, String action) {
        ledger.append(new LedgerRecord(clock.instant(), Actor.schedule("notify-daily"), member, null, action, "ok", false, null,
                Map.of("stage", action)));
    }

    /** Three days of a campaign, a digest after each day's runs. */
    private void campaign() {
        for (int day = 0; day < 3; day++) {
            for (String m : List.of("m01", "m02", "m03")) record(m, "notice.sent-" + day);
            record(null, "enforce.run-" + day);
            clock.advance(Duration.ofHours(1));
            assertEquals("written", anchor.anchor().result());
            clock.advance(Duration.ofHours(23));
        }
    }

    /** The table as an insider with write access leaves it: every record re-appended, hashes recomputed. */
    private static InMemoryLedger rewritten(Ledger original, Predicate<LedgerRecord> keep, UnaryOperator<LedgerRecord> change) {
        InMemoryLedger forged = new InMemoryLedger();
        for (String chain : original.chains()) {
            for (LedgerEntry e : original.chain(chain)) if (keep.test(e.record())) forged.append(change.apply(e.record()));
        }
        return forged;
    }

    private static Map<String, List<LedgerEntry>> chains(Ledger l) {
        return new TreeMap<>(l.chainsNamed(l.chains()));
    }

    private DigestVerifier.Result check(Ledger l) {
        return new DigestVerifier(LedgerDigestJson.JSON).verify(digests.all(), LEDGER, chains(l), true, clock.instant());
    }

    @Test
    void an_untouched_ledger_agrees_with_every_digest() {
        campaign();
        DigestVerifier.Result r = check(ledger);
        assertEquals(List.of(), r.problems());
        assertEquals(3, r.digests());
        assertEquals(0, r.unanchored());
        record("m01", "later");
        assertEquals(1, check(ledger).unanchored(), "an entry after the newest digest is counted, not yet checkable");
    }

    @Test
    void each_digest_names_the_one_before_it_by_key_and_sha256() {
        campaign();
        List<DigestStore.Stored> all = digests.all();
        LedgerDigest second = LedgerDigestJson.parse(all.get(1).bytes());
        assertEquals(all.get(0).key(), second.previous().key());
        assertEquals(LedgerDigest.sha256(all.get(0).bytes()), second.previous().sha256());
        assertEquals(Map.of("fleet", 2L, "member#m01", 2L, "member#m02", 2L, "member#m03", 2L),
                new TreeMap<>(Map.of("fleet", second.heads().get("fleet").seq(), "member#m01", second.heads().get("member#m01").seq(),
                        "member#m02", second.heads().get("member#m02").seq(), "member#m03", second.heads().get("member#m03").seq())));
        assertFalse(new String(all.get(1).bytes(), StandardCharsets.UTF_8).contains("@"), "heads only: no personal data");
    }

    @Test
    void a_whole_table_rewrite_with_recomputed_hashes_verifies_on_its_own_but_not_against_the_digests() {
        campaign();
        InMemoryLedger forged = rewritten(ledger, r -> true,
                r -> r.action().equals("notice.sent-1") && "m02".equals(r.member())
                        ? new LedgerRecord(r.at(), r.actor(), r.member(), r.device(), r.action(), "skipped", r.dryRun(), r.idempotencyKey(), r.details())
                        : r);
        ChainVerifier chainsAlone = new ChainVerifier();
        forged.chains().forEach(c -> assertTrue(chainsAlone.verify(c, forged.chain(c)).intact(), c + " verifies on its own"));

        DigestVerifier.Result r = check(forged);
        assertFalse(r.intact());
        assertEquals(1, r.problems().size(), r.problems().toString());
        DigestVerifier.Problem p = r.problems().get(0);
        assertEquals(DigestVerifier.Kind.REWRITTEN, p.kind());
        assertEquals("member#m02", p.chain());
        assertEquals(LedgerDigest.key(2), p.digest(), "the first digest that anchored the changed entry");
        assertTrue(p.message().contains("entry 2 does not have the hash") && p.message().contains("after entry 1"), p.message());
    }

    @Test
    void a_deleted_chain_is_named_with_the_digest_that_anchored_it() {
        campaign();
        InMemoryLedger forged = rewritten(ledger, r -> !"m03".equals(r.member()), r -> r);
        DigestVerifier.Result r = check(forged);
        assertEquals(1, r.problems().size(), r.problems().toString());
        assertEquals(DigestVerifier.Kind.DELETED_CHAIN, r.problems().get(0).kind());
        assertEquals("member#m03", r.problems().get(0).chain());
        assertTrue(r.problems().get(0).message().contains("anchored it at entry 3"), r.problems().get(0).message());
        assertTrue(new DigestVerifier(LedgerDigestJson.JSON).verify(digests.all(), LEDGER, chains(forged), false, clock.instant()).intact(),
                "a partial export (one member's chain) is checked for the chains it has");
    }

    @Test
    void the_anchor_writes_the_rewritten_state_but_fails_and_the_old_digests_still_tell() {
        campaign();
        InMemoryLedger forged = rewritten(ledger, r -> !"m03".equals(r.member()), r -> r);
        LedgerAnchor.Outcome o = new LedgerAnchor(forged, digests, LedgerDigestJson.JSON, LEDGER, clock).anchor();
        assertEquals("written", o.result());
        assertEquals(List.of("chain member#m03 (entry 3 in digest 3) is gone"), o.anomalies());
        DigestVerifier.Result r = check(forged);
        assertTrue(r.problems().stream().anyMatch(p -> p.kind() == DigestVerifier.Kind.DELETED_CHAIN
                && p.message().contains("is not in " + LedgerDigest.key(4))), r.problems().toString());
    }

    @Test
    void nothing_changed_means_no_new_digest_until_a_day_has_passed() {
        record("m01", "a");
        assertEquals("written", anchor.anchor().result());
        clock.advance(Duration.ofHours(5));
        assertEquals("unchanged", anchor.anchor().result());
        clock.advance(Duration.ofHours(18));
        LedgerAnchor.Outcome daily = anchor.anchor();
        assertEquals("written", daily.result());
        assertEquals(2, daily.number());
    }

    @Test
    void a_missing_digest_is_named_by_the_gap_in_numbers_and_by_time() {
        campaign();
        digests.remove(LedgerDigest.key(2));
        DigestVerifier.Result gap = check(ledger);
        assertEquals(List.of("missing-digest: digest 2 is missing, between " + LedgerDigest.key(1) + " and " + LedgerDigest.key(3)),
                gap.problems().stream().map(Object::toString).toList());

        clock.advance(Duration.ofDays(2));
        assertTrue(check(ledger).problems().stream().anyMatch(p -> p.kind() == DigestVerifier.Kind.MISSING_DIGEST
                && p.message().startsWith("no digest since")), "anchoring stopped: nothing for two days");
    }

    @Test
    void a_malformed_digest_one_of_another_stack_and_one_out_of_order_are_each_named() {
        campaign();
        digests.replace(LedgerDigest.key(4), "{\"format\": \"appban.ledger-digest.v1\", \"ledger\": 7}".getBytes(StandardCharsets.UTF_8));
        LedgerDigest foreign = new LedgerDigest("appban-test-LedgerTable-9Z", 5, clock.instant(), new LedgerDigest.Link(LedgerDigest.key(4), "0".repeat(64)), new TreeMap<>());
        digests.replace(LedgerDigest.key(5), LedgerDigestJson.toBytes(foreign));
        digests.replace(LedgerDigest.key(6), LedgerDigestJson.toBytes(LedgerDigestJson.parse(digests.all().get(2).bytes())));
        List<String> problems = check(ledger).problems().stream().map(Object::toString).toList();
        assertTrue(problems.contains("malformed: digest " + LedgerDigest.key(4) + ": malformed: ledger is missing or not a string"), problems.toString());
        assertTrue(problems.contains("other-ledger: digest " + LedgerDigest.key(5) + " is about ledger appban-test-LedgerTable-9Z, not "
                + LEDGER + " (a digest of another stack)"), problems.toString());
        assertTrue(problems.contains("out-of-order: digest " + LedgerDigest.key(6) + " holds number 3, not the 6 its key says (moved or copied from elsewhere)"),
                problems.toString());
    }

    @Test
    void the_anchor_refuses_to_follow_a_digest_it_cannot_read_or_of_another_ledger() {
        record("m01", "a");
        digests.replace(LedgerDigest.key(1), "not json".getBytes(StandardCharsets.UTF_8));
        assertTrue(assertThrows(IllegalStateException.class, anchor::anchor).getMessage().contains("is malformed (not JSON)"));
        digests.remove(LedgerDigest.key(1));
        digests.replace(LedgerDigest.key(1), LedgerDigestJson.toBytes(new LedgerDigest("other", 1, clock.instant(), null, new TreeMap<>())));
        assertTrue(assertThrows(IllegalStateException.class, anchor::anchor).getMessage().contains("another stack's digest bucket"));
    }

    @Test
    void two_anchors_racing_for_a_number_both_end_up_in_the_sequence() {
        record("m01", "a");
        anchor.anchor();
        record("m01", "b");
        // The other writer takes number 2 between this anchor's read and its write.
        DigestStore racing = new DigestStore() {
            boolean raced;

            @Override
            public java.util.Optional<Stored> newest() {
                return digests.newest();
            }

            @Override
            public List<Stored> all() {
                return digests.all();
            }

            @Override
            public boolean create(String key, byte[] bytes) {
                if (!raced) {
                    raced = true;
                    new LedgerAnchor(ledger, digests, LedgerDigestJson.JSON, LEDGER, clock).anchor();
                }
                return digests.create(key, bytes);
            }
        };
        clock.advance(Duration.ofHours(24));
        LedgerAnchor.Outcome o = new LedgerAnchor(ledger, racing, LedgerDigestJson.JSON, LEDGER, clock).anchor();
        assertEquals("unchanged", o.result(), "the other writer anchored the same heads first");
        assertEquals(2, o.number());
        assertEquals(2, digests.all().size());
        assertEquals(List.of(), check(ledger).problems());
    }
}
