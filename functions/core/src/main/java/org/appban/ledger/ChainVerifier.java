package org.appban.ledger;

import java.util.List;
import java.util.Optional;
import org.appban.domain.LedgerEntry;

/** Checks a chain end to end and names the first entry that does not hold together. */
public final class ChainVerifier {
    public record Break(String chain, long seq, String reason) {
    }

    public record Result(String chain, int entries, Optional<Break> firstBreak) {
        public boolean intact() {
            return firstBreak.isEmpty();
        }
    }

    public Result verify(String chain, List<LedgerEntry> entries) {
        String previous = LedgerEntry.GENESIS;
        long expectedSeq = 1;
        for (LedgerEntry e : entries) {
            if (e.seq() != expectedSeq) {
                return broken(chain, entries, e.seq(), "expected entry " + expectedSeq + " but found " + e.seq() + " (an entry is missing or was inserted)");
            }
            if (!e.previousHash().equals(previous)) {
                return broken(chain, entries, e.seq(), "its link to the previous entry does not match (an entry before it was changed or removed)");
            }
            String recomputed = LedgerHasher.hash(e.chain(), e.seq(), e.previousHash(), e.record());
            if (!recomputed.equals(e.hash())) {
                return broken(chain, entries, e.seq(), "its content does not match its hash (the entry was changed)");
            }
            previous = e.hash();
            expectedSeq++;
        }
        return new Result(chain, entries.size(), Optional.empty());
    }

    private static Result broken(String chain, List<LedgerEntry> entries, long seq, String reason) {
        return new Result(chain, entries.size(), Optional.of(new Break(chain, seq, reason)));
    }
}
