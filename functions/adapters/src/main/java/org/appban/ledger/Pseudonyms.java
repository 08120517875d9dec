package org.appban.ledger;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.appban.secrets.SecretSource;
import org.appban.signing.Signer;

/**
 * Keyed hashes of personal data that must be evidenced in an immutable place (the ledger, the logs) without being
 * written there: an email address becomes {@code hmac:<32 hex>}, HMAC-SHA256 under the key in
 * {@code PSEUDONYM_SECRET_ARN}, truncated to 128 bits.
 *
 * <p>Whoever holds the key can show that an entry is about a given address (hash the address, compare); nobody
 * without it can read the address back, nor confirm a guess. That is what makes the ledger erasable in the sense
 * that matters: the roster (a mutable table) keeps the address, and deleting it there leaves only a pseudonym in
 * the ledger; deleting the key itself turns every pseudonym into an anonymous token without touching the chains.
 *
 * <h2>Why a secret of its own, not the signing secret</h2>
 * The link-signing key is read by every function that issues or checks links and is rotated when a link leaks;
 * rotating it would change every pseudonym, so old and new entries about one address would no longer match. A key of
 * its own is read only by the function that writes addresses (notify-members), is never rotated (a rotation starts a
 * new pseudonym space, see README), and can be destroyed on its own to anonymise the ledger. Only the current key is
 * used ({@code previousKey}, if the secret has one, is ignored).
 */
public final class Pseudonyms implements Pseudonymiser {
    public static final String ENV = "PSEUDONYM_SECRET_ARN";
    public static final String PREFIX = "hmac:";
    private static final int BYTES = 16;

    private final Signer signer;

    public Pseudonyms(Signer signer) {
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    /** The key in the secret {@code arn}, read on first use (a run that sends nothing never reads it). */
    public static Pseudonyms fromSecret(SecretSource secrets, String arn) {
        return new Pseudonyms(Signer.fromSecret(secrets, arn));
    }

    /** A fixed key: the rehearsal, the benchmarks and tests. */
    public static Pseudonyms withKey(String key) {
        return new Pseudonyms(Signer.withKey(key));
    }

    @Override
    /**
     * The pseudonym of an email address. Case and surrounding blanks do not matter (SES reports addresses
     * lower-cased, the roster may not), so the address a notice went to and the one SES bounced hash alike.
     */
    public String address(String address) {
        Objects.requireNonNull(address, "address");
        // A domain prefix keeps an address's pseudonym apart from that of any other kind of value hashed later.
        byte[] data = ("address\u0000" + address.strip().toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.UTF_8);
        byte[] mac = signer.sign(data);
        return PREFIX + HexFormat.of().formatHex(mac, 0, BYTES);
    }

    @Override
    /**
     * The pseudonym of a text that may hold personal data (a notice's subject naming the member), exactly as given;
     * {@code kind} keeps the pseudonyms of different kinds of text apart (a subject never hashes like an address).
     */
    public String text(String kind, String text) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        byte[] mac = signer.sign((kind + "\u0000" + text).getBytes(StandardCharsets.UTF_8));
        return PREFIX + HexFormat.of().formatHex(mac, 0, BYTES);
    }
}
