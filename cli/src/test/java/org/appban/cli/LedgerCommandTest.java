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

    // ---- with the anchored digests: what an auditor runs on an export, with nothing else ----------------------

    /** The whole ledger exported by the admin function's ledger.export all: ledger.jsonl, digests/, manifest.json. */
    private Path auditorsExport(InMemoryLedger ledger, org.appban.testing.TestClock clock) {
        org.appban.ledger.InMemoryDigestStore bucket = new org.appban.ledger.InMemoryDigestStore();
        org.appban.ledger.LedgerAnchor anchor = new org.appban.ledger.LedgerAnchor(ledger, bucket, org.appban.ledger.LedgerDigestJson.JSON, "appban-prod-LedgerTable-X", clock);
        anchor.anchor();
        clock.advance(java.time.Duration.ofHours(2));
        ledger.append(new LedgerRecord(clock.instant(), Actor.schedule("notify"), "m-2", null, "notice.sent", "ok", false, "k-m2", Map.of()));
        anchor.anchor();
        org.appban.admin.LedgerAudit audit = new org.appban.admin.LedgerAudit(ledger, new org.appban.report.FolderReports(dir),
                new LedgerJson(), new org.appban.admin.LedgerAudit.Anchoring(bucket, "appban-prod-LedgerTable-X", org.appban.ledger.LedgerDigestJson.JSON));
        return Path.of(audit.exportAll(clock.instant()).location()).getParent();
    }

    @Test
    void an_auditors_export_verifies_offline_with_its_digests() throws Exception {
        org.appban.testing.TestClock clock = new org.appban.testing.TestClock(Instant.parse("2023-03-21T00:00:00Z"));
        Path export = auditorsExport(ledger(), clock);
        assertTrue(Files.isRegularFile(export.resolve("manifest.json")));
        assertEquals(0, command.run(List.of("verify", "--file", export.resolve("ledger.jsonl").toString(), "--digests", export.toString())), out());
        assertTrue(out().contains("digests of ledger appban-prod-LedgerTable-X, from the latest checkpoint, digests/9999999998-0000000001.json: 2 read, the newest number 2"), out());
        assertTrue(out().contains("anchored: every head the digests recorded is in the ledger with the same hash"), out());
    }

    @Test
    void an_export_rewritten_whole_with_recomputed_hashes_fails_against_its_digests() throws Exception {
        org.appban.testing.TestClock clock = new org.appban.testing.TestClock(Instant.parse("2023-03-21T00:00:00Z"));
        InMemoryLedger original = ledger();
        Path export = auditorsExport(original, clock);
        InMemoryLedger forged = new InMemoryLedger();
        for (String chain : original.chains()) {
            for (LedgerEntry e : original.chain(chain)) {
                LedgerRecord r = e.record();
                forged.append("k3".equals(r.idempotencyKey())
                        ? new LedgerRecord(r.at(), r.actor(), r.member(), r.device(), r.action(), "failed", r.dryRun(), r.idempotencyKey(), r.details())
                        : r);
            }
        }
        LedgerJson codec = new LedgerJson();
        List<String> lines = new ArrayList<>();
        for (String chain : forged.chains()) for (LedgerEntry e : forged.chain(chain)) lines.add(codec.toLine(e));
        Files.write(export.resolve("ledger.jsonl"), lines);
        assertEquals(1, command.run(List.of("verify", "--file", export.resolve("ledger.jsonl").toString(), "--digests", export.toString())), out());
        assertTrue(out().contains("intact: every entry matches its hash"), "the forgery holds together on its own: " + out());
        assertTrue(out().contains("DIGEST rewritten: chain member#m-1 entry 4 does not have the hash digests/9999999998-0000000001.json anchored:"
                + " history was rewritten after entry 0 (from the start) and at or before entry 4"), out());
    }

    @Test
    void a_deleted_chain_and_a_digest_of_another_stack_are_named() throws Exception {
        org.appban.testing.TestClock clock = new org.appban.testing.TestClock(Instant.parse("2023-03-21T00:00:00Z"));
        Path export = auditorsExport(ledger(), clock);
        List<String> lines = new ArrayList<>(Files.readAllLines(export.resolve("ledger.jsonl")));
        lines.removeIf(l -> l.contains("\"chain\":\"member#m-1\""));
        Files.write(export.resolve("ledger.jsonl"), lines);
        Files.writeString(export.resolve("digests").resolve("9999999997-0000000002.json"),
                Files.readString(export.resolve("digests").resolve("9999999997-0000000002.json")).replace("appban-prod-LedgerTable-X", "appban-test-LedgerTable-Y"));
        assertEquals(1, command.run(List.of("verify", "--file", export.resolve("ledger.jsonl").toString(), "--digests", export.toString())), out());
        assertTrue(out().contains("DIGEST other-ledger: digest digests/9999999997-0000000002.json is about ledger appban-test-LedgerTable-Y,"
                + " not appban-prod-LedgerTable-X (a digest of another stack)"), "the manifest names the ledger: " + out());
        assertTrue(out().contains("DIGEST deleted-chain: chain member#m-1 is not in the ledger, but digests/9999999998-0000000001.json anchored it at entry 4"), out());
    }

    @Test
    void a_rewrite_that_a_later_checkpoint_anchored_is_found_by_the_full_check_only() throws Exception {
        org.appban.testing.TestClock clock = new org.appban.testing.TestClock(Instant.parse("2023-03-21T00:00:00Z"));
        InMemoryLedger original = ledger();
        org.appban.ledger.InMemoryDigestStore bucket = new org.appban.ledger.InMemoryDigestStore();
        new org.appban.ledger.LedgerAnchor(original, bucket, org.appban.ledger.LedgerDigestJson.JSON, "appban-prod-LedgerTable-X", clock).anchor();
        InMemoryLedger forged = new InMemoryLedger();
        for (String chain : original.chains()) {
            for (LedgerEntry e : original.chain(chain)) {
                LedgerRecord r = e.record();
                forged.append("k2".equals(r.idempotencyKey())
                        ? new LedgerRecord(r.at(), r.actor(), r.member(), r.device(), r.action(), "failed", r.dryRun(), r.idempotencyKey(), r.details())
                        : r);
            }
        }
        // A day later the anchor writes the next checkpoint of the table as the forger left it (and fails with the anomaly).
        clock.advance(java.time.Duration.ofHours(24));
        org.appban.ledger.LedgerAnchor.Outcome o = new org.appban.ledger.LedgerAnchor(forged, bucket, org.appban.ledger.LedgerDigestJson.JSON, "appban-prod-LedgerTable-X", clock).anchor();
        assertEquals("full", o.kind());
        assertEquals(1, o.anomalies().size(), o.anomalies().toString());
        Path export = Path.of(new org.appban.admin.LedgerAudit(forged, new org.appban.report.FolderReports(dir),
                new LedgerJson(), new org.appban.admin.LedgerAudit.Anchoring(bucket, "appban-prod-LedgerTable-X", org.appban.ledger.LedgerDigestJson.JSON)).exportAll(clock.instant()).location()).getParent();
        String file = export.resolve("ledger.jsonl").toString();

        assertEquals(0, command.run(List.of("verify", "--file", file, "--digests", export.toString())), out());
        assertTrue(out().contains("from the latest checkpoint, digests/9999999997-0000000002.json: 1 read"), out());
        assertEquals(1, command.run(List.of("verify", "--file", file, "--digests", export.toString(), "--full")), out());
        assertTrue(out().contains("every digest from number 1: 2 read"), out());
        assertTrue(out().contains("DIGEST rewritten: chain member#m-1 entry 4 has one hash in digests/9999999998-0000000001.json and another in"
                + " digests/9999999997-0000000002.json: rewritten between the two digests"), out());
        assertEquals(1, command.run(List.of("verify", "--file", file, "--digests", export.toString(), "--from", "1")), out());
        InvalidInputException none = assertThrows(InvalidInputException.class,
                () -> command.run(List.of("verify", "--file", file, "--digests", export.toString(), "--from", "5")));
        assertTrue(none.getMessage().contains("there is no digest 5"), none.getMessage());
    }
}
