package org.appban.sim.world;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.appban.sim.SimClock;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.fleet.FleetEvent;

/**
 * The simulated fleet as it really is, shared by every simulator: devices, what is installed on them, their
 * check-ins and the owners' actions from the fleet's {@code events[]}, applied in time order as the clock passes them.
 *
 * <p>Every read or change of device state happens under this object's monitor, so the simulators see one consistent
 * world however many requests arrive at once.
 */
public final class SimWorld {
    private final Fleet fleet;
    private final SimClock clock;
    private final Map<String, SimDevice> devices = new LinkedHashMap<>();
    private final List<FleetEvent> pending;
    private final PriorityQueue<Due> checkIns = new PriorityQueue<>(Comparator.comparing(Due::at).thenComparing(Due::device));
    private final List<MdmBehaviour> behaviours = new CopyOnWriteArrayList<>();
    // Appended under the world's lock, read from anywhere; not copy-on-write, so a large fleet's history stays linear.
    private final java.util.concurrent.ConcurrentLinkedQueue<WorldEntry> history = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final List<Consumer<WorldEntry>> watchers = new CopyOnWriteArrayList<>();
    /** The devices never change identity (only their state does): one list, not a copy per listing request. */
    private List<SimDevice> all = List.of();
    /**
     * Bumped by every change to which devices are present, enrolled or report which apps, so that a simulator can
     * keep derived views (a listing's device list) until the world changes instead of rebuilding them per request.
     */
    private long version;

    private record Due(Instant at, String device) {
    }

    public SimWorld(Fleet fleet, SimClock clock) {
        this.fleet = fleet;
        this.clock = clock;
        Instant start = clock.instant();
        // Jamf Pro numbers its mobile devices and its computers apart: mobile device 1 and computer 1 are two devices.
        int jamfMobileIds = 0;
        int jamfComputerIds = 0;
        for (FleetDevice spec : fleet.devices()) {
            int jamfId = spec.mdm() != FleetDevice.Mdm.JAMF ? 0 : spec.platform() == FleetDevice.Platform.MACOS ? ++jamfComputerIds : ++jamfMobileIds;
            SimDevice d = new SimDevice(spec, jamfId);
            devices.put(spec.id(), d);
            if (fleet.joinsLater(spec.id())) continue;
            d.present = true;
            if (spec.mdm() != FleetDevice.Mdm.NONE) {
                d.enrolled = true;
                d.enrolledAt = start;
                // Devices check in on their own rhythm; stagger them so they don't all report at the same instant.
                long interval = spec.checkIn().toSeconds();
                long offset = Math.floorMod(spec.id().hashCode(), Math.max(1, interval));
                d.lastCheckIn = start.minusSeconds(offset);
                schedule(d, d.lastCheckIn.plus(spec.checkIn()));
            }
        }
        this.all = List.copyOf(devices.values());
        this.pending = new ArrayList<>(fleet.events());
        clock.onMove(now -> catchUp());
        catchUp();
    }

    public Fleet fleet() {
        return fleet;
    }

    public SimClock clock() {
        return clock;
    }

    public void register(MdmBehaviour behaviour) {
        behaviours.add(behaviour);
    }

    public void watch(Consumer<WorldEntry> watcher) {
        watchers.add(watcher);
    }

    public synchronized Collection<SimDevice> devices() {
        catchUp();
        return all;
    }

    /** Changes whenever a device's presence, enrolment or reported apps may have changed (after catching up). */
    public synchronized long version() {
        catchUp();
        return version;
    }

    public synchronized Optional<SimDevice> device(String fleetId) {
        catchUp();
        return Optional.ofNullable(devices.get(fleetId));
    }

    public List<WorldEntry> history() {
        return List.copyOf(history);
    }

    /** Applies every event and periodic check-in due up to the clock's present. */
    public synchronized void catchUp() {
        Instant now = clock.instant();
        while (true) {
            FleetEvent event = pending.isEmpty() ? null : pending.get(0);
            Due due = checkIns.peek();
            Instant te = event == null ? null : event.at();
            Instant tc = due == null ? null : due.at();
            if ((te == null || te.isAfter(now)) && (tc == null || tc.isAfter(now))) return;
            if (te != null && !te.isAfter(now) && (tc == null || !te.isAfter(tc))) {
                pending.remove(0);
                apply(event);
            } else {
                checkIns.poll();
                SimDevice d = devices.get(due.device());
                // Stale entries (the device checked in early, on request) are skipped.
                if (d.nextCheckIn != null && d.nextCheckIn.equals(due.at()) && d.present && d.enrolled) checkIn(d, due.at());
            }
        }
    }

    /** The device checks in now (an MDM's sync command). */
    public synchronized void checkInNow(SimDevice d) {
        catchUp();
        if (d.present && d.enrolled) checkIn(d, clock.instant());
    }

    private void checkIn(SimDevice d, Instant at) {
        version++;
        for (MdmBehaviour b : behaviours) if (b.manages(d)) b.onCheckIn(d, at, this);
        d.reportedApps.clear();
        d.reportedApps.addAll(d.apps);
        d.lastCheckIn = at;
        schedule(d, at.plus(d.spec().checkIn()));
        for (MdmBehaviour b : behaviours) if (b.manages(d)) b.afterCheckIn(d, at, this);
    }

    /**
     * The next instant after the clock's present at which something happens to a device {@code which} selects (a
     * check-in or a fleet event), or null: lets a driver step the clock to each one (to deliver what an MDM pushes at
     * the time it pushes it).
     */
    public synchronized Instant nextFor(java.util.function.Predicate<SimDevice> which) {
        catchUp();
        Instant next = null;
        for (SimDevice d : devices.values()) {
            if (d.present && d.enrolled && d.nextCheckIn != null && which.test(d) && (next == null || d.nextCheckIn.isBefore(next))) next = d.nextCheckIn;
        }
        for (FleetEvent e : pending) {
            SimDevice d = devices.get(e.device());
            if (d != null && which.test(d) && (next == null || e.at().isBefore(next))) next = e.at();
        }
        return next;
    }

    private void schedule(SimDevice d, Instant at) {
        d.nextCheckIn = at;
        checkIns.add(new Due(at, d.id()));
    }

    private void apply(FleetEvent e) {
        version++;
        SimDevice d = devices.get(e.device());
        Instant at = e.at();
        if (e.action().concernsApp() && e.app() == null) {
            // Only a policy names "the app"; the standalone simulators run without one.
            record(at, d.id(), "app-event-skipped", e.action().wire() + " names no app and no policy names one");
            return;
        }
        switch (e.action()) {
            case REMOVE_APP -> {
                boolean had = d.apps.remove(e.app());
                record(at, d.id(), had ? "app-removed-by-owner" : "app-remove-nothing", e.app());
            }
            case INSTALL_APP -> {
                for (MdmBehaviour b : behaviours) {
                    if (!b.manages(d)) continue;
                    String why = b.refusesInstall(d, e.app(), at);
                    if (why != null) {
                        record(at, d.id(), "app-install-blocked", e.app() + ": " + why);
                        return;
                    }
                }
                d.apps.add(e.app());
                record(at, d.id(), "app-installed-by-owner", e.app());
            }
            case ENROLL -> {
                d.present = true;
                d.enrolled = true;
                d.enrolledAt = at;
                record(at, d.id(), "enrolled", d.spec().mdm().wire());
                for (MdmBehaviour b : behaviours) if (b.manages(d)) b.onEnrollment(d, true, at, this);
                checkIn(d, at);
            }
            case UNENROLL -> {
                d.enrolled = false;
                d.nextCheckIn = null;
                record(at, d.id(), "unenrolled", d.spec().mdm().wire());
                for (MdmBehaviour b : behaviours) if (b.manages(d)) b.onEnrollment(d, false, at, this);
            }
        }
    }

    /** Something an MDM did to a device (called by behaviours under the lock). */
    public void record(Instant at, String device, String what, String detail) {
        WorldEntry entry = new WorldEntry(at, device, what, detail);
        history.add(entry);
        for (Consumer<WorldEntry> w : watchers) w.accept(entry);
    }

    /** MDM uninstall reaches a user-installed app only where the MDM can take it under management. */
    public static boolean mdmCanRemoveUserApp(SimDevice d) {
        if (!d.corporate()) return false;
        return switch (d.spec().platform()) {
            case IOS -> d.spec().supervised();
            case ANDROID, WINDOWS, MACOS -> true;
            case OTHER -> false;
        };
    }

    /** Removes an app as an MDM command does (under the lock, from a behaviour's check-in). */
    public boolean removeApp(SimDevice d, String app) {
        version++;
        return d.apps.remove(app);
    }

    public void setCompliance(SimDevice d, String state, Instant at) {
        if (!state.equals(d.compliance)) record(at, d.id(), "compliance-changed", d.compliance + " -> " + state);
        d.compliance = state;
        if (!state.equals("compliant") && d.noncompliantSince == null) d.noncompliantSince = at;
        if (state.equals("compliant")) d.noncompliantSince = null;
    }

    public Instant noncompliantSince(SimDevice d) {
        return d.noncompliantSince;
    }

    public Duration sinceLastCheckIn(SimDevice d) {
        return d.lastCheckIn == null ? null : Duration.between(d.lastCheckIn, clock.instant());
    }
}
