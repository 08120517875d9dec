package org.appban.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.input.InvalidInputException;
import org.appban.ledger.LedgerJson;
import org.appban.store.memory.InMemoryLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./appban ledger verify --file}: an exported ledger checked away from the table it came from. */
class LedgerCommandTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final LedgerCommand command = new LedgerCommand(new PrintStream(printed, true, StandardCharsets.UTF_8),
            () -> {
                throw new AssertionError("no table in these tests");
            });

    static InMemoryLedger ledger() {
        InMemoryLedger ledger = new InMemoryLedger();
        Instant t = Instant.parse("2023-03-20T00:00:00Z");
        for (int i = 1; i <= 4; i++) {
            ledger.append(new LedgerRecord(t.plusSeconds(i), Actor.schedule("notify"), "m-1", null, "notice.sent", "ok", false,
                    "k" + i, Map.of("stage", "s" + i)));
        }
        ledger.append(new LedgerRecord(t, Actor.administrator("ops"), null, null, "admin.status", "ok", false, null, Map.of()));
        return ledger;
    }

    private Path export(InMemoryLedger ledger) throws Exception {
        LedgerJson codec = new LedgerJson();
        List<String> lines = new ArrayList<>();
        for (String chain : ledger.chains()) for (LedgerEntry e : ledger.chain(chain)) lines.add(codec.toLine(e));
        Path file = dir.resolve("ledger.jsonl");
        Files.write(file, lines);
        return file;
    }

    private String out() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void an_intact_export_verifies() throws Exception {
        Path file = export(ledger());
        assertEquals(0, command.run(List.of("verify", "--file", file.toString())));
        assertTrue(out().contains("2 chains, 5 entries"), out());
        assertTrue(out().contains("intact"), out());
    }

    @Test
    void an_edited_line_is_reported_as_the_first_break_of_its_chain() throws Exception {
        Path file = export(ledger());
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        int i = 0;
        while (!lines.get(i).contains("\"seq\":2") || !lines.get(i).contains("member#m-1")) i++;
        lines.set(i, lines.get(i).replace("\"s2\"", "\"s9\""));
        Files.write(file, lines);
        assertEquals(1, command.run(List.of("verify", "--file", file.toString())));
        assertTrue(out().contains("BROKEN: chain member#m-1, first break at entry 2: its content does not match its hash"), out());
        assertEquals(0, new LedgerCommand(new PrintStream(new ByteArrayOutputStream()), () -> null)
                .run(List.of("verify", "--file", file.toString(), "--chain", "fleet")), "the other chain is intact");
    }

    @Test
    void a_removed_line_breaks_the_chain_at_the_gap() throws Exception {
        Path file = export(ledger());
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.removeIf(l -> l.contains("\"seq\":3") && l.contains("member#m-1"));
        Files.write(file, lines);
        assertEquals(1, command.run(List.of("verify", "--file", file.toString())));
        assertTrue(out().contains("first break at entry 4: expected entry 3 but found 4"), out());
    }

    @Test
    void an_unknown_chain_and_a_line_that_is_no_entry_are_named() throws Exception {
        Path file = export(ledger());
        InvalidInputException unknown = assertThrows(InvalidInputException.class,
                () -> command.run(List.of("verify", "--file", file.toString(), "--chain", "member#m-404")));
        assertTrue(unknown.getMessage().contains("no chain named 'member#m-404'"));
        Files.writeString(file, Files.readString(file) + "{\"chain\": \"member#m-1\"}\n");
        InvalidInputException junk = assertThrows(InvalidInputException.class, () -> command.run(List.of("verify", "--file", file.toString())));
        assertTrue(junk.getMessage().contains("line 6: not a ledger entry"), junk.getMessage());
    }

    @Test
    void main_answers_a_broken_ledger_with_exit_code_one() throws Exception {
        Path file = export(ledger());
        Files.writeString(file, Files.readString(file).replace("\"s1\"", "\"forged\""));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, Main.run(List.of("ledger", "verify", "--file", file.toString()), new PrintStream(printed), new PrintStream(err)));
        assertEquals(2, Main.run(List.of("ledger", "verify"), new PrintStream(printed), new PrintStream(err)), "usage error");
    }
}
