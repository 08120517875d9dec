package org.appban.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.appban.bench.LocalEmulator;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code ./appban} command and bench the README names answers {@code --help}, so none can silently disappear
 * again (a merge once dropped {@code bench enforce}). The commands are read from the README itself: a command
 * someone documents is covered as soon as it is documented. And every command the CLI has, down to each admin
 * subcommand, answers {@code --help} with each of its options described.
 */
class ReadmeCommandsTest {
    /**
     * {@code ./appban COMMAND [SUB|SUB2...]} as code: in backticks or at the start of a line of a code block (prose that
     * names "the ./appban command" is not a command). A sub-command is a lower-case word, or several joined by |.
     */
    private static final Pattern MENTION = Pattern.compile("(?m)(?:`|^\\s*)\\./appban ([a-z][a-z-]*)(?: ([a-z][a-z|-]*))?");

    static List<List<String>> documentedCommands() throws IOException {
        String readme = Files.readString(LocalEmulator.root().resolve("README.md"), StandardCharsets.UTF_8);
        Set<List<String>> found = new LinkedHashSet<>();
        Matcher m = MENTION.matcher(readme);
        while (m.find()) {
            if (m.group(2) == null) {
                found.add(List.of(m.group(1)));
            } else {
                for (String sub : m.group(2).split("\\|")) if (!sub.isEmpty()) found.add(List.of(m.group(1), sub));
            }
        }
        return new ArrayList<>(found);
    }

    @TestFactory
    Stream<DynamicTest> every_command_and_bench_the_readme_names_answers_help() throws IOException {
        return documentedCommands().stream().map(command -> DynamicTest.dynamicTest("./appban " + String.join(" ", command) + " --help", () -> {
            List<String> argv = new ArrayList<>(command);
            argv.add("--help");
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int status = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String said = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
            assertEquals(0, status, said);
            assertTrue(said.toLowerCase(java.util.Locale.ROOT).contains("usage"), said);
            assertFalse(said.contains("not available"), said);
        }));
    }

    /** Every command and subcommand of the CLI itself, as the words that run it. */
    static List<List<String>> everyCommand() {
        List<List<String>> all = new ArrayList<>();
        collect(Main.commandLine(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())), List.of(), all);
        return all;
    }

    private static List<String> withAppban(List<String> command) {
        List<String> words = new ArrayList<>(List.of("./appban"));
        words.addAll(command);
        return words;
    }

    private static void collect(CommandLine line, List<String> words, List<List<String>> all) {
        all.add(words);
        line.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) return;
            List<String> longer = new ArrayList<>(words);
            longer.add(name);
            collect(sub, longer, all);
        });
    }

    @TestFactory
    Stream<DynamicTest> every_command_and_subcommand_answers_help_with_each_of_its_options_described() {
        return everyCommand().stream().map(command -> DynamicTest.dynamicTest("./appban " + String.join(" ", command) + " --help", () -> {
            List<String> argv = new ArrayList<>(command);
            argv.add("--help");
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int status = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String help = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, status, help + err);
            assertTrue(help.startsWith("usage: " + String.join(" ", withAppban(command))), help);
            CommandLine line = Main.commandLine(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
            for (String word : command) line = line.getSubcommands().get(word);
            for (OptionSpec option : line.getCommandSpec().options()) {
                assertTrue(help.contains(option.longestName()), option.longestName() + " in\n" + help);
                assertTrue(option.description().length > 0 && !option.description()[0].isBlank(), option.longestName() + " has a description");
            }
            for (PositionalParamSpec p : line.getCommandSpec().positionalParameters()) {
                assertTrue(p.description().length > 0 && help.contains(p.description()[0]), p.paramLabel() + " described in\n" + help);
            }
        }));
    }

    @Test
    void the_readme_names_the_commands_and_every_bench() throws IOException {
        List<List<String>> commands = documentedCommands();
        for (String c : List.of("rehearse", "simulators", "invoke", "ledger")) {
            assertTrue(commands.stream().anyMatch(l -> l.get(0).equals(c)), c + " in " + commands);
        }
        for (String bench : List.of("inventory", "notify", "enforce", "access", "coldstart", "faults", "reliability", "budgets")) {
            assertTrue(commands.contains(List.of("bench", bench)), "bench " + bench + " in " + commands);
        }
    }

    @Test
    void an_unknown_bench_is_refused_and_a_known_one_is_never_not_available() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(List.of("bench", "nonsense"), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown benchmark"));
    }
}
