package org.appban.store.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.appban.domain.LedgerEntry;
import org.appban.ports.Claims;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * SnapStart priming runs the production stores on tables kept in the JVM: what a priming run writes it reads back
 * as DynamoDB would give it, so the services it primes take their real paths (a claim held, a ledger chain growing,
 * a device found), and a call the stores do not make is refused rather than answered with something made up.
 */
class PrimingTablesTest {
    private static final Instant AT = Instant.parse("2024-01-01T00:00:00Z");

    @Test
    void the_stores_read_back_what_they_wrote() {
        StorePriming.Samples s = StorePriming.samples(AT);
        try (StorePriming.Stores stores = StorePriming.stores(Duration.ofDays(30))) {
            assertEquals(Optional.empty(), stores.devices().find(s.device().id()));
            s.populate(stores.members(), stores.devices(), stores.exemptions(), stores.ledger());
            assertEquals(Optional.of(s.device()), stores.devices().find(s.device().id()));
            assertEquals(List.of(s.device()), stores.devices().ofOwner(s.member().id()));
            assertEquals(List.of(), stores.devices().ofOwner("someone-else"));
            assertEquals(Optional.of(s.member()), stores.members().find(s.member().id()));
            assertEquals(List.of(s.exemption()), stores.exemptions().ofMember(s.member().id()));
            assertEquals(List.of(s.notice().chain()), stores.ledger().chains());
        }
    }

    @Test
    void a_claim_is_held_once_and_a_completed_one_is_done() {
        try (StorePriming.Stores stores = StorePriming.stores(Duration.ofDays(30))) {
            Claims claims = stores.claims();
            assertEquals(Claims.Outcome.CLAIMED, claims.claim("k", "me", AT, Duration.ofMinutes(5)));
            assertEquals(Claims.Outcome.HELD_ELSEWHERE, claims.claim("k", "you", AT, Duration.ofMinutes(5)));
            claims.complete("k", "me", "ok", AT);
            assertEquals(Claims.Outcome.ALREADY_DONE, claims.claim("k", "you", AT, Duration.ofMinutes(5)));
        }
    }

    @Test
    void a_ledger_chain_grows_in_order_and_a_record_with_a_used_key_is_not_written_again() {
        StorePriming.Samples s = StorePriming.samples(AT);
        try (StorePriming.Stores stores = StorePriming.stores(Duration.ofDays(30))) {
            assertTrue(stores.ledger().append(s.notice()).written());
            assertFalse(stores.ledger().append(s.notice()).written());
            org.appban.domain.LedgerRecord second = new org.appban.domain.LedgerRecord(AT, s.notice().actor(), s.notice().member(), null,
                    "notice.sent", "ok", false, "priming/second", s.notice().details());
            assertTrue(stores.ledger().append(second).written());
            assertEquals(List.of(1L, 2L), stores.ledger().chain(s.notice().chain()).stream().map(LedgerEntry::seq).toList());
            assertEquals(2L, stores.ledger().heads().get(s.notice().chain()).seq());
        }
    }

    @Test
    void a_call_the_stores_do_not_make_is_refused() {
        try (DynamoDbClient dynamo = PrimingTables.client()) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> dynamo.listTables());
            assertTrue(String.valueOf(e.getMessage()).contains("ListTables is not a call the stores make")
                    || String.valueOf(e.getCause()).contains("ListTables is not a call the stores make"), e.toString());
        }
    }
}
