package org.appban.access;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Round trips that need nothing of each other, overlapped: each on a daemon thread of its own (it never keeps a
 * function's JVM alive), its result or failure joined where it is needed. A request a person waits for (the MDM
 * webhook) makes a dozen small calls; one after another they cost a dozen round trips, overlapped a few.
 */
public final class Alongside<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();

    private Alongside(Supplier<T> work) {
        Thread.ofPlatform().daemon().name("appban-alongside").start(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
    }

    /** Starts {@code work} now, beside whatever the caller does next. */
    public static <T> Alongside<T> start(Supplier<T> work) {
        return new Alongside<>(work);
    }

    /** Starts {@code work} now; {@link #join} then says only whether it succeeded. */
    public static Alongside<Void> run(Runnable work) {
        return new Alongside<>(() -> {
            work.run();
            return null;
        });
    }

    /** An answer already known: nothing to start. */
    public static <T> Alongside<T> done(T value) {
        return new Alongside<>(value);
    }

    private Alongside(T value) {
        result.complete(value);
    }

    /** The result, or what the work threw, as it threw it. */
    public T join() {
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /**
     * Waits for the work to end, whatever it did: a request that answers early (a refusal, a failure elsewhere) leaves
     * nothing in flight behind it, to run on after its answer (Lambda freezes a container between invocations).
     */
    public void settle() {
        try {
            result.join();
        } catch (RuntimeException e) {
            // Its outcome is not wanted: the caller answers from what it has.
        }
    }
}
