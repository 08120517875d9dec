package org.appban.sim.http;

import java.time.Duration;

/** Something that goes wrong with one request, instead of the normal answer. */
public sealed interface Fault {
    /** A server error (500, 502, 503, 504). */
    record ServerError(int status) implements Fault {
    }

    /** 429 Too Many Requests, with a Retry-After of that many seconds, or none when null. */
    record Throttle(Long retryAfterSeconds) implements Fault {
    }

    /** The server holds the request that long before answering: past any sane client timeout. */
    record Hang(Duration duration) implements Fault {
    }

    static Fault serverError(int status) {
        return new ServerError(status);
    }

    static Fault throttle(long retryAfterSeconds) {
        return new Throttle(retryAfterSeconds);
    }

    static Fault throttleWithoutRetryAfter() {
        return new Throttle(null);
    }

    static Fault hang(Duration d) {
        return new Hang(d);
    }
}
