package org.appban.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.appban.remote.Secret;
import org.appban.secrets.SecretUnavailableException;
import org.junit.jupiter.api.Test;

/** What the ledger and the logs keep in place of an email address. */
class PseudonymsTest {
    private final Pseudonyms pseudonyms = Pseudonyms.withKey("k".repeat(40));

    @Test
    void an_address_becomes_a_keyed_hash_that_does_not_contain_it() {
        String p = pseudonyms.address("rachel.kim@parliament.govt.nz");
        assertTrue(p.matches("hmac:[0-9a-f]{32}"), p);
        assertFalse(p.contains("rachel"), p);
    }

    @Test
    void the_address_that_bounced_and_the_one_on_the_roster_hash_alike_whatever_their_case() {
        assertEquals(pseudonyms.address("Rachel.Kim@Parliament.govt.nz "), pseudonyms.address("rachel.kim@parliament.govt.nz"));
        assertNotEquals(pseudonyms.address("rachel.kim@parliament.govt.nz"), pseudonyms.address("rachel.kin@parliament.govt.nz"));
    }

    @Test
    void a_text_is_hashed_exactly_and_apart_from_addresses_and_other_kinds() {
        String subject = "Aroha Tūhoe, remove TikTok";
        assertTrue(pseudonyms.text("subject", subject).matches("hmac:[0-9a-f]{32}"));
        assertNotEquals(pseudonyms.text("subject", subject), pseudonyms.text("subject", subject.toLowerCase(java.util.Locale.ROOT)), "exact, not folded");
        assertNotEquals(pseudonyms.text("subject", "a@example.org"), pseudonyms.address("a@example.org"));
        assertNotEquals(pseudonyms.text("subject", "x"), pseudonyms.text("reason", "x"));
    }

    @Test
    void without_the_key_the_same_address_gives_another_pseudonym() {
        assertNotEquals(pseudonyms.address("a@example.org"), Pseudonyms.withKey("j".repeat(40)).address("a@example.org"));
    }

    @Test
    void the_key_comes_from_its_secret_on_first_use_and_a_short_key_is_refused() {
        int[] reads = {0};
        Pseudonyms fromSecret = Pseudonyms.fromSecret(arn -> {
            reads[0]++;
            return new Secret("{\"key\": \"" + "k".repeat(40) + "\"}");
        }, "arn:pseudonyms");
        assertEquals(0, reads[0], "nothing is read before an address needs a pseudonym");
        assertEquals(pseudonyms.address("a@example.org"), fromSecret.address("a@example.org"));
        fromSecret.address("b@example.org");
        assertEquals(1, reads[0]);
        Pseudonyms weak = Pseudonyms.fromSecret(arn -> new Secret("short"), "arn:weak");
        assertThrows(SecretUnavailableException.class, () -> weak.address("a@example.org"));
    }
}
