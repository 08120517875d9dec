package org.appban.remote;

import java.time.Duration;

/** Waits. Injected so tests can observe and shorten the client's waits. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> {
        if (!d.isNegative() && !d.isZero()) Thread.sleep(d);
    };
}
