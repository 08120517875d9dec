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
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.appban.lambda.admin.AdminHandler;
import org.appban.admin.FleetSnapshot;
import org.appban.admin.StatusPage;
import org.appban.access.AccessRequest;
import org.appban.enforce.EmbeddedEnforcement;
import org.appban.enforce.EnforceRequest;
import org.appban.enforce.EnforcementReport;
import org.appban.inventory.DeviceStatusChanged;
import org.appban.inventory.DeviceStatusChangedJson;
import org.appban.sim.telemetry.TelemetryGenerator;
import org.appban.mail.OutboxIndex;
import org.appban.notice.MailFeedbackRecorder;
import org.appban.lambda.notice.NotifyMembersHandler;
import org.appban.inventory.InventorySync;
import org.appban.inventory.JamfWebhook;
import org.appban.inventory.JamfWebhookAuth;
import org.appban.sim.jamf.JamfWebhooks;
import org.appban.inventory.RecordedDeviceEvents;
import org.appban.json.Json;
import org.appban.policy.BanPolicy;
import org.appban.roster.RosterImport;
import org.appban.lambda.roster.RosterImportHandler;
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
    static final int TELEMETRY = 1;
    static final int INVENTORY = 1;
    static final int EXEMPTIONS = 2;
    static final int NOTIFY = 3;
    static final int ACCESS = 4;
    static final int ENFORCE = 5;
    static final int DIGEST = 6;
    /** The name the rehearsal's ledger digests carry (on AWS: the ledger table's name). */
    public static final String LEDGER_NAME = "appban-rehearsal-ledger";
    /** The service desk files exemption requests on members' behalf in the rehearsal. */
    /** The service desk lead, as IAM Identity Center signs them in (an administrator in the bundled policy). */
    static final String SERVICE_DESK = "arn:aws:sts::111122223333:assumed-role/appban-operator/servicedesk";
    /** The approver who gives the second approval the two-person rule asks for. */
    static final String SECOND_APPROVER = "arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/second-approver";

    /**
     * @param jamfWebhooks whether Jamf Pro posts its device webhooks (check-in, inventory, enrolment) to the
     *                     inventory function, as a Jamf deployment is configured to; the hourly sync runs either way
     */
    public record Options(BanPolicy policy, Fleet fleet, Path out, Instant until, FaultSetup faults, boolean jamfWebhooks) {
        public Options(BanPolicy policy, Fleet fleet, Path out, Instant until) {
            this(policy, fleet, out, until, FaultSetup.NONE, true);
        }

        /** With faults injected: without Jamf's webhooks, so that a faulted run compares with a clean one trigger by trigger. */
        public Options(BanPolicy policy, Fleet fleet, Path out, Instant until, FaultSetup faults) {
            this(policy, fleet, out, until, faults, false);
        }

        public Options withoutJamfWebhooks() {
            return new Options(policy, fleet, out, until, faults, false);
        }
    }

    /** Triggers that threw and were run again (platform retries), and those still failing after the last retry. */
    public final java.util.concurrent.atomic.AtomicInteger retried = new java.util.concurrent.atomic.AtomicInteger();
    public final java.util.List<String> failedTriggers = new java.util.concurrent.CopyOnWriteArrayList<>();

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

    /** A trigger as the platform runs it: again, up to the retry budget, when it throws. */
    private void runWithRetries(Trigger t) {
        retrying(t.name() + "@" + t.at(), t.action());
    }

    /**
     * One invocation as the platform runs it: again under the same request id, up to the retry budget, when it throws
     * or its process dies ({@link SimulatedCrash}). Past the budget the event goes to the on-failure destination:
     * counted in {@link #failedTriggers}, the rehearsal goes on.
     */
    void retrying(String id, Runnable action) {
        options.faults().decorators().invocation(id, () -> {
            for (int attempt = 0; ; attempt++) {
                try {
                    EventBus.attempt(id, action);
                    return;
                } catch (RuntimeException | SimulatedCrash e) {
                    if (attempt >= options.faults().platformRetries()) {
                        if (options.faults().platformRetries() == 0) throw e;
                        failedTriggers.add(id + ": " + e);
                        return;
                    }
                    retried.incrementAndGet();
                }
            }
        }).run();
    }

    /** When the rehearsal's administrators record the fleet's exemption decisions: half an hour after the start. */
    public static Instant decisionsAt(BanPolicy policy, Fleet fleet) {
        return start(policy, fleet).plus(Duration.ofMinutes(30));
    }

    public RehearsalReport run() {
        BanPolicy policy = options.policy();
        // Before anything runs: what the policy would refuse in the middle of the run is refused now, field named.
        Fleet fleet = FleetForPolicy.prepare(policy, options.fleet(), decisionsAt(policy, options.fleet()));
        Path dir = options.out();
        createDirectories(dir);
        clearPreviousRun(dir);
        FunctionLog functionLog = new FunctionLog(dir.resolve("logs").resolve("functions.log"));
        EventBus.log = functionLog::append;
        Instant start = start(policy, fleet);
        java.util.concurrent.atomic.AtomicReference<Timeline> timelineRef = new java.util.concurrent.atomic.AtomicReference<>();
        try (RehearsalWorld world = new RehearsalWorld(policy, fleet, start, dir, e -> timelineRef.get().entry(e), options.faults())) {
            Timeline timeline = new Timeline(out, policy.zone(), world.clock);
            timelineRef.set(timeline);
            java.util.Map<String, String> fleetIds = new java.util.HashMap<>();
            world.sims.world().devices().forEach(d -> {
                fleetIds.put(RehearsalReport.storeId(d), d.id());
                if (d.spec().mac() != null) fleetIds.putIfAbsent(RehearsalReport.registryId(d), d.id());
            });
            timeline.deviceNames(id -> fleetIds.getOrDefault(id, id));
            timeline.header(policy, fleet, start, options.until());
            PriorityQueue<Trigger> triggers = new PriorityQueue<>();
            Steps steps = new Steps(world, dir, timeline, this::retrying, options.jamfWebhooks(), functionLog::append);
            triggers.add(new Trigger(start, ROSTER, "roster import", () -> steps.importRoster(start)));
            // A new roster each time someone leaves (one per instant, however many leave then).
            fleet.members().stream().map(FleetMember::leavesAt)
                    .filter(t -> t != null && t.isAfter(start) && !t.isAfter(options.until()))
                    .distinct().sorted()
                    .forEach(t -> triggers.add(new Trigger(t, ROSTER, "roster import", () -> steps.importRoster(t))));
            for (Instant t : Schedules.every(Duration.ofHours(1), start, options.until())) {
                // The network's DNS log for the hour before, as the resolvers deliver it, then the hourly inventory.
                triggers.add(new Trigger(t, TELEMETRY, "telemetry", () -> steps.telemetry(t.minus(Duration.ofHours(1)), t)));
                triggers.add(new Trigger(t, INVENTORY, "inventory sync", steps::syncInventory));
                // The hourly ledger digest (into digests/), late in the hour so that the hour's runs are in it.
                Instant digestAt = t.plus(Duration.ofMinutes(50));
                if (!digestAt.isAfter(options.until())) triggers.add(new Trigger(digestAt, DIGEST, "ledger digest", steps::ledgerDigest));
            }
            // At the deadline, administrators on duty run the removal as a dry run, read how many devices it will act
            // on, and confirm that number (the blast-radius cap asks for it; the template's DeadlineConfirm does the
            // same for an unattended deadline).
            Instant deadline = policy.deadlineInstant();
            if (deadline.isAfter(start) && !deadline.isAfter(options.until())) {
                triggers.add(new Trigger(deadline, ENFORCE, "enforce removal", steps::enforceDeadline));
            }
            for (Instant t : Schedules.daily(LocalTime.of(6, 0), policy.zone(), deadline.plus(Duration.ofHours(1)), options.until())) {
                triggers.add(new Trigger(t, ENFORCE, "enforce reconcile", steps::enforceReconcile));
            }
            for (Instant t : Schedules.daily(LocalTime.of(7, 30), policy.zone(), start, options.until())) {
                triggers.add(new Trigger(t, ACCESS, "network access", steps::networkAccessScheduled));
            }
            fleet.attestationsBetween(start, options.until()).forEach(a ->
                    triggers.add(new Trigger(a.at(), ACCESS, "attestation", () -> steps.attest(a.member()))));
            Instant firstRoundWithAnnouncement = null;
            for (Instant t : Schedules.daily(policy.notices().sendTime(), policy.zone(), start, options.until())) {
                triggers.add(new Trigger(t, NOTIFY, "notify members", steps::notifyScheduled));
                if (firstRoundWithAnnouncement == null && !t.isBefore(policy.announcementInstant())) firstRoundWithAnnouncement = t;
            }
            // An hour after the announcement went out, SES reports one of them bounced (mailbox full): recorded, the
            // address kept. The campaign goes on unchanged; the ledger and the log show how a bounce is evidenced.
            if (firstRoundWithAnnouncement != null && firstRoundWithAnnouncement.plus(Duration.ofHours(1)).isBefore(options.until())) {
                triggers.add(new Trigger(firstRoundWithAnnouncement.plus(Duration.ofHours(1)), NOTIFY, "mail bounce", steps::mailboxFull));
            }
            // The administrators' digest: notify-members' own daily schedule at the policy's digest time.
            for (Instant t : Schedules.daily(policy.digest().map(d -> d.sendTime()).orElse(LocalTime.of(8, 30)), policy.zone(), start, options.until())) {
                triggers.add(new Trigger(t, NOTIFY, "admin digest", steps::adminDigest));
            }
            if (!fleet.exemptions().isEmpty()) {
                triggers.add(new Trigger(decisionsAt(policy, fleet), EXEMPTIONS, "exemption decisions", steps::exemptionDecisions));
                Instant revokeAt = policy.deadlineInZone().plusDays(3).withHour(10).toInstant();
                if (revokeAt.isBefore(options.until())) {
                    triggers.add(new Trigger(revokeAt, EXEMPTIONS, "exemption revocations", steps::exemptionRevocations));
                }
            }
            for (Instant t : Schedules.daily(LocalTime.of(8, 45), policy.zone(), start.plus(Duration.ofHours(1)), options.until())) {
                triggers.add(new Trigger(t, EXEMPTIONS, "exemption sweep", steps::exemptionSweep));
            }
            while (!triggers.isEmpty()) {
                Trigger next = triggers.poll();
                // Jamf posts its webhooks when its devices check in, between the scheduled triggers.
                if (options.jamfWebhooks()) steps.jamfWebhooksUntil(next.at());
                world.clock.set(next.at());
                options.faults().beforeTrigger().accept(next.name() + "@" + next.at());
                runWithRetries(next);
                if (options.jamfWebhooks()) steps.deliverJamfWebhooks();
            }
            if (world.enforcement.queue().size() > 0) {
                // Work items of workers that died, back after the queue's visibility timeout.
                world.clock.set(world.clock.instant().plus(Duration.ofMinutes(90)));
                retrying("enforce work redelivered@" + world.clock.instant(), () -> world.enforcement.drain(1));
            }
            options.faults().atEnd().accept(world.sims);
            if (world.clock.instant().isBefore(options.until())) world.clock.set(options.until());
            new OutboxIndex(policy.zone(), "appban rehearsal: " + policy.title()).write(world.outbox.folder(), world.outbox.entries());
            StatusPage.write(dir, FleetSnapshot.load(policy, world.clock.instant(), world.members, world.devices, world.exemptions,
                    world.ledger), world.networkLookup());
            RehearsalReport report = RehearsalReport.of(world, dir);
            report.write(dir);
            RehearsalReport.writeLedger(world, dir);
            timeline.footer(report, dir);
            functionLog.close();
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
        private final NotifyMembersHandler notifyHandler;
        private final AdminHandler adminHandler;
        private final org.appban.lambda.ledger.LedgerDigestHandler digestHandler;
        private final TelemetryGenerator telemetry;
        private final java.util.Map<FleetExemption, String> exemptionIds = new java.util.HashMap<>();
        private int rosterVersion;
        /** Runs one invocation with the platform's retries (each subscriber's delivery of an event is its own). */
        private final java.util.function.BiConsumer<String, Runnable> platform;

        /** Jamf Pro's device webhooks to the inventory function, or null when the rehearsal runs without them. */
        private final JamfWebhook jamfReceiver;

        Steps(RehearsalWorld world, Path dir, Timeline timeline, java.util.function.BiConsumer<String, Runnable> platform,
              boolean jamfWebhooks, java.util.function.Consumer<String> log) {
            this.platform = platform;
            this.world = world;
            this.dir = dir;
            this.timeline = timeline;
            this.rosterHandler = new RosterImportHandler(new RosterImport(new RosterParser(world.policy.notices().languages()), world.members, world.ledger, world.clock),
                    new FolderRosterFiles(dir));
            this.inventory = new InventorySync(world.policy, world.inventories(), java.util.Optional.of(world.registry), world.members,
                    world.devices, world.faults.decorators().deviceEvents(deviceEvents), world.ledger, world.clock);
            this.notifyHandler = new NotifyMembersHandler(world.notify,
                    new MailFeedbackRecorder(world.members, world.ledger, world.alerts, world.clock, world.pseudonyms), world.digest);
            this.adminHandler = new AdminHandler(world.administration(dir.resolve("reports")));
            this.digestHandler = new org.appban.lambda.ledger.LedgerDigestHandler(new org.appban.ledger.LedgerAnchor(world.ledger,
                    new org.appban.ledger.FolderDigestStore(dir), org.appban.ledger.LedgerDigestJson.JSON, LEDGER_NAME, world.clock));
            java.util.Set<String> identifiers = new java.util.TreeSet<>();
            world.policy.app().identifiers().values().forEach(identifiers::addAll);
            this.telemetry = new TelemetryGenerator(world.sims.world(), identifiers, world.policy.app().domains(), 7);
            if (jamfWebhooks) {
                // Configured in Jamf Pro with Header Authentication, as the README's deployment steps say.
                world.sims.jamf().webhooks(JamfWebhooks.withHeader(JAMF_WEBHOOK_HEADER, JAMF_WEBHOOK_SECRET));
                JamfWebhookAuth auth = JamfWebhookAuth.header(JAMF_WEBHOOK_HEADER, JAMF_WEBHOOK_SECRET);
                this.jamfReceiver = new JamfWebhook(() -> auth, world.claims, world.devices, world.ledger, inventory, log, world.clock);
            } else {
                this.jamfReceiver = null;
            }
        }

        static final String JAMF_WEBHOOK_HEADER = "X-Appban-Jamf";
        static final String JAMF_WEBHOOK_SECRET = "rehearsal-jamf-webhook-secret-0123456789";

        /** Steps the clock to each moment before {@code until} at which a Jamf device checks in or changes, delivering its webhooks then. */
        void jamfWebhooksUntil(Instant until) {
            while (true) {
                Instant next = world.sims.world().nextFor(d -> d.spec().mdm() == org.appban.sim.fleet.FleetDevice.Mdm.JAMF);
                if (next == null || !next.isBefore(until)) return;
                world.clock.set(next);
                deliverJamfWebhooks();
            }
        }

        /** Each webhook Jamf queued, posted to the inventory function, and each change it finds handed on as the hourly sync's are. */
        void deliverJamfWebhooks() {
            for (JamfWebhooks.Delivery d : world.sims.jamf().webhooksSent()) {
                deviceEvents.clear();
                String id = "jamf-webhook/" + d.event() + "@" + d.at() + "/" + Integer.toHexString(d.body().hashCode());
                platform.accept(id, () -> jamfReceiver.receive(d.headers(), d.body(), id));
                dispatch(deviceEvents.published());
            }
        }

        /**
         * The fleet's exemptions, decided through the admin function as administrators would: requested on the
         * member's behalf by the service desk, then granted, refused or (granted and later) revoked by the approver
         * the fleet names. Runs after the first inventory sync, so that device exemptions name stored devices.
         */
        void exemptionDecisions() {
            for (FleetExemption e : world.fleet.exemptions()) {
                ObjectNode request = Json.object().put("operation", "exemption.request").put("member", e.member())
                        .put("reason", e.reason()).put("requestId", "fleet-" + (e.id() == null ? e.member() : e.id()));
                // A device the MDMs do not know (a private phone never enrolled) cannot be named: the request then
                // covers the member, as the service desk would file it.
                String device = e.device() == null ? null : storeDeviceId(e.device());
                if (device != null && world.devices.find(device).isPresent()) request.putArray("devices").add(device);
                JsonNode requested = admin(request, SERVICE_DESK);
                String id = requested.findValue("exemption") == null ? null : requested.findValue("exemption").path("id").asText(null);
                if (id == null) throw new IllegalStateException("the admin function did not record the request: " + requested);
                exemptionIds.put(e, id);
                switch (e.status()) {
                    case "granted", "revoked" -> {
                        JsonNode granted = admin(Json.object().put("operation", "exemption.grant").put("id", id)
                                .put("expires", e.expiresIn(world.policy.zone()).toString()).put("note", "rehearsal: decision on record in the fleet file"), e.approvedBy());
                        // Longer than the policy lets one approver grant alone: a second approver approves it (two-person rule).
                        if ("pending".equals(granted.path("status").asText())) {
                            admin(Json.object().put("operation", "approval.approve")
                                    .put("id", granted.path("result").path("approval").path("id").asText()), SECOND_APPROVER);
                        }
                    }
                    case "refused" -> admin(Json.object().put("operation", "exemption.refuse").put("id", id)
                            .put("reason", "rehearsal: refused as the fleet file records"), e.approvedBy());
                    default -> { }
                }
            }
        }

        /** Exemptions the fleet records as revoked are revoked a few days after the deadline. */
        void exemptionRevocations() {
            for (FleetExemption e : world.fleet.exemptions()) {
                if (!e.status().equals("revoked")) continue;
                admin(Json.object().put("operation", "exemption.revoke").put("id", exemptionIds.get(e))
                        .put("reason", "rehearsal: revoked as the fleet file records"), e.approvedBy());
            }
        }

        /** The daily sweep: notices for exemptions about to expire and for those that have. */
        void exemptionSweep() {
            // As the exemption-sweep function's daily schedule does it (the system, not an administrator).
            world.exemptionService().sweep(org.appban.domain.Actor.schedule("exemption-sweep"));
        }

        /** A call to the admin function URL, signed by {@code caller} (an IAM principal ARN), as Lambda delivers it. */
        JsonNode admin(ObjectNode request, String caller) {
            JsonNode response = EventBus.invoke(adminHandler, "appban-admin",
                    org.appban.identity.FunctionUrlEvent.signedBy(caller, request.toString()).toString(), null);
            try {
                return Json.parse(response.path("body").asText());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
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
                var row = Json.object().put("id", m.id()).put("name", m.name()).put("email", m.email()).put("role", m.role());
                if (m.language() != null) row.put("language", m.language());
                json.append("  ").append(row);
            }
            json.append("\n]}\n");
            String key = "roster-" + (++rosterVersion) + ".json";
            write(dir.resolve("roster").resolve(key), json.toString());
            String event = "{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\"roster\"},\"object\":{\"key\":\"" + key + "\"}}}]}";
            JsonNode report = EventBus.invoke(rosterHandler, "appban-roster-import", event, null).path("imports").get(0);
            timeline.note("roster.import", key + ": " + report.path("created").size() + " added, " + report.path("updated").size()
                    + " updated, " + report.path("deactivated").size() + " deactivated " + report.path("deactivated")
                    + ", " + report.path("rejected").size() + " rejected");
        }

        void syncInventory() {
            deviceEvents.clear();
            inventory.run(Actor.schedule("inventory-hourly"), false);
            dispatch(deviceEvents.published());
        }

        /** EventBridge's rules deliver each change to the functions that subscribe to it. */
        private void dispatch(List<DeviceStatusChanged> published) {
            for (DeviceStatusChanged c : published) {
                JsonNode event = EventBus.envelope(DeviceStatusChanged.SOURCE, DeviceStatusChanged.DETAIL_TYPE, c.at(),
                        DeviceStatusChangedJson.toDetail(c));
                String id = "event-" + c.device() + "-" + c.change().wireName() + "-" + c.at();
                platform.accept("notify/" + id, () -> EventBus.invoke(notifyHandler, "appban-notify-members", event));
                platform.accept("access/" + id, () -> world.access.run(AccessRequest.devices("device-status-changed", List.of(c.device())),
                        Actor.event(DeviceStatusChanged.SOURCE + ":" + c.device()), "access-" + c.device() + "-" + c.at()));
            }
        }

        /** The resolvers' log of the hour: only lookups of the banned app's domains leave a trace in the evidence. */
        void telemetry(Instant from, Instant to) {
            List<String> lines = telemetry.dns(from, to, mac -> true);
            if (!lines.isEmpty()) world.access.telemetry("dns-" + to, lines);
        }

        void networkAccessScheduled() {
            world.access.run(AccessRequest.schedule(), Actor.schedule("network-access-daily"), "access-" + world.clock.instant());
        }

        void enforceDeadline() {
            EnforcementReport preview = world.enforcement.run(EnforceRequest.deadline().asDryRun(), Actor.administrator(SERVICE_DESK),
                    "enforce-preview").report();
            int confirm = preview.blastRadius() == null ? 0 : preview.blastRadius().acting();
            timeline.note("enforce.dry-run", "the deadline run would start removal on " + confirm + " corporate devices; "
                    + "administrators confirm that number");
            report(world.enforcement.run(EnforceRequest.deadline().confirmed(confirm), Actor.administrator(SERVICE_DESK),
                    "enforce-deadline"));
        }

        void enforceReconcile() {
            report(world.enforcement.run(EnforceRequest.reconcile(), Actor.schedule("enforce-reconcile"), "enforce-" + world.clock.instant()));
        }

        private void report(EmbeddedEnforcement.Result result) {
            EnforcementReport r = result.report();
            if (!"done".equals(r.status()) && !"ok".equals(r.status())) timeline.note("enforce." + r.status(), r.message() == null ? "" : r.message());
            for (EnforcementReport.Unblockable u : r.notBlockable()) {
                if (notBlockable.add(u.device())) {
                    timeline.note("enforce.not-blockable", u.member() + " " + timeline.deviceName(u.device()) + ": " + u.why());
                }
            }
        }

        private final java.util.Set<String> notBlockable = new java.util.TreeSet<>();

        void attest(String member) {
            world.access.attest(member);
            timeline.note("attestation", member + " confirmed through their signed link that the app is gone from their private devices");
        }

        void adminDigest() {
            EventBus.invoke(notifyHandler, "appban-notify-members",
                    Json.object().put("trigger", "schedule").put("schedule", org.appban.digest.AdminDigest.SCHEDULE));
        }

        /** SES's bounce event (as EventBridge delivers it) for the first notice sent: a transient mailbox-full bounce. */
        void mailboxFull() {
            LedgerEntry sent = world.ledger.written().stream().filter(e -> e.record().action().equals("notice.sent")).findFirst().orElse(null);
            if (sent == null) return;
            String member = sent.record().member();
            String address = world.members.find(member).orElseThrow().email();
            Instant at = world.clock.instant();
            ObjectNode detail = Json.object().put("eventType", "Bounce");
            ObjectNode bounce = detail.putObject("bounce").put("feedbackId", "rehearsal-bounce-" + member).put("bounceType", "Transient")
                    .put("bounceSubType", "MailboxFull").put("timestamp", at.toString());
            bounce.putArray("bouncedRecipients").addObject().put("emailAddress", address).put("status", "4.2.2")
                    .put("diagnosticCode", "smtp; 452 4.2.2 <" + address + ">: Mailbox full");
            ObjectNode mail = detail.putObject("mail").put("messageId", sent.record().details().get("providerMessageId"))
                    .put("timestamp", sent.record().at().toString());
            mail.putArray("destination").add(address);
            mail.putObject("tags").putArray("member").add(member);
            EventBus.invoke(notifyHandler, "appban-notify-members", EventBus.envelope("aws.ses", "Email Bounced", at, detail));
        }

        /** The ledger-digest function's hourly run, anchoring the chain heads in the rehearsal's digests/ folder. */
        void ledgerDigest() {
            EventBus.invoke(digestHandler, "appban-ledger-digest", Json.object().put("trigger", "schedule").put("schedule", "ledger-digest-hourly"));
        }

        void notifyScheduled() {
            EventBus.invoke(notifyHandler, "appban-notify-members",
                    Json.object().put("trigger", "schedule").put("schedule", "notify-daily"));
        }

    }

    /** Files of an earlier rehearsal in the same folder would mix with this one's: only appban's own are removed. */
    private static void clearPreviousRun(Path dir) {
        for (String name : List.of("outbox", "roster", "logs", "digests")) deleteTree(dir.resolve(name));
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
