package org.appban.fleet.intune;

import java.util.HashSet;
import java.util.Set;
import org.appban.fleet.SortedKeyFile;

/**
 * A set of Intune object ids (the devices Intune reports the banned app on) that does not grow the heap with the
 * fleet: GUIDs, as Intune's ids are, go as their 128 bits into a {@link SortedKeyFile} (local disk); anything else
 * into a plain set. Filled by one thread, then {@link #seal() sealed}; a sealed set may be read from many threads.
 */
final class CompactIdSet implements AutoCloseable {
    private final SortedKeyFile guids = new SortedKeyFile(2);
    private final Set<String> others = new HashSet<>();

    void add(String id) {
        long[] k = parse(id);
        if (k == null) others.add(id);
        else guids.add(k[0], k[1]);
    }

    CompactIdSet seal() {
        guids.seal();
        return this;
    }

    boolean contains(String id) {
        long[] k = parse(id);
        return k == null ? others.contains(id) : guids.contains(k[0], k[1]);
    }

    @Override
    public void close() {
        guids.close();
    }

    /** The GUID's 128 bits, or null when the id is not a GUID in canonical form (8-4-4-4-12 hex digits). */
    static long[] parse(String id) {
        if (id == null || id.length() != 36) return null;
        long hi = 0, lo = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') return null;
                continue;
            }
            int v = Character.digit(c, 16);
            if (v < 0) return null;
            if (digits < 16) hi = (hi << 4) | v;
            else lo = (lo << 4) | v;
            digits++;
        }
        return new long[] {hi, lo};
    }
}
