package org.appban.cli;

import java.io.PrintStream;
import java.util.List;
import org.appban.bench.AccessBench;
import org.appban.bench.ColdStartBench;
import org.appban.bench.InventoryBench;
import org.appban.bench.NotifyBench;

/** {@code ./appban bench NAME [options]}: dispatches to the benchmarks, each of which prints its own figures. */
final class BenchCommand {
    private static final List<String> NAMES = List.of("inventory", "notify", "enforce", "access", "coldstart", "faults", "reliability");

    private final PrintStream out;

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    int run(List<String> argv) {
        if (argv.isEmpty()) throw new Args.UsageException("bench needs a name: one of " + String.join(", ", NAMES));
        List<String> rest = argv.subList(1, argv.size());
        return switch (argv.get(0)) {
            case "inventory" -> InventoryBench.run(rest, out);
            case "notify" -> NotifyBench.run(rest, out);
            case "coldstart" -> ColdStartBench.run(rest, out);
            case "access" -> AccessBench.run(rest, out);
            case "faults" -> org.appban.bench.FaultsBench.run(rest, out);
            case "reliability" -> org.appban.bench.ReliabilityBench.run(rest, out);
            default -> throw new Args.UsageException(NAMES.contains(argv.get(0))
                    ? "bench " + argv.get(0) + " is not available yet"
                    : "unknown benchmark '" + argv.get(0) + "'; one of " + String.join(", ", NAMES));
        };
    }
}
