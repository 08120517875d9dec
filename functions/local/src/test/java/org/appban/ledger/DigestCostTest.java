package org.appban.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.store.memory.InMemoryLedger;
import org.appban.testing.TestClock;
import org.junit.jupiter.api.Test;

/**
 * What anchoring costs in bytes, before (every digest holds every head, and a check reads every digest) and after
 * (increments between daily checkpoints, and a check from the latest checkpoint): the bytes of digests written a
 * day, and the bytes a check reads. Counts, not times. The build runs a small roster; the figures in README come from
 * {@code -Dappban.digests.members=5000 -Dappban.digests.days=30}.
 *
 * <p>The campaign simulated: every member has a chain from the roster import; every hour the inventory sync records
 * something for 1% of the members and the fleet chain moves; once a day the notify run records a notice for 20% of
 * them; the anchor runs hourly (the stream's extra digests after each run would add increments of what that run
 * changed, and before this change a full digest each).
 */
class DigestCostTest {
    private static final int MEMBERS = Integer.getInteger("appban.digests.members", 400);
    private static final int DAYS = Integer.getInteger("appban.digests.days", 5);
    private static final String LEDGER = "appban-prod-LedgerTable-1A2B3C";

    /** A store that keeps every object, or only the newest (the baseline's hundreds of megabytes), counting bytes. */
    private static final class Measured implements DigestStore {
        private final boolean keepAll;
        private final InMemoryDigestStore kept = new InMemoryDigestStore();
        private Stored newest;
        long written;
        long read;
        int objects;

        Measured(boolean keepAll) {
            this.keepAll = keepAll;
        }

        private List<Stored> counted(List<Stored> stored) {
            stored.forEach(s -> read += s.bytes().length);
            return stored;
        }

        @Override
        public Optional<Stored> newest() {
            return Optional.ofNullable(newest).map(s -> counted(List.of(s)).get(0));
        }

        @Override
        public List<Stored> all() {
            if (!keepAll) throw new IllegalStateException("only the newest is kept");
            return counted(kept.all());
        }

        @Override
        public List<Stored> since(String key) {
            if (!keepAll) throw new IllegalStateException("only the newest is kept");
            return counted(kept.since(key));
        }

        @Override
        public boolean create(String key, byte[] bytes) {
            if (keepAll && !kept.create(key, bytes)) return false;
            newest = new Stored(key, bytes);
            written += bytes.length;
            objects++;
            return true;
        }
    }

    private record Run(long writtenPerDay, long anchorReadsPerDay, int digests, int full, InMemoryLedger ledger, Measured store) {
    }

    private static Run campaign(Duration checkpointEvery, boolean keepAll) {
        TestClock clock = new TestClock(Instant.parse("2023-03-01T00:00:00Z"));
        InMemoryLedger ledger = new InMemoryLedger();
        for (int m = 0; m < MEMBERS; m++) append(ledger, clock, m, "roster.imported");
        Measured store = new Measured(keepAll);
        LedgerAnchor anchor = new LedgerAnchor(ledger, store, LedgerDigestJson.JSON, LEDGER, clock, checkpointEvery);
        int full = 0;
        int hourly = Math.max(1, MEMBERS / 100);
        int daily = MEMBERS / 5;
        for (int hour = 0; hour < DAYS * 24; hour++) {
            for (int i = 0; i < hourly; i++) append(ledger, clock, (hour * hourly + i * 7) % MEMBERS, "device.seen");
            ledger.append(new LedgerRecord(clock.instant(), Actor.schedule("inventory-sync"), null, null, "inventory.synced", "ok", false, null, Map.of()));
            if (hour % 24 == 9) for (int i = 0; i < daily; i++) append(ledger, clock, (hour / 24 * daily + i) % MEMBERS, "notice.sent");
            clock.advance(Duration.ofHours(1));
            LedgerAnchor.Outcome o = anchor.anchor();
            assertEquals("written", o.result());
            if (o.kind().equals("full")) full++;
        }
        return new Run(store.written / DAYS, store.read / DAYS, store.objects, full, ledger, store);
    }

    private static void append(InMemoryLedger ledger, TestClock clock, int member, String action) {
        ledger.append(new LedgerRecord(clock.instant(), Actor.schedule("bench"), String.format("m%05d", member), null, action, "ok", false, null, Map.of()));
    }

    private static Map<String, List<LedgerEntry>> chains(InMemoryLedger ledger) {
        return new TreeMap<>(ledger.chainsNamed(ledger.chains()));
    }

    @Test
    void incremental_digests_and_a_check_from_the_checkpoint_cost_a_fraction_of_full_ones() {
        Run before = campaign(Duration.ZERO, false);
        // The check before this change read every digest: all that was written.
        long beforeCheck = before.store.written;

        Run after = campaign(LedgerAnchor.DAILY, true);
        Instant at = after.ledger.chain("fleet").get(after.ledger.chain("fleet").size() - 1).record().at().plus(Duration.ofHours(1));
        long start = after.store.read;
        DigestVerifier.Result fromCheckpoint = new DigestVerifier(LedgerDigestJson.JSON).verify(new DigestVerifier(LedgerDigestJson.JSON).latestCheckpoint(after.store), LEDGER, chains(after.ledger), true, at);
        long checkpointCheck = after.store.read - start;
        start = after.store.read;
        DigestVerifier.Result complete = new DigestVerifier(LedgerDigestJson.JSON).verify(DigestVerifier.everything(after.store), LEDGER, chains(after.ledger), true, at);
        long completeCheck = after.store.read - start;
        assertEquals(List.of(), fromCheckpoint.problems());
        assertEquals(List.of(), complete.problems());

        System.out.printf("""
                digest cost, %,d members, %d days, hourly anchors (%,d digests):
                                              written a day   anchor reads a day   a check reads (from the checkpoint / complete)
                  before: every digest full   %,13d   %,18d   %,d / %,d
                  after: increments + daily   %,13d   %,18d   %,d (%d digests) / %,d
                  (after: %d full digests of up to %,d bytes, %d increments)
                """, MEMBERS, DAYS, before.digests, before.writtenPerDay, before.anchorReadsPerDay, beforeCheck, beforeCheck,
                after.writtenPerDay, after.anchorReadsPerDay, checkpointCheck, fromCheckpoint.digests(), completeCheck,
                after.full, after.store.kept.all().stream().filter(s -> LedgerDigestJson.parse(s.bytes()).full()).mapToInt(s -> s.bytes().length).max().orElse(0), after.digests - after.full);

        assertEquals(DAYS * 24, before.digests);
        assertTrue(after.full >= DAYS && after.full <= DAYS + 2, "a checkpoint a day (23 hours after the last): " + after.full);
        assertTrue(after.writtenPerDay * 5 < before.writtenPerDay, "written a day: " + after.writtenPerDay + " against " + before.writtenPerDay);
        assertTrue(checkpointCheck * 10 < beforeCheck, "a check: " + checkpointCheck + " against " + beforeCheck);
        assertTrue(completeCheck * 5 < beforeCheck, "even the complete check: " + completeCheck + " against " + beforeCheck);
    }
}
