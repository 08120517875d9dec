package org.appban.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.appban.cli.support.CommandLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code ./appban}: every command a picocli subcommand, built here with what it prints to
 * (constructor injection), each answering {@code --help} with its options ({@link CommandLines} adds the option to
 * every command and subcommand). A bad argument: one line naming it, the command's usage, exit code 2.
 */
@Command(name = "./appban", synopsisSubcommandLabel = "COMMAND",
        description = {"The appban command line.",
            "The rehearsal, the simulators, the local Lambda, ledger verification, the administration of a deployed stack and "
                    + "the benchmarks."},
        footer = "Every command (and every bench) answers --help with its options: ./appban COMMAND --help")
public final class Main implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    private final PrintStream out;

    private Main(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] argv) {
        System.exit(run(List.of(argv), System.out, System.err));
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        return CommandLines.execute(commandLine(out, err), argv);
    }

    /** The whole command tree. A new command: its class, and one line here. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new Main(out));
        line.addSubcommand(new RehearseCommand(out));
        line.addSubcommand(new SimulatorsCommand());
        line.addSubcommand(new LedgerCommand(out));
        line.addSubcommand(new AdminCommand(out, err));
        line.addSubcommand(new InvokeCommand(out));
        line.addSubcommand(new LambdaCommand(out, err));
        line.addSubcommand(BenchCommand.commandLine(out));
        line.addSubcommand(new CommandLine.HelpCommand());
        return CommandLines.of(line, out, err);
    }

    /** {@code ./appban} alone: the usage, and exit code 2 (it ran nothing). */
    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return CommandLines.USAGE;
    }
}
