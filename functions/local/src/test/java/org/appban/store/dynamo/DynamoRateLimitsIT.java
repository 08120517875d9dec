package org.appban.store.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.appban.remote.ApiClient;
import org.appban.remote.ApiRequest;
import org.appban.remote.Authorizer;
import org.appban.remote.Budget;
import org.appban.remote.ConnectionLimit;
import org.appban.remote.RateLimit;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Sleeper;
import org.appban.remote.Transport;
import org.appban.testing.Concurrently;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The shared budgets against the emulator's DynamoDB (real conditional writes): many containers' limiters drawing
 * on one budget together keep every window within it; what a dead holder held comes back; no table, no request.
 */
class DynamoRateLimitsIT {
    private final DynamoTablesFixture tables = new DynamoTablesFixture();

    @AfterEach
    void dropTables() {
        tables.dropAll();
    }

    @Test
    void many_containers_drawing_on_one_budget_together_never_exceed_it_in_any_window_and_use_most_of_it() {
        String table = tables.table("RateBudgetsTable");
        // 1200 per 12 s: batches of up to 30 permits, leased for 300 ms.
        Budget budget = new Budget("graph/t/app/deviceManagement-writes", "writes", 1200, Duration.ofSeconds(12));
        int containers = 4, threadsEach = 4;
        long runNanos = Duration.ofSeconds(25).toNanos();
        List<DynamoRateLimits> limits = new ArrayList<>();
        for (int c = 0; c < containers; c++) {
            limits.add(new DynamoRateLimits(tables.dynamo(), table, Clock.systemUTC(), "container-" + c, Duration.ofSeconds(60)));
        }
        ConcurrentLinkedQueue<Long> sent = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        Concurrently.run(containers * threadsEach, i -> {
            RateLimit limit = limits.get(i / threadsEach).limit(budget);
            try {
                while (System.nanoTime() - start < runNanos) {
                    limit.take(Sleeper.REAL);
                    sent.add(System.nanoTime()); // the moment the request would leave
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        long[] at = sent.stream().mapToLong(Long::longValue).sorted().toArray();
        long window = budget.window().toNanos();
        int busiest = 0;
        for (int i = 0, j = 0; i < at.length; i++) {
            while (at[j] <= at[i] - window) j++;
            busiest = Math.max(busiest, i - j + 1);
        }
        assertTrue(busiest <= budget.limit(), "a " + budget.window() + " window saw " + busiest + " requests of a budget of " + budget.limit());
        // Over the whole run: most of what the budget allows (its steady rate is 95% of it; the rest is lost to
        // containers waiting for a refill at the same time, more of it on a loaded machine).
        double allowed = budget.limit() * (double) runNanos / window;
        assertTrue(at.length >= 0.8 * allowed, "sent " + at.length + " of the " + (int) allowed + " the budget allows in the run");
        // One write covers several requests: the item's version counts the writes. (Four containers sharing 97
        // permits a second with 300 ms leases use about 7 each per lease: that is what a batch can hold here.)
        var item = tables.dynamo().getItem(r -> r.tableName(table).key(Map.of("budget", AttributeValue.fromS(budget.key())))).item();
        long writes = Long.parseLong(item.get("v").n());
        System.out.printf("shared budget: %d requests of %.0f allowed, busiest window %d of %d, %d writes%n", at.length, allowed, busiest,
                budget.limit(), writes);
        assertTrue(writes * 2 <= at.length, writes + " writes for " + at.length + " requests");
    }

    @Test
    void permits_a_dead_container_took_lapse_with_its_lease_and_the_bucket_refills_for_the_others() {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Budget budget = new Budget("ise/ise:9060", "ISE", 200, Duration.ofSeconds(20)); // burst 5, lease 0.5 s
        DynamoRateLimits dead = new DynamoRateLimits(tables.dynamo(), table, clock, "dead", Duration.ofSeconds(60));
        DynamoRateLimits alive = new DynamoRateLimits(tables.dynamo(), table, clock, "alive", Duration.ofSeconds(60));
        Sleeper advancing = d -> clock.advance(d);
        RateLimit deadOnes = dead.limit(budget);
        // The dead container takes permits in growing batches until the bucket is empty, then dies holding some.
        int taken = 0;
        for (int i = 0; i < 5; i++) {
            take(deadOnes, advancing);
            taken++;
        }
        RateLimit others = alive.limit(budget);
        long before = clock.millis();
        for (int i = 0; i < 50; i++) take(others, advancing);
        double seconds = (clock.millis() - before) / 1000.0;
        // The others got the budget's steady rate: nothing the dead container held is missing for long.
        assertTrue(seconds <= 50 / budget.perSecond() + budget.lease().toMillis() / 1000.0 + 1, "50 permits took " + seconds + " s");
        assertEquals(5, taken);
    }

    @Test
    void a_batch_costs_one_write_or_two_whether_the_budget_is_idle_or_busy_and_a_container_at_its_own_pace_lets_none_lapse() {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Sleeper advancing = d -> clock.advance(d);
        Budget budget = new Budget("graph/t/app/deviceManagement-writes", "writes", 200, Duration.ofSeconds(20)); // burst 5, lease 0.5 s
        DynamoRateLimits limits = new DynamoRateLimits(tables.dynamo(), table, clock, "c", Duration.ofSeconds(60));
        RateLimit limit = limits.limit(budget);
        // Idle: a request every 3 s finds the bucket full (the update from now, perhaps after a failed ADD).
        for (int i = 0; i < 10; i++) {
            take(limit, advancing);
            clock.advance(Duration.ofSeconds(3));
        }
        DynamoRateLimits.BucketStats idle = limits.stats().get(0);
        assertTrue(idle.writes() <= 2 * idle.granted(), "idle: " + idle);
        // Busy: a request every 50 ms wants twice the budget's rate; the permits are reserved ahead, batch by batch.
        for (int i = 0; i < 200; i++) {
            take(limit, advancing);
            clock.advance(Duration.ofMillis(50));
        }
        DynamoRateLimits.BucketStats busy = limits.stats().get(0);
        long writes = busy.writes() - idle.writes(), used = busy.used() - idle.used();
        assertEquals(210, busy.used());
        assertTrue(writes * 3 <= used, "busy: " + writes + " writes for " + used + " permits: " + busy);
        assertTrue(busy.lapsed() <= 1, "permits lapsed: " + busy);
    }

    @Test
    void a_connection_slot_a_dead_holder_kept_comes_back_when_its_lease_runs_out() throws Exception {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Sleeper advancing = d -> clock.advance(d);
        String key = "jamf/example.jamfcloud.com/connections";
        // Two slots; two holders take them and die inside a request (enter without exit, no renewal).
        for (String holder : List.of("dead-1", "dead-2")) {
            new DynamoRateLimits(tables.dynamo(), table, clock, holder, Duration.ofSeconds(60)).connections(key, 2).enter(advancing);
        }
        ConnectionLimit third = new DynamoRateLimits(tables.dynamo(), table, clock, "third", Duration.ofSeconds(60)).connections(key, 2);
        Instant asked = clock.instant();
        third.enter(advancing); // waits (on the clock) for the first dead holder's lease to run out
        Duration waited = Duration.between(asked, clock.instant());
        third.exit();
        // The lease (60 s from when the dead holder took it), plus at most a tenth of jitter.
        assertTrue(waited.compareTo(Duration.ofSeconds(59)) >= 0 && waited.compareTo(Duration.ofSeconds(67)) <= 0, "waited " + waited);
        var holders = tables.dynamo().getItem(r -> r.tableName(table).key(Map.of("budget", AttributeValue.fromS(key)))).item().get("holders").m();
        assertTrue(holders.containsKey("third") && holders.size() <= 2, "holders: " + holders.keySet());
    }

    @Test
    void with_the_budgets_table_out_of_reach_no_request_reaches_the_api_and_the_error_says_why() {
        AtomicInteger requests = new AtomicInteger();
        Transport counting = (api, request, authorization, timeout) -> {
            requests.incrementAndGet();
            throw new IOException("no API here either");
        };
        DynamoRateLimits missing = new DynamoRateLimits(tables.dynamo(), "appban-no-such-table-" + System.nanoTime(), Clock.systemUTC(), "c",
                Duration.ofSeconds(60));
        RemoteOptions options = RemoteOptions.standard(Clock.systemUTC()).withLimits(missing).withTransport(counting);
        RateLimit limit = options.limit("graph/t/app/deviceManagement", "Graph deviceManagement", 2000, Duration.ofSeconds(20));
        ApiClient api = new ApiClient("intune", options, (m, p) -> List.of(limit), Authorizer.NONE);
        var e = assertThrows(DynamoRateLimits.BudgetUnavailableException.class,
                () -> api.send("list devices", ApiRequest.to(URI.create("http://127.0.0.1:9/v1.0/deviceManagement/managedDevices"))));
        assertTrue(e.getMessage().contains("cannot be reached") && e.getMessage().contains("not calling the API"), e.getMessage());
        assertEquals(0, requests.get());
    }

    private static void take(RateLimit limit, Sleeper sleeper) {
        try {
            limit.take(sleeper);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A clock the test moves: the limiters' waits advance it instead of sleeping. */
    private static final class MutableClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-07T12:00:00Z").toEpochMilli());

        void advance(Duration d) {
            millis.addAndGet(Math.max(1, d.toMillis()));
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
