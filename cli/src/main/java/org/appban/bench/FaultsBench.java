package org.appban.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.appban.remote.RemoteOptions;
import org.appban.domain.LedgerRecord;
import org.appban.mail.OutgoingMail;
import org.appban.mail.RateLimitedMailer;
import org.appban.mail.SendRateLimiter;
import org.appban.mail.Ticker;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.ports.Ledger;
import org.appban.mail.Mailer;
import org.appban.rehearsal.FaultSetup;
import org.appban.rehearsal.Rehearsal;
import org.appban.rehearsal.RehearsalReport;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetAttestation;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.fleet.FleetEvent;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.fleet.FleetMember;
import org.appban.sim.http.RecordedRequest;
import java.util.concurrent.Callable;
import org.appban.cli.support.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./appban bench faults [--scale N] [--retries N]}: the rehearsal campaign over the sample fleet cloned N
 * times, once clean (the reference end state) and once under faults: the simulators answer 10% of requests with a
 * transient 5xx, throttle 5% (with Retry-After) and hang 2% (a stall ending in a gateway timeout); their tokens
 * expire every 10th trigger; the mail provider throttles 5% of calls (behind the production RateLimitedMailer); and the process dies at each {@link CrashPoints crash point} in turn (right after
 * a side effect, before it is recorded), after which the platform retries the invocation under the same request id,
 * up to the retry budget.
 *
 * <p>Both runs pass weeks of simulated time in minutes, so waits that are real time for a real API are compressed
 * alike: backoffs and Retry-After waits run {@value #TIME_COMPRESSION} times faster, and the APIs' per-second
 * budgets are {@value #TIME_COMPRESSION} times larger on both sides (simulators and clients). Every request and
 * every fault still happens; only the real-time spacing shrinks.
 *
 * <p>What it counts, from the simulators' request logs, the provider's accepted sends and the ledger:
 * <ul>
 *   <li>duplicate emails: copies of one Message-ID beyond the first; those after a crash in
 *       {@link CrashPoints#SES_WINDOW} (documented in NoticeSender) are counted apart, as within the window;</li>
 *   <li>ledger entries lost: an accepted email (Message-ID) without its {@code notice.sent}; a quarantine or
 *       release the NAC carried out (ISE answered 204) without its {@code nac.quarantined}/{@code nac.released}
 *       entry saying ok; a crash whose interrupted side effect has no entry at the end;</li>
 *   <li>duplicate destructive commands: NAC apply/clear commands the NAC refused as already done, and uninstall
 *       assignments, beyond the clean run's.</li>
 * </ul>
 */
@Command(name = "faults", description = {"The rehearsal campaign under injected faults, crashing at each crash point in turn.",
            "Counts duplicates, lost ledger entries and wrongful quarantines against a clean run."})
public final class FaultsBench implements Callable<Integer> {
    /** How much faster than real time waits run and how much larger per-second budgets are, in both runs. */
    static final int TIME_COMPRESSION = 100;
    /** A few thousand devices: the sample fleet (38 devices) cloned this many times. */
    static final int DEFAULT_SCALE = 60;
    /** The platform's retries of a failed asynchronous invocation (Lambda's, for schedules and events alike). */
    static final int DEFAULT_RETRIES = 2;

    public record Figures(int devices, int converged, List<String> notConverged, int duplicateEmails, int duplicateEmailsInWindow,
                          int duplicateUninstalls, int duplicateNacCommands, int lostLedgerEntries, List<String> lostDetail,
                          int wrongfulQuarantines, int crashes, Map<String, Integer> crashesPerPoint, Map<String, Integer> occurrencesPerPoint,
                          int retried, List<String> failedTriggers, int serverFaultsSeen, int secretLeaks, int emails, Duration took,
                          Duration cleanTook, List<String> duplicateDetail) {
    }

    @Option(names = "--scale", paramLabel = "N", description = "the sample fleet cloned N times (default: ${DEFAULT-VALUE})")
    private int scale = DEFAULT_SCALE;
    @Option(names = "--retries", paramLabel = "N", description = "the platform's retries of a failed invocation (default: "
            + "${DEFAULT-VALUE}, Lambda's)")
    private int retries = DEFAULT_RETRIES;
    private final PrintStream out;

    public FaultsBench(PrintStream out) {
        this.out = out;
    }

    public static int run(List<String> args, PrintStream out) {
        return CommandLines.call("./appban bench faults", new FaultsBench(out), args, out, out);
    }

    @Override
    public Integer call() {
        Figures f = measure(new PolicyLoader().bundled(PolicyLoader.BUNDLED), new FleetLoader().resolve(FleetLoader.SAMPLE), scale, retries, out);
        print(f, out);
        return meetsTargets(f) ? 0 : 1;
    }

    static boolean meetsTargets(Figures f) {
        return f.converged() == f.devices() && f.duplicateEmails() == f.duplicateEmailsInWindow() && f.duplicateUninstalls() == 0
                && f.duplicateNacCommands() == 0 && f.lostLedgerEntries() == 0 && f.wrongfulQuarantines() == 0 && f.failedTriggers().isEmpty();
    }

    static void print(Figures f, PrintStream out) {
        out.printf("fault run: %d devices, took %ds (clean reference run %ds)%n", f.devices(), f.took().toSeconds(), f.cleanTook().toSeconds());
        out.printf("  reached the clean run's end state: %d / %d%n", f.converged(), f.devices());
        f.notConverged().stream().limit(10).forEach(d -> out.println("    not converged: " + d));
        out.printf("  emails accepted: %d; duplicate emails: %d (within the documented SES crash window: %d, beyond it: %d)%n",
                f.emails(), f.duplicateEmails(), f.duplicateEmailsInWindow(), f.duplicateEmails() - f.duplicateEmailsInWindow());
        out.printf("  duplicate uninstall assignments beyond the clean run: %d%n", f.duplicateUninstalls());
        out.printf("  NAC commands repeated (refused as already done) beyond the clean run: %d%n", f.duplicateNacCommands());
        out.printf("  ledger entries lost: %d%n", f.lostLedgerEntries());
        f.lostDetail().stream().limit(10).forEach(d -> out.println("    lost: " + d));
        f.duplicateDetail().stream().limit(10).forEach(d -> out.println("    duplicate: " + d));
        out.printf("  wrongful quarantines: %d%n", f.wrongfulQuarantines());
        out.printf("  secrets in the fault run's logs and outputs: %d%n", f.secretLeaks());
        out.printf("  crashes injected: %d, invocations retried: %d, failed after retries: %d, simulator faults served: %d%n",
                f.crashes(), f.retried(), f.failedTriggers().size(), f.serverFaultsSeen());
        f.failedTriggers().stream().limit(5).forEach(t -> out.println("    failed: " + t.substring(0, Math.min(240, t.length()))));
        out.println("  crash points (occurrences in the run / crashes injected):");
        f.crashesPerPoint().forEach((p, n) -> out.printf("    %-66s %6d / %d%n", p, f.occurrencesPerPoint().getOrDefault(p, 0), n));
    }

    public static Figures measure(BanPolicy policy, Fleet sample, int scale, int retries, PrintStream out) {
        Fleet fleet = scaled(sample, scale);
        Instant until = policy.deadlineInZone().plusDays(14).toInstant();
        Path base = tmp("appban-faults");
        UnaryOperator<RemoteOptions> compressed = r -> r.withSleeper(d -> Thread.sleep(Math.max(0, d.toMillis() / TIME_COMPRESSION)));

        long c0 = System.nanoTime();
        Map<String, Integer> cleanWrites = new HashMap<>();
        CrashPoints counted = CrashPoints.counting();
        RehearsalReport clean = new Rehearsal(new Rehearsal.Options(policy, fleet, base.resolve("clean"), until,
                new FaultSetup(s -> { }, counted::ledger, counted::mailer, 0, t -> { }, s -> cleanWrites.putAll(writes(s)), compressed,
                        TIME_COMPRESSION, counted)), quiet()).run();
        Duration cleanTook = Duration.ofNanos(System.nanoTime() - c0);
        out.printf("clean reference run: %d devices in %ds%n", clean.devices().size(), cleanTook.toSeconds());

        long t0 = System.nanoTime();
        AtomicReference<Simulators> sims = new AtomicReference<>();
        AtomicReference<Ledger> stored = new AtomicReference<>();
        AtomicReference<CrashPoints> points = new AtomicReference<>();
        AtomicInteger triggers = new AtomicInteger();
        Map<String, Integer> faultWrites = new HashMap<>();
        AtomicInteger served = new AtomicInteger();
        Map<String, int[]> nacChanges = new HashMap<>();
        Random random = new Random(7);
        FaultSetup faults = new FaultSetup(s -> {
            sims.set(s);
            points.set(new CrashPoints(1, 25, 4, retries, s.clock()).expecting(counted.seen()));
            for (var server : List.of(s.intune(), s.jamf(), s.ise())) {
                // A hang stands for a 2 s stall ending in a gateway timeout (504), compressed like every other wait.
                server.faults().serverErrors(0.10).throttles(0.05, true).hangs(0.02, Duration.ofMillis(2000 / TIME_COMPRESSION));
            }
        }, l -> {
            stored.set(l);
            return points.get().ledger(l);
        },
                // SES throttles 5% of calls; the production mailer (RateLimitedMailer: pacing, 5 attempts with jittered
                // backoff) handles them, paced and backing off 100 times faster like every other wait.
                m -> new RateLimitedMailer(new ThrottlingMailer(points.get().mailer(m), 0.05, random),
                        new SendRateLimiter(14.0 * TIME_COMPRESSION, Ticker.system()), 5,
                        Duration.ofMillis(200).dividedBy(TIME_COMPRESSION), Duration.ofSeconds(10).dividedBy(TIME_COMPRESSION),
                        java.util.random.RandomGenerator.of("L64X128MixRandom")), retries,
                t -> {
                    if (triggers.incrementAndGet() % 10 == 0) {
                        sims.get().intune().expireTokensNow();
                        sims.get().jamf().expireTokensNow();
                        sims.get().ise().expireTokensNow();
                    }
                }, s -> {
                    faultWrites.putAll(writes(s));
                    nacChanges.putAll(nacChanges(s));
                    served.set((int) Stream.of(s.intune(), s.jamf(), s.ise()).mapToLong(x -> x.requests().count(r -> r.status() >= 500 || r.status() == 429)).sum());
                }, compressed, TIME_COMPRESSION, new LazyDecorators(points::get));
        Rehearsal faulted = new Rehearsal(new Rehearsal.Options(policy, fleet, base.resolve("faults"), until, faults), quiet());
        RehearsalReport report = faulted.run();
        CrashPoints crashes = points.get();

        Map<String, RehearsalReport.DeviceState> want = new HashMap<>();
        clean.devices().forEach(d -> want.put(d.id(), d));
        int converged = 0;
        int wrongful = 0;
        List<String> notConverged = new ArrayList<>();
        for (RehearsalReport.DeviceState d : report.devices()) {
            RehearsalReport.DeviceState w = want.get(d.id());
            if (w != null && w.hasApp() == d.hasApp() && w.networkAccess().equals(d.networkAccess())) converged++;
            else notConverged.add(d.id() + " (" + d.ownership() + ", app " + d.hasApp() + " want " + (w == null ? "?" : w.hasApp())
                    + ", " + d.networkAccess() + " want " + (w == null ? "?" : w.networkAccess()) + ")");
            if (d.networkAccess().equals("quarantined") && (d.exempt() || (w != null && w.networkAccess().equals("allowed")))) wrongful++;
        }

        List<LedgerRecord> records = new ArrayList<>();
        Ledger ledger = stored.get();
        for (String chain : ledger.chains()) ledger.chain(chain).forEach(e -> records.add(e.record()));
        List<String> lost = new ArrayList<>();

        // Emails: every accepted Message-ID has its notice.sent (digest.sent for the administrators' digest); copies
        // beyond one are duplicates.
        Map<String, LedgerRecord> sentByMessageId = new HashMap<>();
        records.stream().filter(r -> r.action().equals("notice.sent") || r.action().equals("digest.sent"))
                .forEach(r -> sentByMessageId.put(r.details().get("messageId"), r));
        int duplicates = 0;
        int inWindow = 0;
        List<String> beyond = new ArrayList<>();
        for (Map.Entry<String, Integer> m : crashes.mailCopies.entrySet()) {
            LedgerRecord sent = sentByMessageId.get(m.getKey());
            if (sent == null) lost.add("email " + m.getKey() + " accepted " + m.getValue() + "x, no notice.sent");
            int extra = m.getValue() - 1;
            duplicates += extra;
            // Within the documented window: the copy before was interrupted there, and the ledger says so.
            if (extra > 0 && crashes.sesWindow.contains(m.getKey()) && sent != null && sent.details().containsKey("earlierAttempt")) inWindow += extra;
            else if (extra > 0) beyond.add("email " + m.getKey() + " accepted " + m.getValue() + "x"
                    + (crashes.sesWindow.contains(m.getKey()) ? " after a crash in the SES window" : "") + "; notice.sent: " + (sent == null ? "none" : sent.details()));
        }
        // NAC: every change ISE carried out has an entry saying this function made it.
        Map<String, int[]> recordedNac = new HashMap<>();
        for (LedgerRecord r : records) {
            if (r.dryRun() || !r.outcome().equals("ok")) continue;
            int slot = r.action().equals("nac.quarantined") ? 0 : r.action().equals("nac.released") ? 1 : -1;
            if (slot >= 0) recordedNac.computeIfAbsent(CrashPoints.norm(r.details().get("nac.key")), k -> new int[3])[slot]++;
        }
        int redundantNac = 0;
        for (Map.Entry<String, int[]> e : nacChanges.entrySet()) {
            if (e.getKey().equals(REFUSED)) {
                redundantNac = e.getValue()[2];
                continue;
            }
            int[] rec = recordedNac.getOrDefault(e.getKey(), new int[3]);
            if (e.getValue()[0] > rec[0]) lost.add("NAC quarantined " + e.getKey() + " " + e.getValue()[0] + "x, recorded " + rec[0] + "x");
            if (e.getValue()[1] > rec[1]) lost.add("NAC released " + e.getKey() + " " + e.getValue()[1] + "x, recorded " + rec[1] + "x");
        }
        for (CrashPoints.Crash c : crashes.unrecorded(records)) lost.add("after a crash at '" + c.point() + "' (" + c.subject() + ", " + c.at() + ")");

        int leaks;
        try {
            // The fault run's logs, report, ledger and outbox, scanned for the same secrets as the rehearsal's.
            leaks = SecurityChecks.scan(base.resolve("faults"), "", List.of()).secretLeaks().size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> fired = crashes.fired();
        return new Figures(report.devices().size(), converged, notConverged, duplicates, inWindow,
                Math.max(0, faultWrites.getOrDefault("uninstall", 0) - cleanWrites.getOrDefault("uninstall", 0)),
                Math.max(0, redundantNac - cleanWrites.getOrDefault("nac-refused", 0)),
                lost.size(), lost, wrongful, fired.values().stream().mapToInt(Integer::intValue).sum(), fired, crashes.seen(),
                faulted.retried.get(), List.copyOf(faulted.failedTriggers), served.get(), leaks,
                crashes.mailCopies.values().stream().mapToInt(Integer::intValue).sum(), Duration.ofNanos(System.nanoTime() - t0), cleanTook, beyond);
    }

    /** The crash points, made once the simulators (and their clock) exist. */
    private record LazyDecorators(java.util.function.Supplier<CrashPoints> points) implements FaultSetup.Decorators {
        @Override
        public org.appban.network.NetworkAccess nac(org.appban.network.NetworkAccess nac) {
            return points.get().nac(nac);
        }

        @Override
        public org.appban.fleet.FleetEnforcement mdm(org.appban.fleet.FleetEnforcement mdm) {
            return points.get().mdm(mdm);
        }

        @Override
        public org.appban.notice.NoticeRequests requests(String source, org.appban.notice.NoticeRequests requests) {
            return points.get().requests(source, requests);
        }

        @Override
        public org.appban.inventory.DeviceEvents deviceEvents(org.appban.inventory.DeviceEvents events) {
            return points.get().deviceEvents(events);
        }

        @Override
        public Runnable invocation(String id, Runnable withRetries) {
            return points.get().invocation(id, withRetries);
        }
    }

    /** Key of the count of NAC commands refused as already done, in {@link #nacChanges}. */
    private static final String REFUSED = "*refused*";

    /** Per MAC: quarantines [0] and releases [1] ISE carried out (204); under {@link #REFUSED}, commands refused [2]. */
    static Map<String, int[]> nacChanges(Simulators s) {
        Map<String, int[]> out = new HashMap<>();
        int[] refused = new int[3];
        out.put(REFUSED, refused);
        s.ise().requests().count(r -> {
            boolean apply = r.path().endsWith("/ancendpoint/apply");
            boolean clear = r.path().endsWith("/ancendpoint/clear");
            if (!apply && !clear) return false;
            // ISE refuses (400) an apply on an endpoint under a policy and a clear on one under none.
            if (r.status() == 400) refused[2]++;
            if (r.status() != 204) return false;
            out.computeIfAbsent(CrashPoints.norm(macOf(r.body())), k -> new int[3])[apply ? 0 : 1]++;
            return true;
        });
        return out;
    }

    private static String macOf(String body) {
        try {
            for (com.fasterxml.jackson.databind.JsonNode d : org.appban.json.Json.parse(body).path("OperationAdditionalData").path("additionalData")) {
                if (d.path("name").asText().equals("macAddress")) return d.path("value").asText();
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    /** Successful destructive writes the simulators received: uninstall assignments (Intune, Jamf) and NAC writes. */
    static Map<String, Integer> writes(Simulators s) {
        Map<String, Integer> w = new HashMap<>();
        w.put("uninstall", (int) (s.intune().requests().count(r -> ok(r) && r.path().endsWith("/assign") && r.body() != null && r.body().contains("uninstall"))
                + s.jamf().requests().count(r -> ok(r) && !r.method().equals("GET") && r.path().contains("restricted"))));
        w.put("nac", (int) s.ise().requests().count(r -> ok(r) && !r.method().equals("GET")));
        w.put("nac-refused", nacChanges(s).get(REFUSED)[2]);
        return w;
    }

    private static boolean ok(RecordedRequest r) {
        return r.status() < 400;
    }

    static Fleet scaled(Fleet f, int scale) {
        List<FleetMember> members = new ArrayList<>(f.members());
        List<FleetDevice> devices = new ArrayList<>(f.devices());
        List<FleetEvent> events = new ArrayList<>(f.events());
        List<FleetAttestation> attestations = new ArrayList<>(f.attestations());
        for (int k = 1; k < scale; k++) {
            String c = "-c" + k;
            for (FleetMember m : f.members()) {
                members.add(new FleetMember(m.id() + c, m.name() + " " + k, m.email().replace("@", "+c" + k + "@"), m.role(), m.leavesAt()));
            }
            for (FleetDevice d : f.devices()) {
                devices.add(new FleetDevice(d.id() + c, d.owner() + c, d.ownership(), d.platform(), d.model(), d.supervised(), d.apps(),
                        d.mac() == null ? null : String.format("%02x", k % 256) + ":" + String.format("%02x", k / 256) + d.mac().substring(5),
                        d.mdm(), d.compliance(), d.checkIn(), d.serial() == null ? null : d.serial() + "C" + k, d.enrollment()));
            }
            for (FleetEvent e : f.events()) events.add(new FleetEvent(e.at(), e.device() + c, e.action(), e.app()));
            for (FleetAttestation a : f.attestations()) attestations.add(new FleetAttestation(a.member() + c, a.at()));
        }
        return new Fleet(f.source(), f.name() + " x" + scale, f.startsAt(), f.catalog(), members, devices, f.exemptions(), events, attestations);
    }

    private static List<String> emlFiles(Path outbox) {
        if (!Files.isDirectory(outbox)) return List.of();
        try (Stream<Path> s = Files.list(outbox)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".eml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tmp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }

    /** The mail provider throttling a share of sends, as SES does past the account's rate. */
    static final class ThrottlingMailer implements Mailer {
        private final Mailer delegate;
        private final double rate;
        private final Random random;

        ThrottlingMailer(Mailer delegate, double rate, Random random) {
            this.delegate = delegate;
            this.rate = rate;
            this.random = random;
        }

        @Override
        public String send(OutgoingMail mail) {
            boolean throttle;
            synchronized (random) {
                throttle = random.nextDouble() < rate;
            }
            if (throttle) throw new Mailer.Throttled("Maximum sending rate exceeded.", false, null);
            return delegate.send(mail);
        }
    }
}
