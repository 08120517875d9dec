package org.appban.fleet.intune;

import java.util.HashSet;
import java.util.Set;

/**
 * A set of Intune object ids kept in 16 bytes each (two longs, open addressing) instead of a String in a HashSet
 * (about 150 bytes): the devices Intune reports the banned app on are remembered for a whole listing, and in a
 * large fleet that is tens of thousands of ids. Intune ids are GUIDs; anything else falls back to a plain set.
 * Not thread-safe: filled by one thread, read after it is handed over.
 */
final class CompactIdSet {
    private long[] keys = new long[2 * 64];
    private boolean[] used = new boolean[64];
    private int size;
    private final Set<String> others = new HashSet<>();

    void add(String id) {
        long[] k = parse(id);
        if (k == null) {
            others.add(id);
            return;
        }
        if ((size + 1) * 2 > used.length) grow();
        if (insert(keys, used, k[0], k[1])) size++;
    }

    boolean contains(String id) {
        long[] k = parse(id);
        if (k == null) return others.contains(id);
        int mask = used.length - 1;
        for (int i = slot(k[0], k[1], mask); used[i]; i = (i + 1) & mask) {
            if (keys[2 * i] == k[0] && keys[2 * i + 1] == k[1]) return true;
        }
        return false;
    }

    int size() {
        return size + others.size();
    }

    private static boolean insert(long[] keys, boolean[] used, long hi, long lo) {
        int mask = used.length - 1;
        int i = slot(hi, lo, mask);
        for (; used[i]; i = (i + 1) & mask) {
            if (keys[2 * i] == hi && keys[2 * i + 1] == lo) return false;
        }
        used[i] = true;
        keys[2 * i] = hi;
        keys[2 * i + 1] = lo;
        return true;
    }

    private void grow() {
        long[] oldKeys = keys;
        boolean[] oldUsed = used;
        keys = new long[oldKeys.length * 2];
        used = new boolean[oldUsed.length * 2];
        for (int i = 0; i < oldUsed.length; i++) {
            if (oldUsed[i]) insert(keys, used, oldKeys[2 * i], oldKeys[2 * i + 1]);
        }
    }

    private static int slot(long hi, long lo, int mask) {
        long h = (hi ^ Long.rotateLeft(lo, 32)) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 33) & mask;
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
