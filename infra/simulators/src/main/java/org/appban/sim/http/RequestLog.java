package org.appban.sim.http;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** Every request a simulator received, in arrival order. */
public final class RequestLog {
    // Not copy-on-write: a benchmark logs hundreds of thousands of requests, and copying the log at each would cost
    // quadratic time. Readers get a weakly consistent view, in arrival order.
    private final ConcurrentLinkedQueue<RecordedRequest> entries = new ConcurrentLinkedQueue<>();
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
