package org.appban.access;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.appban.remote.Secret;

/**
 * The MDM webhook's signature, in the common scheme (as Stripe's): the header
 * {@value #HEADER}{@code : t=<unix seconds>,v1=<hex HMAC-SHA256>} where the MAC is taken with the shared secret
 * (from Secrets Manager, {@code WEBHOOK_SECRET_ARN}) over {@code <t>.<raw body>}. Several {@code v1} values may be
 * sent (the sender signs with the old and the new secret while the secret is rotated); one match suffices.
 * The timestamp must be within {@link #TOLERANCE} of now, which bounds how long a captured request could be
 * replayed; replays inside that window are refused by the delivery id (see {@link MdmWebhook}).
 */
public final class WebhookSignature {
    public static final String HEADER = "X-Appban-Signature";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    static final int MIN_KEY_BYTES = 32;

    private final Supplier<byte[]> key;

    public WebhookSignature(Secret secret) {
        byte[] k = key(secret);
        this.key = () -> k;
    }

    /**
     * With the secret asked of {@code secret} at each request checked, not when the function starts: the supplier
     * decides when it is read and how long it is kept (production's is read once per container, after a SnapStart
     * restore, never before a snapshot). A secret too short fails the request, naming the problem.
     */
    public WebhookSignature(Supplier<Secret> secret) {
        this.key = () -> key(secret.get());
    }

    private static byte[] key(Secret secret) {
        byte[] bytes = secret.reveal().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_KEY_BYTES) throw new IllegalArgumentException("the webhook secret must have at least " + MIN_KEY_BYTES + " bytes");
        return bytes;
    }

    private byte[] key() {
        return key.get();
    }

    public enum Problem {
        MISSING, MALFORMED, STALE, MISMATCH
    }

    /** Null when the request is genuine and fresh; otherwise what is wrong. */
    public Problem check(String header, String body, Instant now) {
        if (header == null || header.isBlank()) return Problem.MISSING;
        Long t = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) return Problem.MALFORMED;
            String k = p.substring(0, eq);
            String v = p.substring(eq + 1);
            try {
                if (k.equals("t")) t = Long.parseLong(v);
                else if (k.equals("v1")) signatures.add(HexFormat.of().parseHex(v));
            } catch (IllegalArgumentException e) {
                return Problem.MALFORMED;
            }
        }
        if (t == null || signatures.isEmpty()) return Problem.MALFORMED;
        Instant sent = Instant.ofEpochSecond(t);
        if (Duration.between(sent, now).abs().compareTo(TOLERANCE) > 0) return Problem.STALE;
        byte[] expected = mac(t + "." + body);
        boolean match = false;
        // Every candidate is compared, in constant time each, so timing says nothing about which one matched.
        for (byte[] s : signatures) match |= MessageDigest.isEqual(expected, s);
        return match ? null : Problem.MISMATCH;
    }

    /** The header value for a body sent at {@code at} (for the MDM side, tests and the sample events). */
    public String sign(String body, Instant at) {
        long t = at.getEpochSecond();
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac(t + "." + body));
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
