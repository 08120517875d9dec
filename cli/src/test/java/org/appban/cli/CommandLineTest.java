package org.appban.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * How {@code ./appban} reads its arguments: the options and defaults each command always had, the forms the old
 * parser took, and what a person sees when they get it wrong (one line naming the mistake, the command's synopsis,
 * exit code 2, never a stack trace). Nothing here runs a command past parsing, except the ones that refuse.
 */
class CommandLineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int appban(String... argv) {
        return Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The parse alone, as picocli sees it: what each option got, without running anything. */
    private static ParseResult parse(String... argv) {
        return Main.commandLine(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())).parseArgs(argv);
    }

    private static ParseResult deepest(ParseResult r) {
        while (r.hasSubcommand()) r = r.subcommand();
        return r;
    }

    private static Object defaultOf(String option, String... command) {
        CommandLine line = Main.commandLine(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        for (String c : command) line = line.getSubcommands().get(c);
        return line.getCommandSpec().findOption(option).getValue();
    }

    /** A mistake is answered on stderr: the first line names it, then the synopsis; no exception reaches the person. */
    private void assertRefusedWith(String expected) {
        List<String> lines = err().lines().toList();
        assertTrue(lines.get(0).startsWith("appban: ") && lines.get(0).contains(expected), err());
        assertTrue(lines.get(1).startsWith("usage: ./appban"), err());
        assertFalse(err().contains("\tat org.") || err().contains("Exception"), "no stack trace: " + err());
    }

    @Test
    void ledger_verify_help_lists_its_options_instead_of_calling_help_an_unknown_option() {
        assertEquals(0, appban("ledger", "verify", "--help"));
        assertTrue(out().startsWith("usage: ./appban ledger verify"), out());
        for (String option : List.of("--file", "--table", "--chain", "--digests", "--digest-bucket", "--ledger", "--at")) {
            assertTrue(out().contains(option + "="), option + " in\n" + out());
        }
        assertEquals("", err());
    }

    @Test
    void help_is_also_h_and_the_help_command_and_appban_alone_prints_the_usage_with_exit_2() {
        assertEquals(0, appban("bench", "access", "-h"));
        assertTrue(out().contains("--devices=N"), out());
        out.reset();
        assertEquals(0, appban("help", "bench"));
        assertTrue(out().contains("coldstart") && out().contains("budgets"), out());
        out.reset();
        assertEquals(2, appban());
        assertTrue(out().startsWith("usage: ./appban"), out());
    }

    @Test
    void an_unknown_command_is_named_with_the_ones_there_are() {
        assertEquals(2, appban("rehaerse"));
        assertRefusedWith("unknown command 'rehaerse'; one of rehearse, simulators, ledger, admin, invoke, lambda, bench");
    }

    @Test
    void an_unknown_option_is_named() {
        assertEquals(2, appban("ledger", "verify", "--file", "x.jsonl", "--colour"));
        assertRefusedWith("Unknown option: '--colour'");
    }

    @Test
    void a_value_of_the_wrong_type_is_named_before_anything_runs() {
        assertEquals(2, appban("bench", "enforce", "--workers", "two"));
        assertRefusedWith("Invalid value for option '--workers': 'two' is not an int");
    }

    @Test
    void an_option_without_its_value_is_named() {
        assertEquals(2, appban("bench", "faults", "--scale"));
        assertRefusedWith("Missing required parameter for option '--scale'");
    }

    @Test
    void a_missing_required_option_or_argument_is_named() {
        assertEquals(2, appban("bench", "notify", "--members", "10"));
        assertRefusedWith("Missing required option: '--rate=R'");
        err.reset();
        assertEquals(2, appban("invoke", "admin"));
        assertRefusedWith("Missing required parameter: 'EVENT_FILE'");
    }

    @Test
    void options_that_exclude_each_other_are_refused() {
        assertEquals(2, appban("lambda", "admin", "events/admin/status.json", "--snapstart", "--classic"));
        assertRefusedWith("--snapstart, --classic are mutually exclusive");
    }

    @Test
    void a_stray_argument_is_refused() {
        assertEquals(2, appban("rehearse", "bundled"));
        assertRefusedWith("unexpected argument 'bundled'");
    }

    @Test
    void arguments_that_parse_but_make_no_sense_are_refused_the_same_way() {
        assertEquals(2, appban("ledger", "verify"));
        assertRefusedWith("ledger verify needs --file FILE or --table NAME");
        err.reset();
        assertEquals(2, appban("bench", "access", "--devices", "5"));
        assertRefusedWith("--devices must be 100 or more");
        err.reset();
        assertEquals(2, appban("bench"));
        assertRefusedWith("bench needs a name");
    }

    @Test
    void bad_input_is_one_line_and_exit_1() {
        assertEquals(1, appban("ledger", "verify", "--file", "no-such-ledger.jsonl"));
        assertTrue(err().startsWith("appban: no-such-ledger.jsonl"), err());
        assertEquals(1, err().lines().count(), err());
    }

    @Test
    void options_take_their_value_after_a_space_or_an_equals_sign_and_the_last_of_a_repeated_one_wins() {
        assertEquals(300, deepest(parse("bench", "access", "--devices", "300")).matchedOptionValue("--devices", 0));
        assertEquals(300, deepest(parse("bench", "access", "--devices=300")).matchedOptionValue("--devices", 0));
        assertEquals(7, deepest(parse("bench", "faults", "--scale", "3", "--scale", "7")).matchedOptionValue("--scale", 0));
    }

    @Test
    void an_argument_starting_with_an_at_sign_is_an_argument_not_a_file_of_arguments() {
        ParseResult r = deepest(parse("invoke", "@admin", "@event.json"));
        assertEquals(List.of("@admin", "@event.json"), r.matchedPositionals().stream().map(p -> p.getValue().toString()).toList());
    }

    @Test
    void the_admin_options_saying_where_and_as_whom_go_before_or_after_the_subcommand() {
        for (ParseResult r : List.of(parse("admin", "--url", "https://u", "--json", "status"), parse("admin", "status", "--url", "https://u", "--json"))) {
            CommandSpec admin = r.subcommand().commandSpec();
            assertEquals("https://u", admin.findOption("--url").getValue());
            assertEquals(true, admin.findOption("--json").getValue());
        }
    }

    @Test
    void a_jvm_option_starting_with_a_dash_is_a_value_and_jvm_opt_repeats() {
        ParseResult r = deepest(parse("bench", "coldstart", "--direct", "--jvm-opt", "-Xlog:class+load", "--jvm-opt", "-Xshare:off"));
        assertEquals(List.of("-Xlog:class+load", "-Xshare:off"), r.matchedOptionValue("--jvm-opt", List.of()));
    }

    @Test
    void the_defaults_are_the_ones_the_commands_always_had() {
        assertEquals(Path.of("rehearsal-out"), defaultOf("--out", "rehearse"));
        assertEquals("local", defaultOf("--stage", "invoke"));
        assertEquals(5_000, defaultOf("--devices", "bench", "inventory"));
        assertEquals(1.0, defaultOf("--scale", "bench", "inventory"));
        assertEquals(10_000, defaultOf("--members", "bench", "notify"));
        assertEquals(2_000, defaultOf("--devices", "bench", "enforce"));
        assertEquals(0.5, defaultOf("--with-app", "bench", "enforce"));
        assertEquals(20_000, defaultOf("--devices", "bench", "access"));
        assertEquals(3, defaultOf("--runs", "bench", "coldstart"));
        assertEquals(60, defaultOf("--scale", "bench", "faults"));
        assertEquals(2, defaultOf("--retries", "bench", "faults"));
        assertEquals(600, defaultOf("--intune", "bench", "budgets"));
        assertEquals(120, defaultOf("--seconds", "bench", "budgets"));
        assertEquals("pending", defaultOf("--state", "admin", "approvals"));
    }

    @Test
    void a_new_bench_is_one_line_in_the_bench_list_and_appears_under_bench() {
        CommandLine bench = Main.commandLine(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()))
                .getSubcommands().get("bench");
        assertEquals(BenchCommand.BENCHES.size(), bench.getSubcommands().size() - (bench.getSubcommands().containsKey("help") ? 1 : 0));
        assertEquals(List.of("inventory", "notify", "enforce", "access", "coldstart", "faults", "reliability", "budgets"),
                List.copyOf(bench.getSubcommands().keySet()).subList(0, 8));
    }
}
