package org.appban.fleet;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.appban.remote.RemoteFailure;

/**
 * Several listings of one API fetched at once and handed to one consumer as a single stream, page by page.
 *
 * <p>Why: a listing that follows {@code nextLink}s is one request at a time, so a sync that pages one cursor is bound
 * by the API's latency, not by its budget. Independent cursors (partitions of a listing, a second listing the first
 * needs) run on their own threads here, each a page ahead of the consumer, all drawing on the adapter's one token
 * bucket, which keeps the total under the published budget.
 *
 * <p>Memory stays bounded: at most {@code capacity} pages wait for the consumer, and a producer blocks when they are
 * there. The first failure of any producer ends the stream with that failure (the others are cancelled); closing the
 * stream cancels every producer.
 */
public final class PagePipeline<T> implements AutoCloseable {
    /** A producer: fetches its pages and hands each to {@code emit}, which blocks while the consumer is behind. */
    @FunctionalInterface
    public interface Producer<T> {
        void run(Emitter<T> emit) throws InterruptedException;
    }

    @FunctionalInterface
    public interface Emitter<T> {
        void page(List<T> items) throws InterruptedException;
    }

    private record Failure(RuntimeException error) {
    }

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final ExecutorService threads;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();

    public PagePipeline(String name, int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a producer. A producer may start others before it ends (the stream ends when the last one has), so a
     * planning step can decide the partitions and start one producer each.
     */
    public void produce(Producer<T> producer) {
        active.incrementAndGet();
        threads.execute(() -> {
            try {
                producer.run(this::emit);
            } catch (InterruptedException e) {
                // Cancelled: the stream was closed or another producer failed.
            } catch (RuntimeException e) {
                fail(e);
            } finally {
                if (active.decrementAndGet() == 0 && !failed.get()) offer(END);
            }
        });
    }

    /** Runs work whose result producers wait for (it emits nothing; a failure surfaces where it is awaited). */
    public <R> Future<R> side(Callable<R> work) {
        return threads.submit(work);
    }

    private void emit(List<T> items) throws InterruptedException {
        if (closed.get() || failed.get()) throw new InterruptedException("closed");
        if (!items.isEmpty()) queue.put(items);
    }

    private void fail(RuntimeException e) {
        if (closed.get() || !failed.compareAndSet(false, true)) return;
        queue.clear();
        offer(new Failure(e));
    }

    private void offer(Object o) {
        // Never blocks: a failure or the end must get through even when the consumer is gone; the queue holds one spare.
        if (!queue.offer(o)) {
            queue.clear();
            queue.offer(o);
        }
    }

    /** The items of every producer's pages, in the order the pages arrive. */
    public Stream<T> stream() {
        Iterator<T> it = new Iterator<>() {
            private Iterator<T> page = List.<T>of().iterator();
            private boolean done;

            @Override
            @SuppressWarnings("unchecked")
            public boolean hasNext() {
                while (!page.hasNext() && !done) {
                    Object next;
                    try {
                        next = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        close();
                        throw new RemoteFailure(RemoteFailure.Kind.TRANSIENT, "listing", "wait for a page", 0, "interrupted", e);
                    }
                    if (next == END) {
                        done = true;
                        close();
                    } else if (next instanceof Failure f) {
                        done = true;
                        close();
                        throw f.error();
                    } else {
                        page = ((List<T>) next).iterator();
                    }
                }
                return page.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) throw new NoSuchElementException();
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) threads.shutdownNow();
    }
}
