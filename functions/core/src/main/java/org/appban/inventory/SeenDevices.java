package org.appban.inventory;

import org.appban.fleet.SortedKeyFile;

/**
 * The ids of the devices one MDM listed in this run, kept as 64-bit fingerprints in a {@link SortedKeyFile} (local
 * disk, a bounded chunk in the heap) rather than Strings in a HashSet (about 150 bytes each, on the heap): after the
 * listing, each stored device of that MDM is asked for here, and those not found are gone.
 *
 * <p>A fingerprint can collide: a gone device whose fingerprint equals a listed one's would stay "present". With 64
 * bits and a fleet of a million devices the chance is about one in thirty million per run; the cost of that rare
 * miss (a device kept a while longer) is the safe direction, never a present device reported gone.
 */
final class SeenDevices implements AutoCloseable {
    private final SortedKeyFile fingerprints = new SortedKeyFile(1);
    private boolean sealed;

    void add(String id) {
        fingerprints.add(fingerprint(id));
    }

    /** Asked once the listing is complete (the first question ends the adding). */
    boolean contains(String id) {
        if (!sealed) {
            fingerprints.seal();
            sealed = true;
        }
        return fingerprints.contains(fingerprint(id));
    }

    @Override
    public void close() {
        fingerprints.close();
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
