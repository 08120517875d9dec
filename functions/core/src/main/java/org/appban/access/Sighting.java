package org.appban.access;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The matched evidence kept from network telemetry, and all that is kept: which device was seen reaching which of
 * the banned app's domains, when, through which kind of log, and which log object or event said so. The log
 * record itself (addresses, the full queried name, everything else the device did) is never stored.
 *
 * @param domain the policy's domain that matched (e.g. {@code tiktokv.com}), not the full name queried
 * @param source the log object ({@code s3://bucket/key}) or event id the record came from
 */
public record Sighting(String device, String domain, Instant at, Via via, String source) {
    public enum Via {
        DNS, FIREWALL;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Via parse(String text) {
            for (Via v : values()) if (v.wireName().equals(text)) return v;
            throw new IllegalArgumentException("unknown log kind '" + text + "' (expected dns or firewall)");
        }
    }

    public Sighting {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(source, "source");
    }

    public Evidence asEvidence() {
        return new Evidence(Evidence.Kind.TELEMETRY, source, at, domain + " (" + via.wireName() + ")");
    }

    /** The later of two sightings of the same device (either may be null). */
    public static Sighting later(Sighting a, Sighting b) {
        if (a == null) return b;
        if (b == null) return a;
        return b.at().isAfter(a.at()) ? b : a;
    }
}
