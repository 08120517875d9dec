package org.appban.cli;

import java.io.PrintStream;
import java.util.List;
import org.appban.bench.AccessBench;
import org.appban.bench.ColdStartBench;
import org.appban.bench.InventoryBench;
import org.appban.bench.NotifyBench;

/**
 * {@code ./appban bench NAME [options]}: dispatches to the benchmarks, each of which prints its own figures.
 * {@code ./appban bench NAME --help} prints the bench's options and runs nothing.
 */
final class BenchCommand {
    /** Every bench and its options (what {@code --help} prints). */
    private static final java.util.Map<String, String> USAGES = new java.util.LinkedHashMap<>();

    static {
        USAGES.put("inventory", "./appban bench inventory [--devices N (5000)] [--scale F] [--latency-ms N] [--members N] [--single-cursor]\n"
                + "  one inventory sync over a generated fleet through the Intune and Jamf simulators, storing devices in DynamoDB on the emulator");
        USAGES.put("notify", "./appban bench notify [--members N] --rate R [--account-rate S] [--in-flight K]\n"
                + "  the announcement-day notice run at MAX_SEND_RATE R through SES v2 on the emulator, notices with signed links");
        USAGES.put("enforce", "./appban bench enforce [--devices N (2000)] [--budget-scale F (1)] [--workers W (2)] [--with-app SHARE (0.5)]\n"
                + "  the deadline run of enforce-removal and its queue workers, production's containers sharing Graph's budgets");
        USAGES.put("access", "./appban bench access [--devices N (20000)] [--rate TPS (default ISE_CALLS_PER_SECOND)] [--seed S]\n"
                + "  network access over generated private devices through the ISE simulator");
        USAGES.put("coldstart", "./appban bench coldstart [--runs N] [--prime] [--only FUNCTION] [--phases] [--against JAR] [--plain-http] [--services]\n"
                + "  each handler's first invocation in a fresh JVM with Lambda's flags against the emulator");
        USAGES.put("faults", "./appban bench faults [--scale N] [--retries N]\n"
                + "  the rehearsal campaign under injected faults and a crash at each crash point in turn; counts duplicates");
        USAGES.put("reliability", "./appban bench reliability [--scale N] [--repo DIR]\n"
                + "  the bad-input corpus, the idempotency run, the security scans of a rehearsal and the fault run, as one table");
        USAGES.put("budgets", org.appban.bench.BudgetsBench.USAGE);
        USAGES.put("scale", org.appban.bench.ScaleBench.USAGE);
    }

    private static final List<String> NAMES = List.copyOf(USAGES.keySet());

    private final PrintStream out;

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    int run(List<String> argv) {
        if (argv.isEmpty()) throw new Args.UsageException("bench needs a name: one of " + String.join(", ", NAMES));
        List<String> rest = argv.subList(1, argv.size());
        if (Main.asksForHelp(rest) && USAGES.containsKey(argv.get(0))) {
            out.println("usage: " + USAGES.get(argv.get(0)));
            return 0;
        }
        if (Main.asksForHelp(argv)) {
            out.println("usage: ./appban bench <" + String.join("|", NAMES) + "> [options]; ./appban bench NAME --help for a bench's options");
            return 0;
        }
        return switch (argv.get(0)) {
            case "inventory" -> InventoryBench.run(rest, out);
            case "notify" -> NotifyBench.run(rest, out);
            case "coldstart" -> ColdStartBench.run(rest, out);
            case "access" -> AccessBench.run(rest, out);
            case "faults" -> org.appban.bench.FaultsBench.run(rest, out);
            case "reliability" -> org.appban.bench.ReliabilityBench.run(rest, out);
            case "enforce" -> org.appban.bench.EnforceBench.run(rest, out);
            case "budgets" -> org.appban.bench.BudgetsBench.run(rest, out);
            case "scale" -> org.appban.bench.ScaleBench.run(rest, out);
            default -> throw new Args.UsageException("unknown benchmark '" + argv.get(0) + "'; one of " + String.join(", ", NAMES));
        };
    }
}
