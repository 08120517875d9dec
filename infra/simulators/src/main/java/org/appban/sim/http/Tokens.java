package org.appban.sim.http;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.appban.sim.SimClock;

/** Access tokens a simulator issued, each valid until its expiry on the simulated clock. */
public final class Tokens {
    private final SimClock clock;
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public Tokens(SimClock clock) {
        this.clock = clock;
    }

    public String issue(Instant expires) {
        byte[] b = new byte[24];
        random.nextBytes(b);
        String token = "sim." + HexFormat.of().formatHex(b);
        expiries.put(token, expires);
        return token;
    }

    public boolean valid(String token) {
        Instant exp = token == null ? null : expiries.get(token);
        return exp != null && clock.instant().isBefore(exp);
    }

    /** Renews a token's life (Jamf's keep-alive replaces it; callers issue the new one). */
    public void revoke(String token) {
        expiries.remove(token);
    }

    /** Every token issued so far stops working now. */
    public void expireAll() {
        expiries.replaceAll((t, e) -> Instant.MIN);
    }

    public int issuedCount() {
        return expiries.size();
    }
}
