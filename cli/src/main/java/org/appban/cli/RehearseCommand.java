package org.appban.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.appban.cli.support.UsageException;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.rehearsal.FleetForPolicy;
import org.appban.rehearsal.Rehearsal;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.fleet.InvalidFleetException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./appban rehearse}: the campaign of a policy over a fleet, on a simulated clock. */
@Command(name = "rehearse", description = {"Runs a whole campaign of the policy over the fleet on a simulated clock.",
            "With embedded stores and the Intune, Jamf Pro and Cisco ISE simulators; writes its report, ledger, outbox and "
                    + "logs to --out."})
final class RehearseCommand implements Callable<Integer> {
    @Option(names = "--policy", paramLabel = "FILE|NAME", description = "the ban policy: a file, or a bundled policy's name "
            + "(default: ${DEFAULT-VALUE})")
    private String policy = PolicyLoader.BUNDLED;
    @Option(names = "--fleet", paramLabel = "FILE", description = "the simulated fleet: a file, or a bundled fleet's name "
            + "(default: ${DEFAULT-VALUE})")
    private String fleet = FleetLoader.SAMPLE;
    @Option(names = "--out", paramLabel = "DIR", description = "where the report, ledger, outbox and logs go (default: "
            + "${DEFAULT-VALUE})")
    private Path outDir = Path.of("rehearsal-out");
    @Option(names = "--until", paramLabel = "DATE", description = "when the rehearsal stops: a date (the end of that day in "
            + "the policy's zone) or a date-time with an offset (default: 14 days after the deadline)")
    private String until;

    private final PrintStream out;

    RehearseCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        BanPolicy policy = new PolicyLoader().resolve(this.policy);
        try {
            // The policy's template sets, compiled and checked as notify compiles them at its cold start: a set missing
            // a stage or naming an unknown placeholder stops here, before any simulator starts.
            org.appban.notice.NoticeLanguages.load(policy);
        } catch (IllegalStateException e) {
            throw new org.appban.input.InvalidInputException(this.policy, "", e.getMessage());
        }
        Fleet fleet;
        try {
            fleet = new FleetLoader().resolve(this.fleet);
            // Read against the policy too, so that nothing starts on a fleet the run would refuse half-way.
            FleetForPolicy.prepare(policy, fleet, Rehearsal.decisionsAt(policy, fleet));
        } catch (InvalidFleetException e) {
            // Its message already names the file.
            throw new org.appban.input.InvalidInputException("", "", e.getMessage());
        }
        Instant until = this.until == null ? policy.deadlineInZone().plusDays(14).toInstant() : parseUntil(this.until, policy);
        if (!until.isAfter(Rehearsal.start(policy, fleet))) {
            throw new UsageException("--until must be after the rehearsal's start (" + Rehearsal.start(policy, fleet) + ")");
        }
        new Rehearsal(new Rehearsal.Options(policy, fleet, outDir, until), out).run();
        return 0;
    }

    /** A date means the end of that day in the policy's zone; a full instant is taken as it is. */
    private static Instant parseUntil(String text, BanPolicy policy) {
        try {
            return LocalDate.parse(text).plusDays(1).atStartOfDay(policy.zone()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw new UsageException("--until must be a date (YYYY-MM-DD) or a date-time with an offset, found '" + text + "'");
            }
        }
    }
}
