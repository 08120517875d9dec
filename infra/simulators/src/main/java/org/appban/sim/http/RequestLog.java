package org.appban.sim.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** Every request a simulator received, in arrival order. */
public final class RequestLog {
    private final List<RecordedRequest> entries = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong();

    long nextSeq() {
        return seq.incrementAndGet();
    }

    void add(RecordedRequest r) {
        entries.add(r);
    }

    public List<RecordedRequest> all() {
        return List.copyOf(entries);
    }

    public List<RecordedRequest> matching(Predicate<RecordedRequest> p) {
        return entries.stream().filter(p).toList();
    }

    public long count(Predicate<RecordedRequest> p) {
        return entries.stream().filter(p).count();
    }

    public void clear() {
        entries.clear();
    }
}
