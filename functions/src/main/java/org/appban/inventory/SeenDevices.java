package org.appban.inventory;

/**
 * The ids of the devices one MDM listed in this run, kept as 64-bit fingerprints (16 bytes a device at most, in one
 * array) rather than Strings in a HashSet (about 150 bytes): after the listing, each stored device of that MDM is
 * asked for here, and those not found are gone.
 *
 * <p>A fingerprint can collide: a gone device whose fingerprint equals a listed one's would stay "present". With 64
 * bits and a fleet of a million devices the chance is about one in thirty million per run; the cost of that rare
 * miss (a device kept a while longer) is the safe direction, never a present device reported gone.
 */
final class SeenDevices {
    private long[] slots = new long[1024];
    private int size;
    /** 0 marks an empty slot; the one id hashing to 0 is remembered apart. */
    private boolean zero;

    void add(String id) {
        long f = fingerprint(id);
        if (f == 0) {
            zero = true;
            return;
        }
        if ((size + 1) * 2 > slots.length) grow();
        if (insert(slots, f)) size++;
    }

    boolean contains(String id) {
        long f = fingerprint(id);
        if (f == 0) return zero;
        int mask = slots.length - 1;
        for (int i = slot(f, mask); slots[i] != 0; i = (i + 1) & mask) {
            if (slots[i] == f) return true;
        }
        return false;
    }

    private static boolean insert(long[] slots, long f) {
        int mask = slots.length - 1;
        int i = slot(f, mask);
        for (; slots[i] != 0; i = (i + 1) & mask) {
            if (slots[i] == f) return false;
        }
        slots[i] = f;
        return true;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        for (long f : old) if (f != 0) insert(slots, f);
    }

    private static int slot(long f, int mask) {
        return (int) (f ^ (f >>> 32)) & mask;
    }

    /** FNV-1a over the UTF-16 units, then a 64-bit finaliser (murmur3's fmix64) to spread the bits. */
    static long fingerprint(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
