package org.appban.cli.support;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.appban.input.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The picocli set-up every {@code ./appban} command shares, so that each behaves alike: {@code -h}/{@code --help} on
 * every command and subcommand (added here, so a command cannot forget it), a bad argument answered with one line
 * naming it, the command's usage and exit code 2 (never a stack trace), bad input (a file that does not parse) with
 * one line and exit code 1. Parsing as the hand-written parser did: {@code --name value} or {@code --name=value}, an
 * option given twice keeps the last value, and an argument starting with {@code @} is an argument, not a file of them.
 */
public final class CommandLines {
    /** The exit code of a bad argument, a missing one, or arguments that do not go together. */
    public static final int USAGE = 2;
    /** The exit code of bad input: a file or value the command read and refused. */
    public static final int BAD_INPUT = 1;

    private CommandLines() {
    }

    /**
     * A command line over {@code command} and the subcommands it has so far (add them first), printing to
     * {@code out} and {@code err}.
     */
    public static CommandLine of(Object command, PrintStream out, PrintStream err) {
        CommandLine line = command instanceof CommandLine c ? c : new CommandLine(command);
        line.setOut(writer(out));
        line.setErr(writer(err));
        line.setExpandAtFiles(false);
        line.setOverwrittenOptionsAllowed(true);
        line.setUsageHelpWidth(110);
        line.setParameterExceptionHandler((e, args) -> badArguments(e, err));
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UsageException) return badArguments(new ParameterException(cmd, e.getMessage(), e), err);
            if (e instanceof InvalidInputException) {
                err.println("appban: " + e.getMessage());
                return BAD_INPUT;
            }
            throw e;
        });
        everyCommand(line);
        return line;
    }

    /** Runs the command line on {@code argv} as {@code ./appban} does: every outcome is an exit code. */
    public static int execute(CommandLine line, List<String> argv) {
        int code = line.execute(argv.toArray(String[]::new));
        line.getOut().flush();
        line.getErr().flush();
        return code;
    }

    /**
     * Runs one command (with its subcommands) on its own, named {@code name} in its usage: help and bad arguments as
     * {@link #execute} (and a {@link ParameterException} the command throws), while what else it throws (a {@link UsageException}, an
     * {@link InvalidInputException}) reaches the caller, which decides what it means.
     */
    public static int call(String name, Object command, List<String> argv, PrintStream out, PrintStream err) {
        CommandLine line = of(command, out, err);
        line.setCommandName(name);
        ParseResult parsed;
        try {
            parsed = line.parseArgs(argv.toArray(String[]::new));
        } catch (ParameterException e) {
            return badArguments(e, err);
        }
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            line.getOut().flush();
            return help;
        }
        List<CommandLine> chain = parsed.asCommandLineList();
        Object last = chain.get(chain.size() - 1).getCommand();
        try {
            Object result = ((Callable<?>) last).call();
            return result instanceof Integer i ? i : 0;
        } catch (ParameterException e) {
            return badArguments(e, err);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int badArguments(ParameterException e, PrintStream err) {
        CommandLine cmd = e.getCommandLine();
        err.println("appban: " + message(e));
        // The synopsis, not the whole help: the error stays in view; --help has the rest.
        err.print(cmd.getHelp().synopsisHeading() + cmd.getHelp().synopsis(cmd.getHelp().synopsisHeadingLength()));
        err.println(cmd.getCommandSpec().qualifiedName() + " --help lists its options" + (cmd.getSubcommands().isEmpty() ? "" : " and subcommands"));
        err.flush();
        return USAGE;
    }

    /** One line naming what is wrong; an unknown word where a subcommand goes is called what it is. */
    private static String message(ParameterException e) {
        CommandLine cmd = e.getCommandLine();
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String word = u.getUnmatched().get(0);
            if (!word.startsWith("-") && cmd.getSubcommands().isEmpty()) return "unexpected argument '" + word + "'";
            if (!word.startsWith("-")) {
                String names = String.join(", ", cmd.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList());
                return "unknown " + kind(cmd) + " '" + word + "'; one of " + names;
            }
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.strip().replaceFirst("^Error: ", "").replace(System.lineSeparator(), " ").replace('\n', ' ');
    }

    private static String kind(CommandLine cmd) {
        if (cmd.getParent() == null) return "command";
        return switch (cmd.getCommandName()) {
            case "bench" -> "benchmark";
            default -> cmd.getCommandName() + " subcommand";
        };
    }

    /** Help on every command and subcommand, and usage headed as the project's other messages are. */
    private static void everyCommand(CommandLine line) {
        CommandSpec spec = line.getCommandSpec();
        if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Print this help (what the command does, its options) and run nothing.").build());
        }
        spec.usageMessage().synopsisHeading("usage: ");
        spec.usageMessage().optionListHeading("%noptions:%n");
        spec.usageMessage().commandListHeading("%nsubcommands (each answers --help):%n");
        spec.usageMessage().parameterListHeading("%narguments:%n");
        spec.usageMessage().descriptionHeading("%n");
        spec.usageMessage().footerHeading("%n");
        for (CommandLine sub : line.getSubcommands().values()) everyCommand(sub);
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }
}
