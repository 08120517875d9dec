package org.appban.ledger;

import java.util.List;
import java.util.Optional;

/**
 * Where ledger digests are anchored: on AWS a bucket under S3 Object Lock ({@link S3DigestStore}), for an auditor a
 * folder of exported digests ({@link FolderDigestStore}). Digests are only ever added: {@link #create} refuses a key
 * that exists, so two writers racing for the same number cannot both succeed and nobody can replace a digest.
 */
public interface DigestStore {
    /** A digest object as stored: its key and its bytes, exactly. */
    record Stored(String key, byte[] bytes) {
    }

    /** The newest digest (the first key in the store's order), if any. */
    Optional<Stored> newest();

    /** Every object under the digests' prefix, oldest first (whatever they hold: the verifier judges them). */
    List<Stored> all();

    /**
     * The objects from {@code key} to the newest, oldest first: a checkpoint and every digest written after it (keys
     * count down, so these are the keys that sort at or before {@code key}). A check from a checkpoint reads these and
     * nothing older. Stores that read over the network override this to list no further than {@code key}.
     */
    default List<Stored> since(String key) {
        return all().stream().filter(s -> s.key().compareTo(key) <= 0).toList();
    }

    /** Stores {@code bytes} at {@code key} unless the key exists; false when it does (someone else wrote it first). */
    boolean create(String key, byte[] bytes);
}
