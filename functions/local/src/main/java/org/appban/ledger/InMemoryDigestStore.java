package org.appban.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Digests in memory, in key order (newest first, as in the bucket): the rehearsal and tests. */
public final class InMemoryDigestStore implements DigestStore {
    private final TreeMap<String, byte[]> objects = new TreeMap<>();

    @Override
    public synchronized Optional<Stored> newest() {
        for (Map.Entry<String, byte[]> e : objects.entrySet()) {
            if (e.getKey().startsWith("digests/")) return Optional.of(new Stored(e.getKey(), e.getValue().clone()));
        }
        return Optional.empty();
    }

    @Override
    public synchronized List<Stored> all() {
        List<Stored> all = new ArrayList<>();
        objects.descendingMap().forEach((k, v) -> {
            if (k.startsWith("digests/")) all.add(new Stored(k, v.clone()));
        });
        return all;
    }

    @Override
    public synchronized boolean create(String key, byte[] bytes) {
        return objects.putIfAbsent(key, bytes.clone()) == null;
    }

    /** What an insider with write access to an unlocked store could do; tests use it to show the check finds it. */
    public synchronized void replace(String key, byte[] bytes) {
        objects.put(key, bytes.clone());
    }

    public synchronized void remove(String key) {
        objects.remove(key);
    }
}
