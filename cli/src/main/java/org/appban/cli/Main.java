package org.appban.cli;

import java.io.PrintStream;
import java.util.List;
import org.appban.input.InvalidInputException;

/** Entry point of {@code ./appban}. */
public final class Main {
    private static final String USAGE = """
            usage: ./appban <command> [options]

              rehearse [--policy FILE|NAME] [--fleet FILE] [--out DIR] [--until DATE]
                        run a whole campaign on a simulated clock with embedded stores and simulators
              simulators [--fleet FILE] [--start INSTANT]
                        serve the Intune, Jamf Pro and Cisco ISE simulators on loopback until stopped
              ledger verify (--file FILE [--digests FOLDER] | --table NAME [--digest-bucket NAME]) [--chain CHAIN]
                        [--ledger NAME] [--at INSTANT]
                        check the ledger's hash chains and report the first break; with the anchored
                        digests, check the chains against them (rewrites, deleted chains, missing digests)
              invoke FUNCTION EVENT_FILE [--caller ID] [--stage NAME] [--init]
                        run one function in-process against the AWS emulator at AWS_ENDPOINT_URL
                        (LocalStack: infra/localstack), with its environment from template.yaml
              lambda FUNCTION EVENT_FILE [--snapstart|--classic] [--stage NAME] [--init] [--help]
                        invoke one function as Lambda does (AWS's Runtime Interface Emulator and Client), against
                        AWS_ENDPOINT_URL or a moto server and the simulators it starts
              bench <inventory|notify|enforce|access|coldstart|faults|reliability|budgets> [options]
                        print performance and reliability figures

            Every command (and every bench) answers --help with its options.
            """;

    /** Each command's own usage, for {@code ./appban COMMAND --help}: answered before the command runs anything. */
    private static final java.util.Map<String, String> HELP = java.util.Map.of(
            "rehearse", """
                    usage: ./appban rehearse [--policy FILE|NAME] [--fleet FILE] [--out DIR] [--until DATE]
                      runs a whole campaign of the policy over the fleet on a simulated clock, with embedded stores and
                      the simulators; writes its report, ledger, outbox and logs to --out (default rehearsal-out)
                    """,
            "simulators", """
                    usage: ./appban simulators [--fleet FILE] [--start INSTANT]
                      serves the Intune, Jamf Pro and Cisco ISE simulators on loopback until stopped
                    """,
            "ledger", """
                    usage: ./appban ledger verify (--file FILE | --table NAME) [--chain CHAIN]
                      checks the ledger's hash chains (an exported file, or a DynamoDB table) and reports the first break
                    """,
            "invoke", InvokeCommand.USAGE + "\n"
                    + "  runs one function in-process against the AWS emulator at AWS_ENDPOINT_URL, with its environment from template.yaml\n");

    /** Whether the arguments ask for help rather than a run. */
    static boolean asksForHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(List.of(argv), System.out, System.err));
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        if (argv.isEmpty() || argv.get(0).equals("help") || argv.get(0).equals("--help")) {
            out.print(USAGE);
            return argv.isEmpty() ? 2 : 0;
        }
        List<String> rest = argv.subList(1, argv.size());
        if (asksForHelp(rest) && HELP.containsKey(argv.get(0))) {
            out.print(HELP.get(argv.get(0)));
            return 0;
        }
        try {
            return switch (argv.get(0)) {
                case "rehearse" -> new RehearseCommand(out).run(rest);
                case "simulators" -> new SimulatorsCommand().run(rest);
                case "ledger" -> new LedgerCommand(out).run(rest);
                case "bench" -> new BenchCommand(out).run(rest);
                case "invoke" -> new InvokeCommand(out).run(rest);
                case "lambda" -> new LambdaCommand(out, err).run(rest);
                default -> throw new Args.UsageException("unknown command '" + argv.get(0) + "'");
            };
        } catch (Args.UsageException e) {
            err.println("appban: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (InvalidInputException e) {
            err.println("appban: " + e.getMessage());
            return 1;
        }
    }
}
