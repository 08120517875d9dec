package org.appban.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code ./appban bench NAME}: dispatches to the benchmarks, each of which prints its own figures. */
final class BenchCommand {
    private final PrintStream out;

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    int run(List<String> argv) {
        if (argv.isEmpty()) throw new Args.UsageException("bench needs a name: inventory, notify, enforce, access, coldstart, faults, reliability");
        throw new Args.UsageException("unknown benchmark '" + argv.get(0) + "'");
    }
}
