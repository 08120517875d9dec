package org.appban.signing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.appban.remote.Secret;
import org.appban.secrets.SecretSource;
import org.appban.secrets.SecretUnavailableException;
import org.appban.json.Json;

/**
 * HMAC-SHA256 over bytes, with the key from Secrets Manager ({@code SIGNING_SECRET_ARN}). Shared by every signed
 * link the campaign sends (exemption requests, attestations), so one secret and one rotation story cover them all.
 *
 * <h2>The secret</h2>
 * Either the key itself as a plain string, or JSON {@code {"key": "...", "previousKey": "..."}} (what template.yaml's
 * {@code GenerateSecretString} produces, minus the previous key). New signatures always use {@code key}; a signature
 * made with {@code previousKey} still verifies, so links already mailed keep working for the rotation period. A key
 * shorter than {@value #MIN_KEY_CHARS} characters is refused: a guessable key makes every link forgeable.
 *
 * <p>The secret is read once, on first use, and kept for the life of the container. Its value is never logged nor
 * put in an exception message.
 */
public final class Signer {
    static final int MIN_KEY_CHARS = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final Supplier<List<byte[]>> keys;
    private volatile List<byte[]> loaded;

    private Signer(Supplier<List<byte[]>> keys) {
        this.keys = keys;
    }

    /** Keys read from the secret {@code arn} on first use. */
    public static Signer fromSecret(SecretSource secrets, String arn) {
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(arn, "arn");
        return new Signer(() -> parse(secrets.secret(arn), "signing secret " + arn));
    }

    /** The keys of a secret already read: checked now, so a bad secret fails where it is given. */
    public static Signer of(Secret secret) {
        List<byte[]> keys = parse(secret, "the signing secret");
        return new Signer(() -> keys);
    }

    /** A fixed key, for the rehearsal and tests. */
    public static Signer withKey(String key) {
        List<byte[]> list = List.of(checked(key, "the key"));
        return new Signer(() -> list);
    }

    /** The signature of {@code data} under the current key. */
    public byte[] sign(byte[] data) {
        return mac(keys().get(0), data);
    }

    /** True when {@code signature} is {@code data}'s signature under the current or the previous key. */
    public boolean verify(byte[] data, byte[] signature) {
        if (signature == null) return false;
        for (byte[] key : keys()) {
            // Constant-time comparison: timing must not tell a forger how many leading bytes were right.
            if (MessageDigest.isEqual(mac(key, data), signature)) return true;
        }
        return false;
    }

    private List<byte[]> keys() {
        List<byte[]> k = loaded;
        if (k == null) {
            synchronized (this) {
                if (loaded == null) loaded = List.copyOf(keys.get());
                k = loaded;
            }
        }
        return k;
    }

    private static byte[] mac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java runtime", e);
        }
    }

    /** @param source how messages name the secret (never its value) */
    static List<byte[]> parse(Secret secret, String source) {
        String value = secret.reveal().strip();
        List<byte[]> out = new ArrayList<>(2);
        if (value.startsWith("{")) {
            JsonNode json;
            try {
                json = Json.parse(value);
            } catch (IOException e) {
                // The parser's message may quote the value: leave it out.
                throw new SecretUnavailableException(source + " starts with '{' but is not valid JSON");
            }
            JsonNode key = json.get("key");
            if (key == null || !key.isTextual()) {
                throw new SecretUnavailableException(source + " has no string field \"key\"");
            }
            out.add(checked(key.textValue(), "field \"key\" of " + source));
            JsonNode previous = json.get("previousKey");
            if (previous != null && previous.isTextual() && !previous.textValue().isBlank()) {
                out.add(checked(previous.textValue(), "field \"previousKey\" of " + source));
            }
        } else {
            out.add(checked(value, source));
        }
        return out;
    }

    private static byte[] checked(String key, String what) {
        if (key == null || key.strip().length() < MIN_KEY_CHARS) {
            throw new SecretUnavailableException(what + " is shorter than " + MIN_KEY_CHARS + " characters");
        }
        return key.strip().getBytes(StandardCharsets.UTF_8);
    }
}
