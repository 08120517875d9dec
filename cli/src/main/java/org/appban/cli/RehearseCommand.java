package org.appban.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.rehearsal.FleetForPolicy;
import org.appban.rehearsal.Rehearsal;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.fleet.InvalidFleetException;

/** {@code ./appban rehearse}: the campaign of a policy over a fleet, on a simulated clock. */
final class RehearseCommand {
    private final PrintStream out;

    RehearseCommand(PrintStream out) {
        this.out = out;
    }

    int run(List<String> argv) {
        Args args = new Args(argv, Set.of("policy", "fleet", "out", "until"), Set.of());
        if (!args.positional().isEmpty()) throw new Args.UsageException("rehearse takes no arguments, only options");
        BanPolicy policy = new PolicyLoader().resolve(args.get("policy").orElse(PolicyLoader.BUNDLED));
        Fleet fleet;
        try {
            fleet = new FleetLoader().resolve(args.get("fleet").orElse(FleetLoader.SAMPLE));
            // Read against the policy too, so that nothing starts on a fleet the run would refuse half-way.
            FleetForPolicy.prepare(policy, fleet, Rehearsal.decisionsAt(policy, fleet));
        } catch (InvalidFleetException e) {
            // Its message already names the file.
            throw new org.appban.input.InvalidInputException("", "", e.getMessage());
        }
        Instant until = args.get("until").map(d -> parseUntil(d, policy))
                .orElse(policy.deadlineInZone().plusDays(14).toInstant());
        if (!until.isAfter(Rehearsal.start(policy, fleet))) {
            throw new Args.UsageException("--until must be after the rehearsal's start (" + Rehearsal.start(policy, fleet) + ")");
        }
        Path dir = Path.of(args.get("out").orElse("rehearsal-out"));
        new Rehearsal(new Rehearsal.Options(policy, fleet, dir, until), out).run();
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
                throw new Args.UsageException("--until must be a date (YYYY-MM-DD) or a date-time with an offset, found '" + text + "'");
            }
        }
    }
}
