package org.appban.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.appban.domain.LedgerRecord;

/**
 * Computes an entry's hash: SHA-256 over a canonical, length-prefixed encoding of its chain, position,
 * predecessor's hash and every field of its record. Length prefixes make the encoding unambiguous, so no two
 * different entries encode alike.
 */
public final class LedgerHasher {
    private LedgerHasher() {
    }

    public static String hash(String chain, long seq, String previousHash, LedgerRecord r) {
        StringBuilder b = new StringBuilder(256);
        field(b, chain);
        field(b, Long.toString(seq));
        field(b, previousHash);
        field(b, r.at().toString());
        field(b, r.actor().kind().wireName());
        field(b, r.actor().id());
        field(b, r.member());
        field(b, r.device());
        field(b, r.action());
        field(b, r.outcome());
        field(b, Boolean.toString(r.dryRun()));
        field(b, r.idempotencyKey());
        Map<String, String> sorted = new TreeMap<>(r.details());
        field(b, Integer.toString(sorted.size()));
        sorted.forEach((k, v) -> {
            field(b, k);
            field(b, v);
        });
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    private static void field(StringBuilder b, String value) {
        if (value == null) {
            b.append("-1:");
        } else {
            b.append(value.length()).append(':').append(value);
        }
        b.append('|');
    }
}
