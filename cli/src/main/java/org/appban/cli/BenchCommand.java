package org.appban.cli;

import java.io.PrintStream;
import java.util.List;
import org.appban.bench.NotifyBench;

/** {@code ./appban bench <name> [options]}: dispatches to the benchmark of that name. */
public final class BenchCommand {
    private static final List<String> NAMES = List.of("inventory", "notify", "enforce", "access", "coldstart", "faults", "reliability");

    private final PrintStream out;

    public BenchCommand(PrintStream out) {
        this.out = out;
    }

    public int run(List<String> args) {
        if (args.isEmpty()) {
            out.println("usage: ./appban bench <" + String.join("|", NAMES) + "> [options]");
            return 2;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "notify" -> NotifyBench.run(rest, out);
            default -> {
                if (NAMES.contains(args.get(0))) {
                    out.println("bench " + args.get(0) + ": not yet available");
                } else {
                    out.println("bench: unknown benchmark '" + args.get(0) + "'; one of " + String.join(", ", NAMES));
                }
                yield 2;
            }
        };
    }
}
