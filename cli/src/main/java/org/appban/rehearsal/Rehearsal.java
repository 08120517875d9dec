package org.appban.rehearsal;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import org.appban.domain.Actor;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.inventory.DeviceStatusChanged;
import org.appban.inventory.InventorySync;
import org.appban.inventory.RecordedDeviceEvents;
import org.appban.lambda.Json;
import org.appban.policy.BanPolicy;
import org.appban.roster.RosterImport;
import org.appban.roster.RosterImportHandler;
import org.appban.roster.RosterParser;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetExemption;
import org.appban.sim.fleet.FleetMember;

/**
 * The main job on an embedded default: a whole campaign of a policy over a fleet scenario on a simulated clock,
 * from before the announcement to {@code until}, invoking the same handlers and services that run on Lambda.
 * The triggers are the template's schedules (computed in the policy's zone, as EventBridge Scheduler does) and
 * the fleet's own events; each change the inventory finds is handed to its subscribers, as EventBridge would.
 */
public final class Rehearsal {
    /** Order of triggers that fall on the same instant: the world first, then the functions in pipeline order. */
    static final int ROSTER = 0;
    static final int INVENTORY = 1;
    static final int NOTIFY = 3;

    public record Options(BanPolicy policy, Fleet fleet, Path out, Instant until) {
    }

    private final Options options;
    private final PrintStream out;

    public Rehearsal(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** The instant the rehearsal starts: the fleet's own start, or the morning before the announcement. */
    public static Instant start(BanPolicy policy, Fleet fleet) {
        if (fleet.startsAt() != null) return fleet.startsAt();
        return policy.announcement().minusDays(1).atTime(LocalTime.of(8, 0)).atZone(policy.zone()).toInstant();
    }

    public RehearsalReport run() {
        BanPolicy policy = options.policy();
        Fleet fleet = options.fleet();
        Path dir = options.out();
        createDirectories(dir);
        clearPreviousRun(dir);
        Instant start = start(policy, fleet);
        java.util.concurrent.atomic.AtomicReference<Timeline> timelineRef = new java.util.concurrent.atomic.AtomicReference<>();
        try (RehearsalWorld world = new RehearsalWorld(policy, fleet, start, dir, e -> timelineRef.get().entry(e))) {
            Timeline timeline = new Timeline(out, policy.zone(), world.clock);
            timelineRef.set(timeline);
            java.util.Map<String, String> fleetIds = new java.util.HashMap<>();
            world.sims.world().devices().forEach(d -> fleetIds.put(RehearsalReport.storeId(d), d.id()));
            timeline.deviceNames(id -> fleetIds.getOrDefault(id, id));
            timeline.header(policy, fleet, start, options.until());
            PriorityQueue<Trigger> triggers = new PriorityQueue<>();
            Steps steps = new Steps(world, dir, timeline);
            steps.exemptionsOnRecord();
            triggers.add(new Trigger(start, ROSTER, "roster import", () -> steps.importRoster(start)));
            // A new roster each time someone leaves (one per instant, however many leave then).
            fleet.members().stream().map(FleetMember::leavesAt)
                    .filter(t -> t != null && t.isAfter(start) && !t.isAfter(options.until()))
                    .distinct().sorted()
                    .forEach(t -> triggers.add(new Trigger(t, ROSTER, "roster import", () -> steps.importRoster(t))));
            for (Instant t : Schedules.every(Duration.ofHours(1), start, options.until())) {
                triggers.add(new Trigger(t, INVENTORY, "inventory sync", steps::syncInventory));
            }
            for (Instant t : Schedules.daily(policy.notices().sendTime(), policy.zone(), start, options.until())) {
                triggers.add(new Trigger(t, NOTIFY, "notify members", steps::notifyScheduled));
            }
            while (!triggers.isEmpty()) {
                Trigger next = triggers.poll();
                world.clock.set(next.at());
                next.action().run();
            }
            world.clock.set(options.until());
            RehearsalReport report = RehearsalReport.of(world, dir);
            report.write(dir);
            RehearsalReport.writeLedger(world, dir);
            timeline.footer(report, dir);
            return report;
        }
    }

    /** What each trigger does: the same handler or service the function runs on Lambda. */
    private static final class Steps {
        private final RehearsalWorld world;
        private final Path dir;
        private final Timeline timeline;
        private final RosterImportHandler rosterHandler;
        private final InventorySync inventory;
        private final RecordedDeviceEvents deviceEvents = new RecordedDeviceEvents();
        private int rosterVersion;

        Steps(RehearsalWorld world, Path dir, Timeline timeline) {
            this.world = world;
            this.dir = dir;
            this.timeline = timeline;
            this.rosterHandler = new RosterImportHandler(new RosterImport(new RosterParser(), world.members, world.ledger, world.clock),
                    new FolderRosterFiles(dir));
            this.inventory = new InventorySync(world.policy, world.inventories(), world.members, world.devices, deviceEvents,
                    world.ledger, world.clock);
        }

        /** Exemptions decided before the campaign starts are on record from the start. */
        void exemptionsOnRecord() {
            int n = 0;
            for (FleetExemption e : world.fleet.exemptions()) {
                ExemptionStatus status = ExemptionStatus.valueOf(e.status().toUpperCase(java.util.Locale.ROOT));
                Instant at = world.clock.instant();
                Instant expires = e.expires() != null ? e.expires()
                        : status == ExemptionStatus.GRANTED ? at.plus(Duration.ofDays(world.policy.exemptions().maxDays())) : null;
                String id = e.id() != null ? e.id() : "fleet-exemption-" + (++n);
                world.exemptions.create(new Exemption(id, e.member(), storeDeviceId(e.device()), e.reason(), status,
                        e.requestedBy() != null ? e.requestedBy() : e.member(), at,
                        status == ExemptionStatus.REQUESTED ? null : e.approvedBy(), status == ExemptionStatus.REQUESTED ? null : at,
                        expires, status == ExemptionStatus.REVOKED ? e.approvedBy() : null, status == ExemptionStatus.REVOKED ? at : null));
            }
        }

        /** A fleet device id as the device store knows it (the MDM's id), or null for a whole-member exemption. */
        private String storeDeviceId(String fleetDevice) {
            if (fleetDevice == null) return null;
            return world.sims.world().device(fleetDevice).map(RehearsalReport::storeId).orElse(fleetDevice);
        }

        /** The roster as it stands at {@code at}: every fleet member who has not left by then. */
        void importRoster(Instant at) {
            StringBuilder json = new StringBuilder("{\"members\": [\n");
            boolean first = true;
            for (FleetMember m : world.fleet.members()) {
                if (m.leavesAt() != null && !m.leavesAt().isAfter(at)) continue;
                if (!first) json.append(",\n");
                first = false;
                json.append("  ").append(Json.MAPPER.createObjectNode().put("id", m.id()).put("name", m.name())
                        .put("email", m.email()).put("role", m.role()));
            }
            json.append("\n]}\n");
            String key = "roster-" + (++rosterVersion) + ".json";
            write(dir.resolve("roster").resolve(key), json.toString());
            String event = "{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\"roster\"},\"object\":{\"key\":\"" + key + "\"}}}]}";
            com.fasterxml.jackson.databind.JsonNode report = invoke(rosterHandler, event).path("imports").get(0);
            timeline.note("roster.import", key + ": " + report.path("created").size() + " added, " + report.path("updated").size()
                    + " updated, " + report.path("deactivated").size() + " deactivated " + report.path("deactivated")
                    + ", " + report.path("rejected").size() + " rejected");
        }

        void syncInventory() {
            deviceEvents.clear();
            inventory.run(Actor.schedule("inventory-hourly"), false);
            List<DeviceStatusChanged> changes = deviceEvents.published();
            if (changes.isEmpty()) return;
            // EventBridge delivers each change to the notify function: a member newly found with the app after the
            // announcement gets a catch-up notice the same day.
            Set<String> membersWithNewApp = new LinkedHashSet<>();
            for (DeviceStatusChanged c : changes) {
                if ((c.change() == DeviceStatusChanged.Change.NEW_DEVICE || c.change() == DeviceStatusChanged.Change.APP_APPEARED)
                        && !c.member().startsWith(InventorySync.UNKNOWN)
                        && !world.clock.instant().isBefore(world.policy.announcementInstant())) {
                    membersWithNewApp.add(c.member());
                }
            }
            if (!membersWithNewApp.isEmpty()) {
                world.notify.runFor(new ArrayList<>(membersWithNewApp), Actor.event("DeviceStatusChanged"), "catch-up-" + world.clock.instant());
            }
        }

        void notifyScheduled() {
            world.notify.runScheduled(Actor.schedule("notify-daily"), "notify-" + world.clock.instant());
        }

        private static com.fasterxml.jackson.databind.JsonNode invoke(org.appban.lambda.JsonHandler handler, String event) {
            try {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                handler.handleRequest(new java.io.ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), bytes,
                        new LocalContext("appban-rehearsal", null));
                return Json.MAPPER.readTree(bytes.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Files of an earlier rehearsal in the same folder would mix with this one's: only appban's own are removed. */
    private static void clearPreviousRun(Path dir) {
        for (String name : List.of("outbox", "roster")) deleteTree(dir.resolve(name));
        for (String name : List.of("report.json", "ledger.jsonl", "index.html", "status.html")) deleteTree(dir.resolve(name));
    }

    private static void deleteTree(Path path) {
        if (!Files.exists(path)) return;
        try (java.util.stream.Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + path + " from an earlier rehearsal", e);
        }
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
