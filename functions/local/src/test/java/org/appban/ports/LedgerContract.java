package org.appban.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.ledger.ChainVerifier;
import org.appban.ledger.LedgerHasher;
import org.appban.ports.Ledger.Appended;
import org.appban.testing.Concurrently;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Ledger} does. Subclasses supply an empty ledger per test; adapters that read in pages should
 * use a small page size (a handful of entries), so the long-chain and many-chains cases cross page boundaries.
 */
public abstract class LedgerContract {
    private static final Instant T0 = Instant.parse("2023-03-30T11:00:00Z");

    private Ledger ledger;
    private final ChainVerifier verifier = new ChainVerifier();

    /** A new, empty ledger; called before each test. */
    protected abstract Ledger newLedger();

    @BeforeEach
    void freshLedger() {
        ledger = newLedger();
    }

    static LedgerRecord record(String member, String action, String key) {
        return new LedgerRecord(T0, Actor.schedule("notify-members"), member, null, action, "ok", false, key, Map.of());
    }

    static LedgerRecord aboutDevice(String member, String device, Instant at, String action) {
        return new LedgerRecord(at, Actor.schedule("enforce-removal"), member, device, action, "ok", false, null, Map.of());
    }

    @Test
    void the_first_entry_of_a_chain_is_number_one_and_links_to_the_genesis_hash() {
        Appended appended = ledger.append(record("m-1", "notice.sent", null));
        assertTrue(appended.written());
        LedgerEntry e = appended.entry();
        assertEquals("member#m-1", e.chain());
        assertEquals(1, e.seq());
        assertEquals(LedgerEntry.GENESIS, e.previousHash());
        assertEquals(LedgerHasher.hash(e.chain(), 1, LedgerEntry.GENESIS, e.record()), e.hash());
    }

    @Test
    void each_entry_links_to_the_one_before_it_in_its_own_chain() {
        LedgerEntry first = ledger.append(record("m-1", "notice.sent", null)).entry();
        LedgerEntry fleet = ledger.append(record(null, "mdm.policy-assigned", null)).entry();
        LedgerEntry second = ledger.append(record("m-1", "notice.sent", null)).entry();
        assertEquals("fleet", fleet.chain());
        assertEquals(1, fleet.seq());
        assertEquals(2, second.seq());
        assertEquals(first.hash(), second.previousHash());
        assertEquals(List.of(first, second), ledger.chain("member#m-1"));
        assertTrue(verifier.verify("member#m-1", ledger.chain("member#m-1")).intact());
    }

    @Test
    void an_entry_reads_back_exactly_as_recorded_so_its_hash_still_verifies() {
        LedgerRecord full = new LedgerRecord(Instant.parse("2023-03-31T00:00:00.123456789Z"), Actor.administrator("admin@example.org"),
                "m-1", "d-1", "exemption.granted", "ok", true, "exemption.granted#x-1",
                Map.of("exemption", "x-1", "expires", "2023-06-30T12:00:00Z", "reason", "needs it, for \"reasons\" | ü"));
        LedgerRecord bare = new LedgerRecord(T0, new Actor(Actor.Kind.SYSTEM, ""), null, "", "import.started", "ok", false, null, Map.of());
        LedgerEntry a = ledger.append(full).entry();
        LedgerEntry b = ledger.append(bare).entry();
        assertEquals(List.of(a), ledger.chain("member#m-1"));
        assertEquals(List.of(b), ledger.chain("fleet"));
        assertTrue(verifier.verify("member#m-1", ledger.chain("member#m-1")).intact());
        assertTrue(verifier.verify("fleet", ledger.chain("fleet")).intact());
    }

    @Test
    void an_unknown_chain_is_empty() {
        assertEquals(List.of(), ledger.chain("member#nobody"));
    }

    @Test
    void several_chains_read_at_once_are_each_the_chain_read_alone_in_the_order_asked() {
        for (int m = 1; m <= 12; m++) {
            for (int n = 0; n < m % 4; n++) ledger.append(record("m-" + m, "step-" + n, null));
        }
        List<String> names = new ArrayList<>();
        for (int m = 12; m >= 0; m--) names.add("member#m-" + m);
        Map<String, List<LedgerEntry>> read = ledger.chainsNamed(names);
        assertEquals(names, List.copyOf(read.keySet()));
        for (String name : names) assertEquals(ledger.chain(name), read.get(name), name);
        assertEquals(List.of(), read.get("member#m-0"));
    }

    @Test
    void a_few_chains_of_many_read_at_once_are_each_the_chain_read_alone() {
        for (int m = 1; m <= 20; m++) ledger.append(record("m-" + m, "notice.sent", "notice#m-" + m));
        List<String> names = List.of("member#m-7", "member#m-3", "member#m-19");
        Map<String, List<LedgerEntry>> read = ledger.chainsNamed(names);
        assertEquals(names, List.copyOf(read.keySet()));
        for (String name : names) assertEquals(ledger.chain(name), read.get(name), name);
    }

    @Test
    void most_chains_read_at_once_hold_their_entries_only_whatever_else_the_ledger_keeps() {
        for (int m = 1; m <= 12; m++) {
            for (int n = 0; n <= m % 3; n++) ledger.append(record("m-" + m, "step-" + n, "step#m-" + m + "#" + n));
        }
        ledger.append(record(null, "mdm.policy-assigned", "policy#1"));
        List<String> names = new ArrayList<>();
        for (int m = 11; m >= 1; m--) names.add("member#m-" + m);
        names.add("member#never");
        Map<String, List<LedgerEntry>> read = ledger.chainsNamed(names);
        assertEquals(names, List.copyOf(read.keySet()));
        for (String name : names) assertEquals(ledger.chain(name), read.get(name), name);
        assertEquals(List.of(), read.get("member#never"));
        assertEquals(3, read.get("member#m-2").size());
    }

    @Test
    void appending_with_a_used_idempotency_key_returns_the_first_entry_and_writes_nothing() {
        Appended first = ledger.append(record("m-1", "notice.sent", "notice#m-1#final"));
        Appended again = ledger.append(record("m-1", "notice.sent-again", "notice#m-1#final"));
        Appended elsewhere = ledger.append(record("m-2", "notice.sent", "notice#m-1#final"));
        assertTrue(first.written());
        assertFalse(again.written());
        assertFalse(elsewhere.written());
        assertEquals(first.entry(), again.entry());
        assertEquals(first.entry(), elsewhere.entry());
        assertEquals(1, ledger.chain("member#m-1").size());
        assertEquals(List.of(), ledger.chain("member#m-2"));
    }

    @Test
    void an_entry_is_found_by_its_idempotency_key() {
        ledger.append(record("m-1", "notice.sent", null));
        LedgerEntry keyed = ledger.append(record("m-1", "mdm.uninstall-assigned", "uninstall#d-1")).entry();
        assertEquals(Optional.of(keyed), ledger.byIdempotencyKey("uninstall#d-1"));
        assertEquals(Optional.empty(), ledger.byIdempotencyKey("uninstall#d-2"));
    }

    @Test
    void of_many_idempotency_keys_it_names_those_an_entry_carries_even_past_a_hundred() {
        List<String> asked = new ArrayList<>();
        java.util.Set<String> recorded = new HashSet<>();
        for (int i = 0; i < 130; i++) {
            String key = "unknown-owner/d-" + i;
            asked.add(key);
            if (i % 3 == 0) {
                ledger.append(record(null, "inventory.unknown-owner", key));
                recorded.add(key);
            }
        }
        ledger.append(record("m-1", "notice.sent", null));
        asked.add("unknown-owner/d-0");
        assertEquals(recorded, ledger.usedKeys(asked));
        assertEquals(java.util.Set.of(), ledger.usedKeys(List.of()));
    }

    @Test
    void eight_concurrent_writers_of_one_idempotency_key_produce_exactly_one_entry() {
        List<Appended> results = Concurrently.run(8, i -> ledger.append(
                new LedgerRecord(T0, Actor.event("evt-" + i), "m-1", "d-1", "nac.quarantined", "ok", false, "quarantine#d-1", Map.of())));
        assertEquals(1, results.stream().filter(Appended::written).count(), "writers that wrote: " + results);
        LedgerEntry winner = results.stream().filter(Appended::written).findFirst().orElseThrow().entry();
        results.forEach(r -> assertEquals(winner, r.entry()));
        assertEquals(List.of(winner), ledger.chain("member#m-1"));
        assertEquals(Optional.of(winner), ledger.byIdempotencyKey("quarantine#d-1"));
    }

    @Test
    void concurrent_appends_to_one_chain_never_fork_it() {
        int writers = 8;
        int each = 5;
        Concurrently.run(writers, w -> {
            for (int n = 0; n < each; n++) ledger.append(record("m-1", "step-" + w + "-" + n, null));
            return null;
        });
        List<LedgerEntry> chain = ledger.chain("member#m-1");
        assertEquals(LongStream.rangeClosed(1, writers * each).boxed().toList(), chain.stream().map(LedgerEntry::seq).toList());
        assertEquals(writers * each, new HashSet<>(chain.stream().map(e -> e.record().action()).toList()).size());
        ChainVerifier.Result result = verifier.verify("member#m-1", chain);
        assertTrue(result.intact(), () -> "chain broken: " + result.firstBreak());
    }

    @Test
    void keyed_and_unkeyed_writers_racing_on_one_chain_leave_one_entry_per_key_and_an_intact_chain() {
        Concurrently.run(8, i -> ledger.append(record("m-1", i % 2 == 0 ? "notice.sent" : "inventory.changed-" + i,
                i % 2 == 0 ? "notice#m-1#first" : null)));
        List<LedgerEntry> chain = ledger.chain("member#m-1");
        assertEquals(5, chain.size(), "one keyed entry and four unkeyed ones");
        assertEquals(1, chain.stream().filter(e -> "notice#m-1#first".equals(e.record().idempotencyKey())).count());
        assertTrue(verifier.verify("member#m-1", chain).intact());
    }

    @Test
    void a_long_chain_reads_back_whole_and_in_order() {
        List<LedgerEntry> written = new ArrayList<>();
        for (int n = 0; n < 25; n++) written.add(ledger.append(record("m-1", "step-" + n, null)).entry());
        assertEquals(written, ledger.chain("member#m-1"));
        assertTrue(verifier.verify("member#m-1", ledger.chain("member#m-1")).intact());
    }

    @Test
    void chains_lists_every_chain_once_in_name_order() {
        List<String> members = IntStream.range(0, 12).mapToObj(i -> "m-%02d".formatted(i)).toList();
        for (String m : members.reversed()) {
            ledger.append(record(m, "notice.sent", null));
            ledger.append(record(m, "notice.sent", null));
        }
        ledger.append(record(null, "mdm.policy-assigned", null));
        List<String> expected = new ArrayList<>(List.of("fleet"));
        members.forEach(m -> expected.add("member#" + m));
        assertEquals(expected, ledger.chains());
    }

    @Test
    void a_devices_entries_are_gathered_across_chains_in_the_order_they_were_decided() {
        LedgerEntry second = ledger.append(aboutDevice("m-1", "d-1", T0.plusSeconds(60), "nac.quarantined")).entry();
        LedgerEntry first = ledger.append(aboutDevice("m-1", "d-1", T0, "notice.sent")).entry();
        ledger.append(aboutDevice("m-1", "d-2", T0, "notice.sent"));
        LedgerEntry third = ledger.append(aboutDevice("m-2", "d-1", T0.plusSeconds(120), "device.owner-changed")).entry();
        assertEquals(List.of(first, second, third), ledger.aboutDevice("d-1"));
        assertEquals(List.of(), ledger.aboutDevice("d-9"));
    }

    @Test
    void a_chains_entries_from_a_time_are_the_windows_in_order_and_none_older() {
        for (int h = 0; h < 30; h++) {
            ledger.append(new LedgerRecord(T0.plus(java.time.Duration.ofHours(h)), Actor.schedule("admin"), null, null, "admin.step", "ok",
                    false, "step-" + h, Map.of()));
        }
        assertEquals(List.of("step-26", "step-27", "step-28", "step-29"), ledger.chainFrom("fleet", T0.plus(java.time.Duration.ofHours(26)))
                .stream().map(e -> e.record().idempotencyKey()).toList());
        assertEquals(List.of(), ledger.chainFrom("fleet", T0.plus(java.time.Duration.ofHours(31))));
        assertEquals(30, ledger.chainFrom("fleet", T0).size());
    }

    @Test
    void flagged_entries_are_read_by_action_from_a_time_and_an_action_not_indexed_is_refused() {
        ledger.append(aboutDevice("m-1", "d-1", T0, "nac.identity-unresolved"));
        ledger.append(aboutDevice("m-2", "d-2", T0.plus(java.time.Duration.ofDays(2)), "nac.identity-unresolved"));
        ledger.append(aboutDevice("m-2", "d-3", T0.plus(java.time.Duration.ofDays(2)), "nac.quarantined"));
        assertEquals(List.of("d-2"), ledger.flagged("nac.identity-unresolved", T0.plus(java.time.Duration.ofDays(1))).stream()
                .map(e -> e.record().device()).toList());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ledger.flagged("nac.quarantined", T0));
    }

    @Test
    void entries_are_read_by_their_keys_together_and_a_key_never_used_is_left_out() {
        ledger.append(record("m-1", "notice.sent", "k-1"));
        ledger.append(record("m-2", "notice.sent", "k-2"));
        Map<String, org.appban.domain.LedgerEntry> found = ledger.byIdempotencyKeys(List.of("k-1", "k-2", "k-none"));
        assertEquals(java.util.Set.of("k-1", "k-2"), found.keySet());
        assertEquals("m-2", found.get("k-2").record().member());
    }
}
