package org.appban.report;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Reports kept in memory, for tests. */
public final class InMemoryReports implements Reports {
    private final Map<String, byte[]> objects = new TreeMap<>();

    @Override
    public synchronized String put(String key, String contentType, byte[] content) {
        objects.put(Reports.checkKey(key), content.clone());
        return "memory:" + key;
    }

    public synchronized Optional<String> text(String key) {
        return Optional.ofNullable(objects.get(key)).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    public synchronized java.util.Set<String> keys() {
        return java.util.Set.copyOf(objects.keySet());
    }
}
