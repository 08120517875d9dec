package org.appban.remote;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Where the adapters' budgets are held. In production every container draws on one shared store (DynamoDB,
 * {@code org.appban.store.dynamo.DynamoRateLimits}); {@link #inProcess()} holds them in this JVM, for the
 * rehearsal, tests, and SnapStart priming (which must do no I/O). Either way, clients asking for the same budget
 * (key, limit and window) get the same budget.
 */
public interface RateLimits {
    RateLimit limit(Budget budget);

    /** At most {@code cap} requests in flight at once under {@code key}, over every client. */
    ConnectionLimit connections(String key, int cap);

    /** Budgets held in this process: a token bucket per key, a semaphore per connection cap. */
    static RateLimits inProcess() {
        Map<Budget, RateLimit> buckets = new ConcurrentHashMap<>();
        Map<String, ConnectionLimit> caps = new ConcurrentHashMap<>();
        return new RateLimits() {
            @Override
            public RateLimit limit(Budget budget) {
                return buckets.computeIfAbsent(budget, b -> TokenBucket.of(b, System::nanoTime));
            }

            @Override
            public ConnectionLimit connections(String key, int cap) {
                return caps.computeIfAbsent(key, k -> {
                    Semaphore slots = new Semaphore(cap, true);
                    return new ConnectionLimit() {
                        @Override
                        public void enter(Sleeper sleeper) throws InterruptedException {
                            slots.acquire();
                        }

                        @Override
                        public void exit() {
                            slots.release();
                        }
                    };
                });
            }
        };
    }
}
