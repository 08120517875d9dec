package org.appban.inventory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.appban.domain.Actor;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.fleet.SourcePage;
import org.appban.network.RegisteredDevice;
import org.appban.ports.DeviceStore;
import org.appban.remote.RemoteFailure;
import org.appban.work.Continuation;
import org.appban.work.WorkBatch;
import org.appban.work.WorkSteps;

/**
 * The hourly inventory sync as a round of queued steps, for a fleet no invocation lists whole. One part: the sources
 * in turn (each MDM, then the NAC's registry), because the registry's devices are those no MDM accounts for and so
 * come after the MDMs' have been saved. A step follows each source's own paging cursor (Graph's nextLink, Jamf's page,
 * ISE's page) a page at a time, stops starting pages when its invocation is short of time, and hands the rest on
 * ({@link WorkSteps}): the cursor names the source, the phase and the source's cursor. It never fails on purpose.
 *
 * <p><b>Gone, without reading the fleet.</b> "Not in this listing" cannot be a set held in memory across
 * invocations. Each round runs in a stamp period (a day by default, {@link InventorySync#STAMP_PERIOD}), fixed by the
 * moment it started: a page's devices are read by key, and a device is written when it changed or when its stored stamp
 * is older than the period (so at most once a period for the stamp; the hourly cost of writes follows the changes,
 * not the fleet). When a source's listing has reached its last page with no failure, the round Queries that source's
 * stamps before the period ({@link DeviceStore#stale}, sixteen shards): what is there was not listed by this complete
 * listing, so the source no longer reports it. Each candidate is read again by key, consistently, and marked gone
 * only if it still carries the old stamp (a conditional write). Why this is right:
 * <ul>
 *   <li>no false "gone": every device this listing returned carries this period's stamp (or a later round's) before
 *       the sweep starts, and a stamp never goes back; a step run again stamps again with the same value;</li>
 *   <li>no missed "gone": a device not returned keeps its older stamp and is found;</li>
 *   <li>a listing that fails part-way never reaches its sweep, so it marks nothing gone; the next complete one sweeps
 *       every older period at once (the Query asks for all periods before the current one);</li>
 *   <li>the price: a device that vanishes after a period's first complete listing already stamped it is found by the
 *       first complete listing of the next period, so "gone" comes up to a period (plus a listing) late.</li>
 * </ul>
 *
 * <p>Reads are bounded by the work: a page's devices by key (one BatchGetItem a hundred); the sweep's Queries return
 * only the candidates (none most hours, a period's vanished devices once a period), sixteen small Queries a source
 * when they return nothing. No Scan of the devices table.
 */
public final class InventoryRound {
    public static final String KIND = "inventory-round";
    static final String LISTED = "listed";
    static final String SAVED = "saved";
    static final String GONE = "gone";
    static final String FAILED = "failed";
    /** Candidates read a page at a time. */
    static final int STALE_PAGE = 100;

    private final InventorySync sync;
    private final WorkSteps work;
    private final Clock clock;

    public InventoryRound(InventorySync sync, WorkSteps work, Clock clock) {
        if (!work.gate().kind().equals(KIND)) throw new IllegalArgumentException("the gate lets in " + work.gate().kind() + ", not " + KIND);
        this.sync = sync;
        this.work = work;
        this.clock = clock;
    }

    /**
     * The schedule's run: hands the round on as its first step. The round is named by the schedule and the second it
     * started (UTC), which fixes its stamp period however long its steps take. The same delivery run twice hands on the
     * same step, which the gate refuses as a replay; a schedule delivered twice a while apart starts two rounds, and
     * the second writes nothing the first wrote (a stamp of the same period, an unchanged device).
     */
    public Map<String, Object> start(String schedule) {
        String round = schedule + "/" + name(clock.instant());
        work.start(round, 1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", "schedule");
        out.put("status", "handed-on");
        out.put("schedule", schedule);
        out.put("round", round);
        out.put("period", sync.period(startOf(round)));
        return out;
    }

    /** A batch from the round's queue. */
    public Map<String, Object> steps(WorkBatch batch, String runId, long remainingMillis, BooleanSupplier timeLeft, Consumer<Map<String, Object>> log) {
        return work.run(batch, runId, remainingMillis, c -> step(c, timeLeft), log);
    }

    /** A round's start in its name: the second, UTC ({@code yyyy-MM-ddTHH:mm:ss}). */
    static String name(Instant start) {
        return java.time.LocalDateTime.ofInstant(start.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }

    /** The second a round started, from its name ({@code <schedule>/<yyyy-MM-ddTHH:mm:ss>}): its period follows. */
    static Instant startOf(String round) {
        int slash = round.lastIndexOf('/');
        String at = round.substring(slash + 1);
        try {
            if (at.length() != 19) throw new DateTimeParseException("not to the second", at, 0);
            return java.time.LocalDateTime.parse(at).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("round '" + round + "' does not end in the second it started (yyyy-MM-ddTHH:mm:ss)");
        }
    }

    /**
     * What the gate checks of a message beyond its shape ({@link org.appban.work.ContinuationGate}'s check): the round
     * names the second it started, and the cursor is a position among {@code sources}; null when it is one of this
     * round's, else what is wrong (the message is then refused and recorded, never run from a guessed position).
     */
    public static String check(Continuation c, int sources) {
        try {
            startOf(c.round());
            if (c.parts() != 1) return "an inventory round has one part, not " + c.parts();
            Position.parse(c.cursor(), sources);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The sources a round of this sync lists: its MDMs, and the registry when it reads one. */
    public static int sources(InventorySync sync) {
        return sync.mdms().size() + (sync.registry().isPresent() ? 1 : 0);
    }

    private WorkSteps.Outcome step(Continuation c, BooleanSupplier timeLeft) {
        long period = sync.period(startOf(c.round()));
        Position at = Position.parse(c.cursor(), sources());
        Actor actor = Actor.schedule(c.round().substring(0, Math.max(0, c.round().indexOf('/'))));
        InventorySync.Run run = sync.stepRun(actor, period);
        Map<String, String> memberByAddress = null;
        List<String> failures = new ArrayList<>();
        int listed = 0;
        FleetInventory.Listing listing = null;
        int listingFor = -1;
        try {
            boolean worked = false;
            while (!at.done(sources())) {
                // One page at least before the clock is asked: a step always moves its part on, so a round cut at
                // every look at the clock still ends.
                if (worked && !timeLeft.getAsBoolean()) {
                    return WorkSteps.Outcome.handOn(at.toString(), tally(c, run, listed, failures), report(run, listed, failures, at));
                }
                String source = sourceName(at.source);
                worked = true;
                if (at.sweep) {
                    DeviceStore.StalePage stale = sync.devices().stale(source, at.shard, period, at.cursor, STALE_PAGE);
                    run.markStale(source, stale.ids());
                    at = stale.next() != null ? Position.sweep(at.source, at.shard, stale.next())
                            : at.shard + 1 < DeviceStore.STAMP_SHARDS ? Position.sweep(at.source, at.shard + 1, null) : Position.list(at.source + 1, null);
                    continue;
                }
                if (memberByAddress == null) memberByAddress = sync.memberIndex();
                try {
                    boolean registry = at.source == sync.mdms().size();
                    String next;
                    if (registry) {
                        SourcePage<RegisteredDevice> page = sync.registry().orElseThrow().page(at.cursor);
                        run.applyRegistryPage(page.items(), memberByAddress);
                        listed += page.items().size();
                        next = page.next();
                    } else {
                        if (listing == null) {
                            listing = sync.mdms().get(at.source).listing(sync.policy().app());
                            listingFor = at.source;
                        }
                        SourcePage<InventoriedDevice> page = listing.page(at.cursor);
                        run.apply(page.items(), memberByAddress, null);
                        listed += page.items().size();
                        next = page.next();
                    }
                    at = next != null ? Position.list(at.source, next) : Position.sweep(at.source, 0, null);
                } catch (RemoteFailure | IllegalArgumentException e) {
                    // The listing failed part-way (or its cursor is no longer the source's): it says nothing of the devices
                    // it did not reach, so nothing of this source is marked gone this round; the next source goes on.
                    failures.add(source + ": listing failed at " + (at.cursor == null ? "its first page" : "a later page") + " ("
                            + (e instanceof RemoteFailure r ? r.kind() : "cursor") + "): " + e.getMessage());
                    at = Position.list(at.source + 1, null);
                }
                if (listing != null && (at.sweep || at.source != listingFor)) {
                    listing.close();
                    listing = null;
                }
            }
        } finally {
            if (listing != null) listing.close();
        }
        return WorkSteps.Outcome.partDone(tally(c, run, listed, failures), report(run, listed, failures, null));
    }

    private int sources() {
        return sources(sync);
    }

    private String sourceName(int source) {
        return source == sync.mdms().size() ? InventorySync.REGISTRY : sync.mdms().get(source).mdm().wireName();
    }

    private static Map<String, Long> tally(Continuation c, InventorySync.Run run, int listed, List<String> failures) {
        Map<String, Long> t = new TreeMap<>();
        t.put(LISTED, c.tally(LISTED) + listed);
        t.put(SAVED, c.tally(SAVED) + run.saved);
        t.put(GONE, c.tally(GONE) + run.gone);
        t.put(FAILED, c.tally(FAILED) + failures.size());
        return t;
    }

    private static Map<String, Object> report(InventorySync.Run run, int listed, List<String> failures, Position at) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("devices", listed);
        r.put("saved", run.saved);
        r.put("gone", run.gone);
        r.put("changes", new TreeMap<>(run.changeCounts));
        if (run.overtaken > 0) r.put("overtaken", run.overtaken);
        if (run.unregistered > 0) r.put("unregistered", run.unregistered);
        if (!run.unknownOwners.isEmpty()) r.put("unknownOwners", run.unknownOwners.size());
        if (!run.badInput.isEmpty()) r.put("badInput", run.badInput);
        if (!failures.isEmpty()) r.put("failures", failures);
        return r;
    }

    /**
     * Where the round stands: a source (its index: the MDMs in order, then the registry), listing from the source's
     * cursor, or sweeping its stamps from a shard and a position in it. Written {@code <source>|L|<cursor>} or
     * {@code <source>|S|<shard>|<position>} (the source's cursor last: it is the source's text).
     */
    record Position(int source, boolean sweep, int shard, String cursor) {
        static Position list(int source, String cursor) {
            return new Position(source, false, 0, cursor);
        }

        static Position sweep(int source, int shard, String cursor) {
            return new Position(source, true, shard, cursor);
        }

        boolean done(int sources) {
            return source >= sources;
        }

        static Position parse(String cursor, int sources) {
            if (cursor == null) return list(0, null);
            String[] parts = cursor.split("\\|", 4);
            try {
                int source = Integer.parseInt(parts[0]);
                if (source < 0 || source > sources) throw new IllegalArgumentException("source " + source + " of " + sources);
                if (parts.length >= 2 && parts[1].equals("L") && parts.length == 3) {
                    return list(source, parts[2].isEmpty() ? null : parts[2]);
                }
                if (parts.length == 4 && parts[1].equals("S")) {
                    int shard = Integer.parseInt(parts[2]);
                    if (shard < 0 || shard >= DeviceStore.STAMP_SHARDS) throw new IllegalArgumentException("shard " + shard);
                    return sweep(source, shard, parts[3].isEmpty() ? null : parts[3]);
                }
            } catch (NumberFormatException e) {
                // falls through to the refusal below
            }
            throw new IllegalArgumentException("not an inventory round's position: '" + cursor + "'");
        }

        @Override
        public String toString() {
            String rest = cursor == null ? "" : cursor;
            return sweep ? source + "|S|" + shard + "|" + rest : source + "|L|" + rest;
        }
    }
}
