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
import java.util.PriorityQueue;
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
        DynamoRateLimits dead = new DynamoRateLimits(tables.dynamo(), table, clock, "dead", Duration.ofSeconds(60), clock);
        DynamoRateLimits alive = new DynamoRateLimits(tables.dynamo(), table, clock, "alive", Duration.ofSeconds(60), clock);
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
        DynamoRateLimits limits = new DynamoRateLimits(tables.dynamo(), table, clock, "c", Duration.ofSeconds(60), clock);
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
    void a_container_with_work_has_its_next_batch_asked_for_ahead_so_once_its_pace_is_known_it_never_waits_on_the_table() {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Sleeper advancing = d -> clock.advance(d);
        Budget budget = new Budget("ise/ise:9060", "ISE", 400, Duration.ofSeconds(20)); // burst 10, lease 0.5 s, 19 a second
        DynamoRateLimits limits = new DynamoRateLimits(tables.dynamo(), table, clock, "c", Duration.ofSeconds(60), clock);
        RateLimit limit = limits.limit(budget);
        // A request every 150 ms, below the budget's rate: only the table could hold it up.
        for (int i = 0; i < 100; i++) {
            take(limit, advancing);
            clock.advance(Duration.ofMillis(150));
        }
        DynamoRateLimits.BucketStats steady = limits.stats().get(0);
        assertEquals(100, steady.used());
        // The first batch and the one after it (the pace is known from the second take) were the caller's own.
        assertTrue(steady.tableWaits() <= 2, "went to the table itself " + steady.tableWaits() + " times: " + steady);
        assertTrue(steady.prefetched() >= 100 / 3 - 2, "batches asked for ahead: " + steady);
        assertEquals(0, steady.waits(), "never waited in take: " + steady);
        assertEquals(0, steady.lapsed(), "the batches fit its pace: " + steady);
        // The work stops: the rest of its batch and the one asked for ahead lapse (three each at its pace).
        clock.advance(budget.window());
        DynamoRateLimits.BucketStats after = limits.stats().get(0);
        assertTrue(after.lapsed() <= 2 * 3, "lapsed when the work stopped: " + after);
    }

    @Test
    void a_container_slower_than_a_lease_gets_its_next_permit_just_before_its_next_request_and_none_lapse() {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Sleeper advancing = d -> clock.advance(d);
        Budget budget = new Budget("graph/t/app/deviceManagement-writes", "writes", 200, Duration.ofSeconds(20)); // lease 0.5 s
        DynamoRateLimits limits = new DynamoRateLimits(tables.dynamo(), table, clock, "c", Duration.ofSeconds(60), clock);
        RateLimit limit = limits.limit(budget);
        for (int i = 0; i < 20; i++) {
            take(limit, advancing);
            clock.advance(Duration.ofSeconds(2));
        }
        DynamoRateLimits.BucketStats s = limits.stats().get(0);
        assertEquals(20, s.used());
        assertTrue(s.tableWaits() <= 2, s.toString());
        assertEquals(0, s.lapsed(), "a permit asked for 2 s ahead would lapse; one asked for just before is used: " + s);
        assertEquals(s.used() + 1, s.granted(), "one permit a request, and the next one's on its way: " + s);
    }

    @Test
    void a_containers_first_permit_comes_at_once_and_its_share_among_the_containers_that_drew_lately_right_behind() {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Sleeper advancing = d -> clock.advance(d);
        Budget budget = new Budget("ise/ise:9060", "ISE", 400, Duration.ofSeconds(20)); // burst 10
        List<DynamoRateLimits> containers = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            DynamoRateLimits c = new DynamoRateLimits(tables.dynamo(), table, clock, name, Duration.ofSeconds(60), clock);
            take(c.limit(budget), advancing);
            containers.add(c);
        }
        // a, alone: one permit, nothing ahead. b, with a drawing: one, and half the burst asked for ahead at once.
        // c, the third: one, and a third of it.
        assertEquals(List.of(1L, 1L + 5, 1L + 3), containers.stream().map(c -> c.stats().get(0).granted()).toList());
        assertEquals(List.of(0L, 1L, 1L), containers.stream().map(c -> c.stats().get(0).prefetched()).toList());
        // b and c found the bucket busy as they guessed: one write each for the first permit, one for the share.
        for (DynamoRateLimits c : containers.subList(1, 3)) {
            DynamoRateLimits.BucketStats first = c.stats().get(0);
            assertEquals(0, first.lostWrites(), first.toString());
            assertEquals(2, first.writes(), first.toString());
        }
        // Two windows later the three are gone (they drew on it no more): a new container is alone again.
        clock.advance(budget.window().multipliedBy(2));
        DynamoRateLimits later = new DynamoRateLimits(tables.dynamo(), table, clock, "d", Duration.ofSeconds(60), clock);
        take(later.limit(budget), advancing);
        assertEquals(1, later.stats().get(0).granted());
        var item = tables.dynamo().getItem(r -> r.tableName(table).key(Map.of("budget", AttributeValue.fromS(budget.key())))).item();
        long names = item.keySet().stream().filter(k -> k.matches("d\\d+")).mapToLong(k -> item.get(k).ss().size()).sum();
        assertEquals(1, names, "the gone containers' names were cleared from the item: " + item.keySet());
    }

    @Test
    void containers_drawing_on_a_new_budget_at_once_each_get_their_first_permit_in_one_write() {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Sleeper advancing = d -> clock.advance(d);
        Budget budget = new Budget("ise/ise:9060", "ISE", 500, Duration.ofSeconds(10)); // burst 12, a permit every 21 ms
        // Fifteen containers at the same moment, the budget's item not there yet: the first write creates the bucket
        // (full, so its permit starts now) and every other one queues behind it with the same update, none losing.
        List<DynamoRateLimits> containers = new ArrayList<>();
        long now = clock.millis();
        for (int i = 0; i < 15; i++) {
            DynamoRateLimits c = new DynamoRateLimits(tables.dynamo(), table, clock, "c" + i, Duration.ofSeconds(60), clock);
            c.limit(budget).takeNow();
            containers.add(c);
        }
        List<Long> leaseStarts = new ArrayList<>();
        for (DynamoRateLimits c : containers) {
            DynamoRateLimits.EarlyGrant first = c.starts().get(0).grants().get(0);
            assertEquals(1, first.writes(), "one write: " + first);
            assertEquals(0, first.lost(), "none lost: " + first);
            assertEquals(1, first.permits());
            leaseStarts.add(first.leaseStart() - now);
        }
        // In line, in the order they came: the first at once, the later ones reserved behind the others' permits
        // (their first and the share each asked for ahead), never more than the burst at once.
        assertEquals(0, leaseStarts.get(0));
        assertEquals(leaseStarts.stream().sorted().toList(), leaseStarts, "in line: " + leaseStarts);
        take(containers.get(14).limit(budget), advancing);
        assertEquals(now + leaseStarts.get(14), clock.millis(), "the last took its permit when its lease began");
    }

    @Test
    void a_container_starting_on_a_bucket_with_room_takes_what_its_pace_uses_in_a_lease_without_climbing_by_doubling() {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Sleeper advancing = d -> clock.advance(d);
        Budget budget = new Budget("ise/ise:9060", "ISE", 500, Duration.ofSeconds(10)); // burst 12, lease 250 ms
        DynamoRateLimits limits = new DynamoRateLimits(tables.dynamo(), table, clock, "c", Duration.ofSeconds(60), clock);
        RateLimit limit = limits.limit(budget);
        // A request every 20 ms on an idle budget: twelve fit a lease. Climbing 1, 2, 4, 8 cost a grant (a round
        // trip, on the caller's thread for the second) each; the pace's worth at once after the first does not.
        for (int i = 0; i < 13; i++) {
            take(limit, advancing);
            clock.advance(Duration.ofMillis(20));
        }
        List<Integer> sizes = limits.starts().get(0).grants().stream().map(DynamoRateLimits.EarlyGrant::permits).toList();
        assertEquals(List.of(1, 12), sizes.subList(0, 2), "first grants: " + sizes);
        DynamoRateLimits.BucketStats s = limits.stats().get(0);
        assertEquals(0, s.lapsed(), "the pace's worth is used: " + s);
    }

    @Test
    void a_warm_container_back_after_a_quiet_spell_finds_the_bucket_full_in_one_write() {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Sleeper advancing = d -> clock.advance(d);
        Budget budget = new Budget("ise/ise:9060", "ISE", 500, Duration.ofSeconds(10));
        DynamoRateLimits a = new DynamoRateLimits(tables.dynamo(), table, clock, "a", Duration.ofSeconds(60), clock);
        DynamoRateLimits b = new DynamoRateLimits(tables.dynamo(), table, clock, "b", Duration.ofSeconds(60), clock);
        // Both draw together for a while: each knows the other draws on it too.
        for (int i = 0; i < 20; i++) {
            take(a.limit(budget), advancing);
            take(b.limit(budget), advancing);
            clock.advance(Duration.ofMillis(30));
        }
        // Then nothing for two windows: the bucket is full again, and what a learned of b is old news.
        clock.advance(budget.window().multipliedBy(2));
        long writes = a.stats().get(0).writes(), lost = a.stats().get(0).lostWrites();
        take(a.limit(budget), advancing);
        assertEquals(writes + 1, a.stats().get(0).writes(), "one write: " + a.stats().get(0));
        assertEquals(lost, a.stats().get(0).lostWrites(), "none lost (an ADD on a full bucket fails): " + a.stats().get(0));
    }

    @Test
    void after_a_quiet_spell_of_any_length_a_new_container_is_alone_on_the_budget() {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Sleeper advancing = d -> clock.advance(d);
        Budget budget = new Budget("ise/ise:9060", "ISE", 400, Duration.ofSeconds(20)); // burst 10
        for (String name : List.of("a", "b", "c")) {
            take(new DynamoRateLimits(tables.dynamo(), table, clock, name, Duration.ofSeconds(60), clock).limit(budget), advancing);
        }
        // Three windows of nothing, then eleven: whatever the spell's length, a, b and c drew on it long ago. (Sets named
        // by the window modulo three counted them as drawing now after three.)
        for (int windows : List.of(3, 11)) {
            clock.advance(budget.window().multipliedBy(windows));
            DynamoRateLimits later = new DynamoRateLimits(tables.dynamo(), table, clock, "new-" + windows, Duration.ofSeconds(60), clock);
            take(later.limit(budget), advancing);
            assertEquals(1, later.stats().get(0).granted(), "alone: one permit, no share of the burst asked for ahead: " + later.stats());
        }
        var item = tables.dynamo().getItem(r -> r.tableName(table).key(Map.of("budget", AttributeValue.fromS(budget.key())))).item();
        assertTrue(item.keySet().stream().filter(k -> k.matches("d\\d+")).count() <= 3, "old windows' sets removed: " + item.keySet());
    }

    @Test
    void a_permit_given_back_unused_is_the_next_take_without_going_to_the_table_and_only_once() {
        String table = tables.table("RateBudgetsTable");
        MutableClock clock = new MutableClock();
        Budget budget = new Budget("graph/t/app/deviceManagement-writes", "writes", 200, Duration.ofSeconds(20));
        DynamoRateLimits limits = new DynamoRateLimits(tables.dynamo(), table, clock, "c", Duration.ofSeconds(60), clock);
        RateLimit limit = limits.limit(budget);
        assertTrue(limit.takeNow()); // a batch of one (alone on a full bucket)
        limit.giveBack(); // the request's other budget had nothing now: this one was not sent
        DynamoRateLimits.BucketStats given = limits.stats().get(0);
        assertEquals(0, given.used());
        assertTrue(limit.takeNow());
        DynamoRateLimits.BucketStats again = limits.stats().get(0);
        assertEquals(given.tableWaits(), again.tableWaits(), "the permit given back, not a new batch: " + again);
        assertEquals(1, again.used());
        // Given back once, not twice: a batch never hands out more than it was granted.
        limit.giveBack();
        limit.giveBack();
        assertEquals(0, limits.stats().get(0).used());
        // Nor after its lease: it has lapsed.
        assertTrue(limit.takeNow());
        clock.advance(budget.lease());
        limit.giveBack();
        assertEquals(1, limits.stats().get(0).used());
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

    /**
     * A clock the test moves: the limiters' waits advance it instead of sleeping, and their prefetches run on it,
     * each when the clock reaches its moment (on the test's thread, so a run is the same every time).
     */
    private static final class MutableClock extends Clock implements DynamoRateLimits.Prefetcher {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-07T12:00:00Z").toEpochMilli());
        private final PriorityQueue<Due> due = new PriorityQueue<>();
        private long order;

        private record Due(long at, long order, Runnable ask) implements Comparable<Due> {
            @Override
            public int compareTo(Due o) {
                return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
            }
        }

        @Override
        public void later(Runnable ask, long delayMillis) {
            if (delayMillis <= 0) ask.run();
            else due.add(new Due(millis.get() + delayMillis, order++, ask));
        }

        void advance(Duration d) {
            long to = millis.get() + Math.max(1, d.toMillis());
            while (!due.isEmpty() && due.peek().at() <= to) {
                Due next = due.poll();
                millis.set(Math.max(millis.get(), next.at()));
                next.ask().run();
            }
            millis.set(to);
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
