package org.appban.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SortedKeyFileTest {
    @Test
    void aSmallSetStaysInItsChunkAndAnswersExactly() {
        try (SortedKeyFile keys = new SortedKeyFile(1)) {
            for (long k : new long[] {5, -3, 99, 5, 0}) keys.add(k);
            keys.seal();
            for (long k : new long[] {5, -3, 99, 0}) assertTrue(keys.contains(k), "has " + k);
            for (long k : new long[] {4, 6, -2, 100, Long.MIN_VALUE, Long.MAX_VALUE}) assertFalse(keys.contains(k), "lacks " + k);
        }
    }

    @Test
    void aLargeSetOfPairsSpillsToDiskInRunsAndStillAnswersExactly() {
        Random random = new Random(11);
        Set<String> added = new HashSet<>();
        long[][] pairs = new long[SortedKeyFile.CHUNK_KEYS * 3 + 123][];
        try (SortedKeyFile keys = new SortedKeyFile(2)) {
            for (int i = 0; i < pairs.length; i++) {
                pairs[i] = new long[] {random.nextLong(), random.nextLong()};
                keys.add(pairs[i][0], pairs[i][1]);
                added.add(pairs[i][0] + "/" + pairs[i][1]);
            }
            keys.seal();
            assertEquals(pairs.length, keys.size());
            for (long[] p : pairs) assertTrue(keys.contains(p[0], p[1]));
            for (int i = 0; i < 20_000; i++) {
                long hi = random.nextLong(), lo = random.nextLong();
                if (!added.contains(hi + "/" + lo)) assertFalse(keys.contains(hi, lo));
            }
            // Same high half, other low half: not the key.
            assertFalse(keys.contains(pairs[0][0], pairs[0][1] + 1));
        }
    }
}
