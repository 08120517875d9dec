package org.appban.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.appban.bench.AccessBench;
import org.appban.bench.BudgetsBench;
import org.appban.bench.ColdStartBench;
import org.appban.bench.EnforceBench;
import org.appban.bench.FaultsBench;
import org.appban.bench.InventoryBench;
import org.appban.bench.NotifyBench;
import org.appban.bench.ReliabilityBench;
import org.appban.cli.support.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./appban bench NAME [options]}: the benchmarks, each its own picocli command (its class carries its name,
 * options and help) and each printing its own figures. {@code ./appban bench NAME --help} prints the bench's options
 * and runs nothing.
 */
@Command(name = "bench", synopsisSubcommandLabel = "NAME",
        description = "Prints performance and reliability figures, each bench against the emulator and the simulators.")
final class BenchCommand implements Callable<Integer> {
    /**
     * Every bench, built with where it prints, in the order {@code ./appban bench --help} lists them. A new bench is
     * one class and one line here: a class in {@code org.appban.bench} annotated {@code @Command(name = "NAME",
     * description = ...)}, implementing {@code Callable<Integer>} (its exit code), with a constructor taking the
     * {@code PrintStream} it prints to and its options as {@code @Option} fields with a description each (their
     * initial values are the defaults); then {@code NameBench::new} in this list. {@code --help}, the one-line
     * errors and the exit codes come with it ({@code CommandLines}); a value out of range is a
     * {@code ParameterException} (or {@code UsageException}) from {@code call()}.
     */
    static final List<Function<PrintStream, Object>> BENCHES = List.of(
            InventoryBench::new,
            NotifyBench::new,
            EnforceBench::new,
            AccessBench::new,
            ColdStartBench::new,
            FaultsBench::new,
            ReliabilityBench::new,
            BudgetsBench::new);

    static CommandLine commandLine(PrintStream out) {
        CommandLine bench = new CommandLine(new BenchCommand());
        for (Function<PrintStream, Object> b : BENCHES) bench.addSubcommand(b.apply(out));
        return bench;
    }

    @Override
    public Integer call() {
        throw new UsageException("bench needs a name");
    }
}
