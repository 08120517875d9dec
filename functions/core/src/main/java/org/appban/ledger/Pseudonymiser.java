package org.appban.ledger;

/**
 * Keyed hashes of personal data that an immutable place (the ledger, the logs) must evidence without holding it:
 * the port the services write through, so that they need not know where the key comes from (on AWS a secret of its
 * own, {@code ledger.Pseudonyms} in adapters, which says why). The same value always hashes alike under one key.
 */
public interface Pseudonymiser {
    /** The pseudonym ({@code hmac:<hex>}) of an email address; case and surrounding blanks do not matter. */
    String address(String address);

    /**
     * The pseudonym of a text that may hold personal data, exactly as given; {@code kind} keeps the pseudonyms of
     * different kinds of text apart.
     */
    String text(String kind, String text);
}
