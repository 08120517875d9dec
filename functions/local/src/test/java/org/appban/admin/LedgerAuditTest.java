package org.appban.admin;

import static org.appban.exemption.ExemptionFixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;
import org.appban.ledger.ChainVerifier;
import org.appban.ledger.LedgerJson;
import org.appban.report.InMemoryReports;
import org.appban.store.memory.InMemoryLedger;
import org.junit.jupiter.api.Test;

class LedgerAuditTest {
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final InMemoryReports reports = new InMemoryReports();
    private final LedgerAudit audit = new LedgerAudit(ledger, reports, new org.appban.ledger.LedgerJson());

    private void fill() {
        for (int i = 1; i <= 5; i++) {
            ledger.append(new LedgerRecord(nz("2023-03-20T10:00").plusSeconds(i), Actor.schedule("s"), "m-001", i % 2 == 0 ? "d-1" : null,
                    "exemption.requested", "ok", false, "k" + i, Map.of("n", "" + i)));
        }
        ledger.append(new LedgerRecord(nz("2023-03-20T11:00"), Actor.administrator("ops"), null, null, "admin.status", "ok", false, null, Map.of()));
        ledger.append(new LedgerRecord(nz("2023-03-20T11:00"), Actor.schedule("s"), "m-002", "d-1", "notice.sent", "ok", false, null, Map.of()));
    }

    @Test
    void ledger_verify_checks_from_the_latest_checkpoint_unless_asked_for_every_digest_or_a_named_one() throws Exception {
        fill();
        org.appban.ledger.InMemoryDigestStore digests = new org.appban.ledger.InMemoryDigestStore();
        org.appban.testing.TestClock clock = new org.appban.testing.TestClock(nz("2023-03-20T12:00"));
        org.appban.ledger.LedgerAnchor anchor = new org.appban.ledger.LedgerAnchor(ledger, digests, org.appban.ledger.LedgerDigestJson.JSON, "L", clock);
        for (int h = 0; h < 30; h++) {
            ledger.append(new LedgerRecord(clock.instant(), Actor.schedule("s"), "m-00" + (1 + h % 2), null, "device.seen", "ok", false, null, Map.of()));
            clock.advance(java.time.Duration.ofHours(1));
            anchor.anchor();
        }
        LedgerAudit anchored = new LedgerAudit(ledger, reports, new org.appban.ledger.LedgerJson(), new LedgerAudit.Anchoring(digests, "L", org.appban.ledger.LedgerDigestJson.JSON));
        LedgerAudit.Verification latest = anchored.verify(null, clock.instant());
        assertTrue(latest.intact(), latest.toString());
        assertEquals("from the latest checkpoint, " + org.appban.ledger.LedgerDigest.key(24), latest.digests().from());
        assertEquals(7, latest.digests().digests(), "the checkpoint 24 and the six increments since");
        assertEquals(30, anchored.verify(null, "start", clock.instant()).digests().digests());
        assertEquals(30, anchored.verify(null, "1", clock.instant()).digests().digests());
        InvalidInputException notFull = assertThrows(InvalidInputException.class, () -> anchored.verify(null, "2", clock.instant()));
        assertTrue(notFull.getMessage().contains("digest 2 is incremental: a check starts from a full digest (its checkpoint is 1)"), notFull.getMessage());

        AdminRequest.LedgerVerify start = (AdminRequest.LedgerVerify) AdminRequestJson.parse(Json.parse("{\"operation\":\"ledger.verify\",\"from\":\"start\"}"));
        assertEquals("start", start.from());
        assertEquals(null, ((AdminRequest.LedgerVerify) AdminRequestJson.parse(Json.parse("{\"operation\":\"ledger.verify\"}"))).from());
        InvalidInputException bad = assertThrows(InvalidInputException.class,
                () -> AdminRequestJson.parse(Json.parse("{\"operation\":\"ledger.verify\",\"from\":\"yesterday\"}")));
        assertTrue(bad.getMessage().contains("from"), bad.getMessage());
    }

    @Test
    void an_untouched_ledger_verifies() {
        fill();
        LedgerAudit.Verification v = audit.verify(null);
        assertTrue(v.intact());
        assertEquals(3, v.chains());
        assertEquals(7, v.entries());
    }

    @Test
    void an_entry_changed_after_the_fact_is_the_first_break_reported() {
        fill();
        LedgerEntry third = ledger.chain("member#m-001").get(2);
        LedgerRecord r = third.record();
        LedgerRecord edited = new LedgerRecord(r.at(), r.actor(), r.member(), r.device(), r.action(), "refused", r.dryRun(), r.idempotencyKey(), r.details());
        ledger.tamper("member#m-001", 3, new LedgerEntry(third.chain(), third.seq(), edited, third.previousHash(), third.hash()));
        LedgerAudit.Verification v = audit.verify(null);
        assertFalse(v.intact());
        assertEquals(new ChainVerifier.Break("member#m-001", 3, "its content does not match its hash (the entry was changed)"), v.firstBreak());
        assertEquals(1, v.breaks().size());
        assertTrue(audit.verify("member#m-002").intact(), "one chain can be verified on its own");
    }

    @Test
    void an_entry_rehashed_by_the_forger_breaks_the_link_of_the_next() {
        fill();
        LedgerEntry second = ledger.chain("member#m-001").get(1);
        LedgerRecord r = second.record();
        LedgerRecord edited = new LedgerRecord(r.at(), Actor.administrator("someone-else"), r.member(), r.device(), r.action(), r.outcome(),
                r.dryRun(), r.idempotencyKey(), r.details());
        String rehash = org.appban.ledger.LedgerHasher.hash(second.chain(), 2, second.previousHash(), edited);
        ledger.tamper("member#m-001", 2, new LedgerEntry(second.chain(), 2, edited, second.previousHash(), rehash));
        ChainVerifier.Break b = audit.verify("member#m-001").firstBreak();
        assertEquals(3, b.seq());
        assertTrue(b.reason().contains("link to the previous entry"));
    }

    @Test
    void unknown_chains_are_named() {
        fill();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> audit.verify("member#m-404"));
        assertTrue(e.getMessage().contains("no chain named 'member#m-404'"));
    }

    @Test
    void a_member_export_is_their_chain_and_verifies_on_its_own() throws Exception {
        fill();
        LedgerAudit.Export x = audit.exportMember("m-001", nz("2023-03-21T09:00"));
        assertEquals(5, x.entries());
        assertEquals("memory:ledger/member/m-001/20230320T200000Z.jsonl", x.location());
        String[] lines = reports.text("ledger/member/m-001/20230320T200000Z.jsonl").orElseThrow().split("\n");
        LedgerJson codec = new LedgerJson();
        java.util.List<LedgerEntry> back = new java.util.ArrayList<>();
        for (String line : lines) back.add(codec.fromJson(Json.parse(line)));
        assertTrue(new ChainVerifier().verify("member#m-001", back).intact());
        assertEquals(64, x.sha256().length());
    }

    @Test
    void a_device_export_gathers_its_entries_across_chains_in_decision_order() throws Exception {
        fill();
        LedgerAudit.Export x = audit.exportDevice("d-1", nz("2023-03-21T09:00"));
        assertEquals(3, x.entries());
        String[] lines = reports.text("ledger/device/d-1/20230320T200000Z.jsonl").orElseThrow().split("\n");
        JsonNode last = Json.parse(lines[2]);
        assertEquals("member#m-002", last.path("chain").asText());
    }
}
