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
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.mail.OutgoingMail;
import org.appban.policy.BanPolicy;
import org.appban.policy.PolicyLoader;
import org.appban.ports.Ledger;
import org.appban.ports.Mailer;
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

/**
 * {@code ./appban bench faults [--scale N] [--retries N]}: the rehearsal campaign over the sample fleet cloned N
 * times, once clean (the reference end state) and once under faults: the simulators answer 10% of requests with a
 * transient 5xx, throttle 5% (with Retry-After) and hang 2%; their tokens expire every 10th trigger; the mail
 * provider throttles 5% of sends; the ledger crashes once at the 3rd append of each side-effect action (after the
 * side effect, before its record), and the platform runs a trigger that threw again, up to the retry budget.
 */
public final class FaultsBench {
    /** Actions recorded after a side effect: a crash between the two is the window the retry must close. */
    static final List<String> CRASH_ACTIONS = List.of("notice.sent", "mdm.uninstall-assigned", "nac.quarantined", "enforce.removal-started");

    public record Figures(int devices, int converged, List<String> notConverged, int duplicateEmails, int duplicateUninstalls,
                          int duplicateQuarantines, int lostLedgerEntries, int wrongfulQuarantines, int crashes, int retried,
                          List<String> failedTriggers, int serverFaultsSeen, int secretLeaks, Duration took) {
    }

    public static int run(List<String> args, PrintStream out) {
        int scale = 10;
        int retries = 2;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--scale" -> scale = Integer.parseInt(args.get(++i));
                case "--retries" -> retries = Integer.parseInt(args.get(++i));
                default -> {
                    out.println("usage: bench faults [--scale N] [--retries N]");
                    return 2;
                }
            }
        }
        Figures f = measure(new PolicyLoader().bundled(PolicyLoader.BUNDLED), new FleetLoader().resolve(FleetLoader.SAMPLE), scale, retries, out);
        print(f, out);
        return f.converged() == f.devices() && f.duplicateEmails() == 0 && f.lostLedgerEntries() == 0 && f.wrongfulQuarantines() == 0 ? 0 : 1;
    }

    static void print(Figures f, PrintStream out) {
        out.printf("fault run: %d devices, took %ds%n", f.devices(), f.took().toSeconds());
        out.printf("  reached the clean run's end state: %d / %d%n", f.converged(), f.devices());
        f.notConverged().stream().limit(10).forEach(d -> out.println("    not converged: " + d));
        out.printf("  duplicate emails (member+stage twice): %d%n", f.duplicateEmails());
        out.printf("  duplicate uninstall assignments beyond the clean run: %d%n", f.duplicateUninstalls());
        out.printf("  NAC writes beyond the clean run: %d%n", f.duplicateQuarantines());
        out.printf("  ledger entries lost (outbox mail without notice.sent): %d%n", f.lostLedgerEntries());
        out.printf("  wrongful quarantines: %d%n", f.wrongfulQuarantines());
        out.printf("  secrets in the fault run's logs and outputs: %d%n", f.secretLeaks());
        out.printf("  crashes injected: %d, triggers retried: %d, failed after retries: %d, simulator faults served: %d%n",
                f.crashes(), f.retried(), f.failedTriggers().size(), f.serverFaultsSeen());
        f.failedTriggers().stream().limit(5).forEach(t -> out.println("    failed: " + t.substring(0, Math.min(240, t.length()))));
    }

    public static Figures measure(BanPolicy policy, Fleet sample, int scale, int retries, PrintStream out) {
        long t0 = System.nanoTime();
        Fleet fleet = scaled(sample, scale);
        Instant until = policy.deadlineInZone().plusDays(14).toInstant();
        Path base = tmp("appban-faults");
        Map<String, Integer> cleanWrites = new HashMap<>();
        RehearsalReport clean = new Rehearsal(new Rehearsal.Options(policy, fleet, base.resolve("clean"), until,
                new FaultSetup(s -> { }, l -> l, m -> m, 0, t -> { }, s -> cleanWrites.putAll(writes(s)), r -> r)), quiet()).run();

        AtomicReference<Simulators> sims = new AtomicReference<>();
        AtomicInteger crashes = new AtomicInteger();
        AtomicInteger triggers = new AtomicInteger();
        Map<String, Integer> faultWrites = new HashMap<>();
        AtomicInteger served = new AtomicInteger();
        Random random = new Random(7);
        FaultSetup faults = new FaultSetup(s -> {
            sims.set(s);
            for (var server : List.of(s.intune(), s.jamf(), s.ise())) {
                server.faults().serverErrors(0.10).throttles(0.05, true).hangs(0.02, Duration.ofMillis(200));
            }
        }, l -> new CrashingLedger(l, CRASH_ACTIONS, 3, crashes), m -> new ThrottlingMailer(m, 0.05, random), retries,
                t -> {
                    if (triggers.incrementAndGet() % 10 == 0) {
                        sims.get().intune().expireTokensNow();
                        sims.get().jamf().expireTokensNow();
                        sims.get().ise().expireTokensNow();
                    }
                }, s -> {
                    faultWrites.putAll(writes(s));
                    served.set((int) Stream.of(s.intune(), s.jamf(), s.ise()).mapToLong(x -> x.requests().count(r -> r.status() >= 500 || r.status() == 429)).sum());
                },
                // Backoffs and Retry-After waits run 100 times faster than asked: the simulated campaign spans weeks.
                r -> r.withSleeper(d -> Thread.sleep(Math.max(0, d.toMillis() / 100))));
        Rehearsal faulted = new Rehearsal(new Rehearsal.Options(policy, fleet, base.resolve("faults"), until, faults), quiet());
        RehearsalReport report = faulted.run();

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
        Path outbox = base.resolve("faults").resolve("outbox");
        List<String> mails = emlFiles(outbox);
        Map<String, Integer> perMemberStage = new HashMap<>();
        mails.forEach(m -> perMemberStage.merge(m.replaceFirst("^[0-9]+-", ""), 1, Integer::sum));
        int duplicateEmails = perMemberStage.values().stream().mapToInt(n -> n - 1).sum();
        long recorded = report.emails().stream().filter(e -> e.file() != null).map(RehearsalReport.Email::file).distinct().count();
        int lost = (int) Math.max(0, mails.size() - recorded);
        int leaks;
        try {
            // The fault run's logs, report, ledger and outbox, scanned for the same secrets as the rehearsal's.
            leaks = SecurityChecks.scan(base.resolve("faults"), "", List.of()).secretLeaks().size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Figures(report.devices().size(), converged, notConverged, duplicateEmails,
                Math.max(0, faultWrites.getOrDefault("uninstall", 0) - cleanWrites.getOrDefault("uninstall", 0)),
                Math.max(0, faultWrites.getOrDefault("nac", 0) - cleanWrites.getOrDefault("nac", 0)),
                lost, wrongful, crashes.get(), faulted.retried.get(), List.copyOf(faulted.failedTriggers), served.get(), leaks,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Successful destructive writes the simulators received: uninstall assignments (Intune, Jamf) and NAC writes. */
    static Map<String, Integer> writes(Simulators s) {
        Map<String, Integer> w = new HashMap<>();
        w.put("uninstall", (int) (s.intune().requests().count(r -> ok(r) && r.path().endsWith("/assign") && r.body() != null && r.body().contains("uninstall"))
                + s.jamf().requests().count(r -> ok(r) && !r.method().equals("GET") && r.path().contains("restricted"))));
        w.put("nac", (int) s.ise().requests().count(r -> ok(r) && !r.method().equals("GET")));
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

    /** Throws once at the Nth append of each named action: after the side effect, before its record. */
    static final class CrashingLedger implements Ledger {
        private final Ledger delegate;
        private final List<String> actions;
        private final int nth;
        private final AtomicInteger crashes;
        private final Map<String, Integer> seen = new HashMap<>();

        CrashingLedger(Ledger delegate, List<String> actions, int nth, AtomicInteger crashes) {
            this.delegate = delegate;
            this.actions = actions;
            this.nth = nth;
            this.crashes = crashes;
        }

        @Override
        public Appended append(LedgerRecord record) {
            if (actions.contains(record.action())) {
                int n;
                synchronized (seen) {
                    n = seen.merge(record.action(), 1, Integer::sum);
                }
                if (n == nth) {
                    crashes.incrementAndGet();
                    throw new IllegalStateException("injected crash before recording " + record.action());
                }
            }
            return delegate.append(record);
        }

        @Override
        public Optional<LedgerEntry> byIdempotencyKey(String key) {
            return delegate.byIdempotencyKey(key);
        }

        @Override
        public List<LedgerEntry> chain(String chain) {
            return delegate.chain(chain);
        }

        @Override
        public List<String> chains() {
            return delegate.chains();
        }
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
