package org.appban.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import java.util.concurrent.Callable;
import org.appban.cli.support.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./appban bench reliability [--scale N] [--repo DIR]}: the bad-input corpus, the idempotency run, the
 * security scans of a full rehearsal and the fault run, as one table (run from the repository root, or name it).
 */
@Command(name = "reliability", description = "The bad-input corpus, the idempotency run, the security scans of a rehearsal and "
        + "the fault run, as one table against their targets.")
public final class ReliabilityBench implements Callable<Integer> {
    @Option(names = "--scale", paramLabel = "N", description = "the fault run's fleet: the sample fleet cloned N times "
            + "(default: ${DEFAULT-VALUE})")
    private int scale = FaultsBench.DEFAULT_SCALE;
    @Option(names = "--repo", paramLabel = "DIR", description = "the repository's root (default: the current folder)")
    private Path repo = Path.of("").toAbsolutePath();
    private final PrintStream out;

    public ReliabilityBench(PrintStream out) {
        this.out = out;
    }

    public static int run(List<String> args, PrintStream out) {
        return CommandLines.call("./appban bench reliability", new ReliabilityBench(out), args, out, out);
    }

    @Override
    public Integer call() {
        BanPolicy policy = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
        Fleet fleet = new FleetLoader().resolve(FleetLoader.SAMPLE);
        try {
            List<BadInputCorpus.Outcome> corpus = new BadInputCorpus(repo, policy, fleet).run();
            long corpusFailed = corpus.stream().filter(o -> !o.passed()).count();
            List<IdempotencyRun.Outcome> idem = new IdempotencyRun(repo, policy, fleet).run();
            long seqDiff = idem.stream().filter(o -> !o.sequentialSame()).count();
            long conDiff = idem.stream().filter(o -> !o.concurrentSame()).count();
            SecurityChecks.Result sec = SecurityChecks.run(policy, fleet, Files.createTempDirectory("appban-sec"),
                    policy.deadlineInZone().plusDays(14).toInstant());
            FaultsBench.Figures f = FaultsBench.measure(policy, fleet, scale, FaultsBench.DEFAULT_RETRIES, out);

            out.println();
            out.printf("%-58s %-22s %s%n", "check", "measured", "target");
            row(out, "bad input corpus: cases rejected clearly, no partial writes", (corpus.size() - corpusFailed) + " / " + corpus.size(), "all");
            corpus.stream().filter(o -> !o.passed()).forEach(o -> out.println("    failed: " + o.name() + ": " + o.why()));
            row(out, "idempotency: samples x2 in sequence = once", (idem.size() - seqDiff) + " / " + idem.size(), "all");
            row(out, "idempotency: samples x2 at once = once", (idem.size() - conDiff) + " / " + idem.size(), "all");
            idem.stream().filter(o -> !o.passed()).forEach(o -> out.println("    differs: " + o.function() + "/" + o.sample()
                    + (o.sequentialSame() ? " (concurrent only)" : "")));
            row(out, "secrets in log lines (rehearsal, " + sec.linesScanned() + " lines)", String.valueOf(sec.secretLeaks().size()), "0");
            row(out, "injected/unexpected email headers (" + sec.emails() + " .eml)", String.valueOf(sec.headerProblems().size()), "0");
            row(out, "raw <script> in HTML outputs (" + sec.htmlFiles() + " files/parts)", String.valueOf(sec.unescaped().size()), "0");
            row(out, "fault run (" + f.devices() + " devices, x" + scale + "): converged", f.converged() + " / " + f.devices(), "all");
            row(out, "fault run: duplicate emails (of " + f.emails() + " accepted)", String.valueOf(f.duplicateEmails()), "0 beyond crash window");
            row(out, "  of which within the documented SES crash window", String.valueOf(f.duplicateEmailsInWindow()), "documented");
            row(out, "fault run: duplicate uninstall assignments", String.valueOf(f.duplicateUninstalls()), "0");
            row(out, "fault run: NAC commands repeated beyond the clean run", String.valueOf(f.duplicateNacCommands()), "0");
            row(out, "fault run: ledger entries lost", String.valueOf(f.lostLedgerEntries()), "0");
            f.lostDetail().stream().limit(5).forEach(d -> out.println("    lost: " + d));
            row(out, "fault run: secrets in its logs and outputs", String.valueOf(f.secretLeaks()), "0");
            row(out, "fault run: wrongful quarantines", String.valueOf(f.wrongfulQuarantines()), "0");
            long exercised = f.crashesPerPoint().values().stream().filter(n -> n > 0).count();
            long occurring = f.occurrencesPerPoint().values().stream().filter(n -> n > 0).count();
            row(out, "fault run: crash points crashed / passed (of " + f.crashesPerPoint().size() + ")", exercised + " / " + occurring, "all passed");
            row(out, "fault run: crashes / retries / failed after retries",
                    f.crashes() + " / " + f.retried() + " / " + f.failedTriggers().size(), "failed 0");
            out.println("fault run took " + f.took().toSeconds() + " s (clean reference " + f.cleanTook().toSeconds()
                    + " s); simulator faults served: " + f.serverFaultsSeen());
            f.crashesPerPoint().forEach((p, n) -> out.printf("    crash point %-66s %6d seen / %d crashed%n", p, f.occurrencesPerPoint().getOrDefault(p, 0), n));
            boolean ok = corpusFailed == 0 && seqDiff == 0 && conDiff == 0 && sec.secretLeaks().isEmpty() && sec.headerProblems().isEmpty()
                    && sec.unescaped().isEmpty() && f.secretLeaks() == 0 && FaultsBench.meetsTargets(f) && exercised == occurring;
            out.println(ok ? "all targets met" : "TARGETS MISSED (see above)");
            return ok ? 0 : 1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void row(PrintStream out, String check, String measured, String target) {
        out.printf("%-58s %-22s %s%n", check, measured, target);
    }
}
