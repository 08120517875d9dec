package org.appban.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * Incremental digests: between the daily full digests (checkpoints) a digest holds only the heads that moved, and a
 * check from the latest checkpoint reads that checkpoint and what followed it, nothing older. The complete check from
 * digest 1 remains, and sees what only older digests recorded.
 */
class IncrementalDigestsTest {
    private static final String LEDGER = "appban-prod-LedgerTable-1A2B3C";
    private final TestClock clock = new TestClock(Instant.parse("2023-03-16T00:30:00Z"));
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final InMemoryDigestStore digests = new InMemoryDigestStore();
    private final LedgerAnchor anchor = new LedgerAnchor(ledger, digests, LedgerDigestJson.JSON, LEDGER, clock);

    private void record(String member, String action) {
        ledger.append(new LedgerRecord(clock.instant(), Actor.schedule("notify-daily"), member, null, action, "ok", false, null,
                Map.of("stage", action)));
    }

    /** An hour of the campaign: {@code members} each get an entry, then the hourly anchor runs. */
    private LedgerAnchor.Outcome hour(String... members) {
        for (String m : members) record(m, "step");
        clock.advance(Duration.ofHours(1));
        return anchor.anchor();
    }

    /** Two days: ten members on the first hour, then one or two members an hour. */
    private void twoDays() {
        List<String> all = List.of("m01", "m02", "m03", "m04", "m05", "m06", "m07", "m08", "m09", "m10");
        hour(all.toArray(String[]::new));
        for (int h = 1; h < 48; h++) hour(all.get(h % 10), h % 5 == 0 ? null : all.get((h * 3) % 10));
    }

    private static InMemoryLedger rewritten(Ledger original, Predicate<LedgerRecord> keep, UnaryOperator<LedgerRecord> change) {
        InMemoryLedger forged = new InMemoryLedger();
        for (String chain : original.chains()) {
            for (LedgerEntry e : original.chain(chain)) if (keep.test(e.record())) forged.append(change.apply(e.record()));
        }
        return forged;
    }

    private static UnaryOperator<LedgerRecord> outcomeOf(String member, long nth, String outcome) {
        long[] seen = {0};
        return r -> member.equals(r.member()) && ++seen[0] == nth
                ? new LedgerRecord(r.at(), r.actor(), r.member(), r.device(), r.action(), outcome, r.dryRun(), r.idempotencyKey(), r.details())
                : r;
    }

    private static Map<String, List<LedgerEntry>> chains(Ledger l) {
        return new TreeMap<>(l.chainsNamed(l.chains()));
    }

    /** A store that counts what a check reads from it. */
    private static final class Counting implements DigestStore {
        private final DigestStore inner;
        int objects;
        long bytes;

        Counting(DigestStore inner) {
            this.inner = inner;
        }

        private List<Stored> counted(List<Stored> read) {
            objects += read.size();
            read.forEach(s -> bytes += s.bytes().length);
            return read;
        }

        @Override
        public Optional<Stored> newest() {
            return inner.newest().map(s -> counted(List.of(s)).get(0));
        }

        @Override
        public List<Stored> all() {
            return counted(inner.all());
        }

        @Override
        public List<Stored> since(String key) {
            return counted(inner.since(key));
        }

        @Override
        public boolean create(String key, byte[] bytes) {
            return inner.create(key, bytes);
        }
    }

    private DigestVerifier.Result fromCheckpoint(Ledger l) {
        return new DigestVerifier(LedgerDigestJson.JSON).verify(new DigestVerifier(LedgerDigestJson.JSON).latestCheckpoint(digests), LEDGER, chains(l), true, clock.instant());
    }

    private DigestVerifier.Result complete(Ledger l) {
        return new DigestVerifier(LedgerDigestJson.JSON).verify(DigestVerifier.everything(digests), LEDGER, chains(l), true, clock.instant());
    }

    private List<LedgerDigest> parsed() {
        return digests.all().stream().map(s -> LedgerDigestJson.parse(s.bytes())).toList();
    }

    @Test
    void between_daily_checkpoints_a_digest_holds_only_the_heads_that_moved() {
        LedgerAnchor.Outcome first = hour("m01", "m02", "m03");
        assertEquals("full", first.kind(), "the first digest is a checkpoint");
        LedgerAnchor.Outcome second = hour("m02");
        assertEquals("incremental", second.kind());
        LedgerDigest d = LedgerDigestJson.parse(digests.newest().orElseThrow().bytes());
        assertEquals(Set.of("member#m02"), d.heads().keySet(), "only the head that moved");
        assertEquals(3, d.chains(), "the state it leaves holds every chain");
        assertEquals(new LedgerDigest.Link(first.key(), LedgerDigest.sha256(digests.all().get(0).bytes())), d.checkpoint());
        assertTrue(new String(digests.newest().orElseThrow().bytes(), StandardCharsets.UTF_8).contains("\"kind\":\"incremental\""));

        twoDays();
        List<LedgerDigest> all = parsed();
        List<Long> full = all.stream().filter(LedgerDigest::full).map(LedgerDigest::number).toList();
        assertEquals(List.of(1L, 24L, 47L), full, "a checkpoint a day (23 hours after the last), the rest incremental");
        assertTrue(all.stream().filter(x -> !x.full() && x.number() > 3).allMatch(x -> x.heads().size() <= 2), "each hour's increment holds its one or two heads");
        assertEquals(List.of(), complete(ledger).problems());
        assertEquals(List.of(), fromCheckpoint(ledger).problems());
        assertEquals(0, fromCheckpoint(ledger).unanchored());
    }

    @Test
    void a_check_from_the_latest_checkpoint_reads_that_checkpoint_and_what_followed_only() {
        twoDays();
        hour("m01");
        hour("m02");
        Counting counting = new Counting(digests);
        DigestVerifier.Selection s = new DigestVerifier(LedgerDigestJson.JSON).latestCheckpoint(counting);
        assertEquals(47, s.from());
        assertEquals(4, s.stored().size(), "the checkpoint (47) and the three increments since");
        assertEquals(5, counting.objects, "the newest digest (to find its checkpoint), then 47 to 50");
        Counting everything = new Counting(digests);
        DigestVerifier.everything(everything);
        assertEquals(50, everything.objects);
        assertTrue(everything.bytes > 5 * counting.bytes, everything.bytes + " bytes against " + counting.bytes);

        DigestVerifier.Result r = new DigestVerifier(LedgerDigestJson.JSON).verify(s, LEDGER, chains(ledger), true, clock.instant());
        assertEquals(List.of(), r.problems());
        assertEquals(4, r.digests());
        assertEquals(47, r.from());
    }

    @Test
    void from_a_checkpoint_a_rewrite_after_it_a_deleted_chain_and_a_truncated_one_are_found() {
        twoDays();
        hour("m01", "m02", "m03");
        // The table rewritten whole after the latest checkpoint: m04's first entry (below every digest since) changed,
        // m05 deleted, m06 cut back to its first entry.
        InMemoryLedger forged = rewritten(ledger, r -> !"m05".equals(r.member()), outcomeOf("m04", 1, "skipped"));
        InMemoryLedger cut = new InMemoryLedger();
        for (String chain : forged.chains()) {
            List<LedgerEntry> entries = forged.chain(chain);
            for (LedgerEntry e : chain.equals("member#m06") ? entries.subList(0, 1) : entries) cut.append(e.record());
        }
        DigestVerifier.Result r = fromCheckpoint(cut);
        List<DigestVerifier.Kind> kinds = r.problems().stream().map(DigestVerifier.Problem::kind).toList();
        assertEquals(List.of(DigestVerifier.Kind.REWRITTEN, DigestVerifier.Kind.DELETED_CHAIN, DigestVerifier.Kind.TRUNCATED), kinds, r.problems().toString());
        assertEquals("member#m04", r.problems().get(0).chain());
        assertEquals(LedgerDigest.key(47), r.problems().get(0).digest(), "the checkpoint anchored m04's head, which the rewrite changed");
        assertTrue(r.problems().get(0).message().contains("after entry 0 (from the start)"), r.problems().get(0).message());
        assertEquals("member#m05", r.problems().get(1).chain());
        assertEquals("member#m06", r.problems().get(2).chain());

        // The complete check names the same, the rewrite narrowed to the digests' anchors.
        DigestVerifier.Result full = complete(cut);
        assertTrue(full.problems().stream().anyMatch(p -> p.kind() == DigestVerifier.Kind.REWRITTEN && p.chain().equals("member#m04")
                && p.digest().equals(LedgerDigest.key(1))), full.problems().toString());
    }

    @Test
    void a_rewrite_the_checkpoint_anchored_as_it_was_is_seen_only_by_the_complete_check() {
        twoDays();
        // Rewritten before the newest checkpoint: the anchor writes what the table holds (and fails with the anomaly).
        InMemoryLedger forged = rewritten(ledger, r -> true, outcomeOf("m03", 1, "bounced"));
        LedgerAnchor late = new LedgerAnchor(forged, digests, LedgerDigestJson.JSON, LEDGER, clock);
        clock.advance(Duration.ofHours(23));
        LedgerAnchor.Outcome o = late.anchor();
        assertEquals("full", o.kind(), "a day after the last checkpoint: the forged table is the new checkpoint");
        assertEquals(List.of("chain member#m03 entry " + forged.chain("member#m03").size() + " has another hash than in digest 48"), o.anomalies());

        assertEquals(List.of(), fromCheckpoint(forged).problems(), "from the forged checkpoint on, the digests agree with the table");
        List<DigestVerifier.Problem> problems = complete(forged).problems();
        assertTrue(problems.stream().anyMatch(p -> p.kind() == DigestVerifier.Kind.REWRITTEN && "member#m03".equals(p.chain())
                && p.digest().equals(LedgerDigest.key(1)) && p.message().contains("entry 1 does not have the hash")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.kind() == DigestVerifier.Kind.REWRITTEN && p.digest().equals(LedgerDigest.key(49))
                && p.message().contains("rewritten between the two digests")), problems.toString());
    }

    @Test
    void a_chain_deleted_between_increments_is_recorded_gone_and_named() {
        hour("m01", "m02");
        InMemoryLedger forged = rewritten(ledger, r -> !"m02".equals(r.member()), r -> r);
        forged.append(new LedgerRecord(clock.instant(), Actor.schedule("notify-daily"), "m01", null, "step", "ok", false, null, Map.of()));
        clock.advance(Duration.ofHours(1));
        LedgerAnchor.Outcome o = new LedgerAnchor(forged, digests, LedgerDigestJson.JSON, LEDGER, clock).anchor();
        assertEquals("incremental", o.kind());
        LedgerDigest d = LedgerDigestJson.parse(digests.newest().orElseThrow().bytes());
        assertEquals(Set.of("member#m02"), d.gone());
        assertEquals(List.of("chain member#m02 (entry 1 in digest 1) is gone"), o.anomalies());
        List<String> problems = fromCheckpoint(forged).problems().stream().map(Object::toString).toList();
        assertTrue(problems.contains("deleted-chain: chain member#m02 (seq 1 in " + LedgerDigest.key(1) + ") is not in " + LedgerDigest.key(2)
                + ": deleted between the two digests"), problems.toString());
    }

    @Test
    void a_missing_digest_is_named_and_the_anchors_after_it_still_check() {
        twoDays();
        hour("m01");
        hour("m02");
        digests.remove(LedgerDigest.key(49));
        assertEquals(List.of("missing-digest: digest 49 is missing, between " + LedgerDigest.key(48) + " and " + LedgerDigest.key(50)),
                fromCheckpoint(ledger).problems().stream().map(Object::toString).toList());
        digests.remove(LedgerDigest.key(30));
        assertEquals(List.of("missing-digest: digest 30 is missing, between " + LedgerDigest.key(29) + " and " + LedgerDigest.key(31),
                        "missing-digest: digest 49 is missing, between " + LedgerDigest.key(48) + " and " + LedgerDigest.key(50)),
                complete(ledger).problems().stream().map(Object::toString).toList());
        assertEquals(List.of("missing-digest: digest 49 is missing, between " + LedgerDigest.key(48) + " and " + LedgerDigest.key(50)),
                fromCheckpoint(ledger).problems().stream().map(Object::toString).toList(), "digest 30 is before the checkpoint: not read");

        InMemoryLedger forged = rewritten(ledger, r -> true, outcomeOf("m01", 3, "failed"));
        assertTrue(complete(forged).problems().stream().anyMatch(p -> p.kind() == DigestVerifier.Kind.REWRITTEN && "member#m01".equals(p.chain())),
                "a gap leaves the state unknown until the next checkpoint, but every digest's own heads still check the table");
    }

    @Test
    void an_increment_naming_another_checkpoint_or_that_does_not_add_up_is_out_of_order() {
        twoDays();
        hour("m01");
        hour("m02");
        LedgerDigest d = LedgerDigestJson.parse(digests.newest().orElseThrow().bytes());
        assertEquals(50, d.number());
        assertEquals(LedgerDigest.key(47), d.checkpoint().key());
        LedgerDigest otherCheckpoint = LedgerDigest.incremental(LEDGER, 50, d.at(), d.previous(),
                new LedgerDigest.Link(LedgerDigest.key(24), d.checkpoint().sha256()), d.heads(), d.gone(), d.chains());
        digests.replace(LedgerDigest.key(50), LedgerDigestJson.toBytes(otherCheckpoint));
        List<String> problems = fromCheckpoint(ledger).problems().stream().map(Object::toString).toList();
        assertEquals(List.of("out-of-order: digest " + LedgerDigest.key(50) + " builds on " + LedgerDigest.key(24) + " (SHA-256 "
                + d.checkpoint().sha256() + "), but the full digest before it is " + d.checkpoint().key() + " (SHA-256 " + d.checkpoint().sha256() + ")"),
                problems);

        LedgerDigest wrongCount = LedgerDigest.incremental(LEDGER, 50, d.at(), d.previous(), d.checkpoint(), d.heads(), d.gone(), d.chains() + 1);
        digests.replace(LedgerDigest.key(50), LedgerDigestJson.toBytes(wrongCount));
        assertEquals(List.of("out-of-order: digest " + LedgerDigest.key(50) + " says the ledger has " + (d.chains() + 1)
                        + " chains, but the digests up to it hold " + d.chains() + " (it does not follow from the digests before it)"),
                fromCheckpoint(ledger).problems().stream().map(Object::toString).toList());
    }

    @Test
    void from_the_checkpoint_a_malformed_increment_and_one_of_another_stack_are_named() {
        twoDays();
        hour("m01");
        hour("m02");
        LedgerDigest d48 = LedgerDigestJson.parse(digests.all().stream().filter(s -> s.key().equals(LedgerDigest.key(48))).findFirst().orElseThrow().bytes());
        digests.replace(LedgerDigest.key(48), LedgerDigestJson.toBytes(LedgerDigest.incremental("appban-test-LedgerTable-9Z", 48, d48.at(), d48.previous(), d48.checkpoint(),
                d48.heads(), d48.gone(), d48.chains())));
        digests.replace(LedgerDigest.key(49), "{\"format\": \"appban.ledger-digest.v2\", \"kind\": \"incremental\"".getBytes(StandardCharsets.UTF_8));
        List<String> problems = fromCheckpoint(ledger).problems().stream().map(Object::toString).toList();
        assertTrue(problems.contains("malformed: digest " + LedgerDigest.key(49) + ": malformed: not JSON"), problems.toString());
        assertTrue(problems.contains("other-ledger: digest " + LedgerDigest.key(48) + " is about ledger appban-test-LedgerTable-9Z, not " + LEDGER
                + " (a digest of another stack)"), problems.toString());
        assertTrue(problems.contains("missing-digest: digests 48 to 49 are missing, between " + LedgerDigest.key(47) + " and " + LedgerDigest.key(50)),
                problems.toString());
    }

    @Test
    void an_anchor_without_the_state_in_memory_rebuilds_it_from_the_checkpoint_or_else_writes_a_full_digest() {
        hour("m01", "m02");
        hour("m01");
        hour("m02");
        LedgerAnchor cold = new LedgerAnchor(ledger, digests, LedgerDigestJson.JSON, LEDGER, clock);
        record("m03", "step");
        clock.advance(Duration.ofHours(1));
        LedgerAnchor.Outcome o = cold.anchor();
        assertEquals("incremental", o.kind(), "rebuilt from digest 1 and the increments 2 and 3");
        assertEquals(1, o.heads());
        assertEquals(List.of(), o.anomalies());

        digests.remove(LedgerDigest.key(3));
        digests.remove(LedgerDigest.key(4));
        // An insider's digest 4 in an unlocked store, naming a digest 3 that is not there.
        LedgerDigest.Link checkpoint = new LedgerDigest.Link(LedgerDigest.key(1), LedgerDigest.sha256(digests.all().get(0).bytes()));
        digests.replace(LedgerDigest.key(4), LedgerDigestJson.toBytes(LedgerDigest.incremental(LEDGER, 4, clock.instant(), new LedgerDigest.Link(LedgerDigest.key(3),
                "0".repeat(64)), checkpoint, new TreeMap<>(), new java.util.TreeSet<>(), 3)));
        record("m01", "step");
        clock.advance(Duration.ofHours(1));
        LedgerAnchor.Outcome fallback = new LedgerAnchor(ledger, digests, LedgerDigestJson.JSON, LEDGER, clock).anchor();
        assertEquals("full", fallback.kind());
        assertEquals(1, fallback.anomalies().size(), fallback.anomalies().toString());
        assertTrue(fallback.anomalies().get(0).contains("the anchored state cannot be rebuilt, so this digest is full"), fallback.anomalies().toString());
    }

    @Test
    void a_bucket_of_v1_digests_stays_readable_and_the_next_digests_build_on_them() {
        record("m01", "a");
        record("m02", "a");
        // What the first format wrote: every head, no kind.
        LedgerEntry m01 = ledger.chain("member#m01").get(0);
        LedgerEntry m02 = ledger.chain("member#m02").get(0);
        String v1 = "{\"format\":\"appban.ledger-digest.v1\",\"ledger\":\"" + LEDGER + "\",\"number\":1,\"at\":\"2023-03-16T00:00:00Z\","
                + "\"previous\":null,\"chains\":2,\"heads\":{\"member#m01\":{\"seq\":1,\"hash\":\"" + m01.hash() + "\"},"
                + "\"member#m02\":{\"seq\":1,\"hash\":\"" + m02.hash() + "\"}}}\n";
        digests.create(LedgerDigest.key(1), v1.getBytes(StandardCharsets.UTF_8));
        LedgerDigest old = LedgerDigestJson.parse(v1.getBytes(StandardCharsets.UTF_8));
        assertTrue(old.full());

        LedgerAnchor.Outcome next = hour("m01");
        assertEquals("incremental", next.kind(), "a v1 digest is a checkpoint");
        assertEquals(List.of(), fromCheckpoint(ledger).problems());
        assertEquals(1, fromCheckpoint(ledger).from());
        assertEquals(List.of(), complete(ledger).problems());

        InMemoryLedger forged = rewritten(ledger, r -> true, outcomeOf("m02", 1, "failed"));
        assertEquals(List.of(DigestVerifier.Kind.REWRITTEN), fromCheckpoint(forged).problems().stream().map(DigestVerifier.Problem::kind).toList());
    }

    @Test
    void a_named_checkpoint_must_be_a_full_digest() {
        twoDays();
        DigestVerifier.Selection s = new DigestVerifier(LedgerDigestJson.JSON).fromCheckpoint(digests, 24);
        assertEquals(24, s.from());
        assertEquals(25, s.stored().size(), "digests 24 to 48");
        assertEquals(List.of(), new DigestVerifier(LedgerDigestJson.JSON).verify(s, LEDGER, chains(ledger), true, clock.instant()).problems());
        assertEquals("digest 25 is incremental: a check starts from a full digest (its checkpoint is 24)",
                assertThrows(IllegalArgumentException.class, () -> new DigestVerifier(LedgerDigestJson.JSON).fromCheckpoint(digests, 25)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DigestVerifier(LedgerDigestJson.JSON).fromCheckpoint(digests, 99)).getMessage()
                .startsWith("there is no digest 99"));
    }

    @Test
    void an_incremental_digest_that_cannot_be_one_is_malformed() {
        String base = "{\"format\":\"appban.ledger-digest.v2\",\"ledger\":\"L\",\"number\":%d,\"at\":\"2023-03-16T00:00:00Z\",%s\"kind\":\"incremental\",%s"
                + "\"chains\":1,\"heads\":{\"fleet\":{\"seq\":2,\"hash\":\"" + "a".repeat(64) + "\"}}%s}";
        String previous = "\"previous\":{\"key\":\"" + LedgerDigest.key(1) + "\",\"sha256\":\"" + "b".repeat(64) + "\"},";
        String checkpoint = "\"checkpoint\":{\"key\":\"" + LedgerDigest.key(1) + "\",\"sha256\":\"" + "b".repeat(64) + "\"},";
        List<String> reasons = new ArrayList<>();
        for (String bad : List.of(
                String.format(base, 1, "\"previous\":null,", checkpoint, ""),
                String.format(base, 2, previous, "", ""),
                String.format(base, 2, previous, checkpoint, ",\"gone\":[\"fleet\"]"),
                String.format(base, 2, previous, checkpoint.replace(LedgerDigest.key(1), LedgerDigest.key(2)), ""),
                String.format(base, 2, previous, checkpoint, "").replace("\"incremental\"", "\"partial\""))) {
            reasons.add(assertThrows(LedgerDigest.Malformed.class, () -> LedgerDigestJson.parse(bad.getBytes(StandardCharsets.UTF_8))).getMessage());
        }
        assertEquals(List.of("digest 1 is incremental: the first digest must be full",
                "an incremental digest names its checkpoint: checkpoint must be an object",
                "chain fleet is both gone and in heads",
                "checkpoint.key must be the key of an earlier digest, was " + LedgerDigest.key(2),
                "kind must be full or incremental"), reasons);
        LedgerDigest ok = LedgerDigestJson.parse(String.format(base, 2, previous, checkpoint, "").getBytes(StandardCharsets.UTF_8));
        assertEquals(ok, LedgerDigestJson.parse(LedgerDigestJson.toBytes(ok)), "what it writes it reads back");
    }
}
