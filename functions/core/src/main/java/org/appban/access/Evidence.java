package org.appban.access;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One piece of evidence about a device's standing, with where it came from and when it was true. The
 * ledger entry of every quarantine and release carries the evidence that decided it.
 *
 * @param source where it came from: the MDM ({@code intune}), the member's signed link, a telemetry log object
 *               ({@code s3://bucket/key}) or event id, an exemption id
 * @param at     when it was true: the MDM's last report, the attestation, the sighting; null when unknown
 * @param detail a short human-readable fact (the domain seen, the compliance state, the exemption's expiry)
 */
public record Evidence(Kind kind, String source, Instant at, String detail) {
    /** Each kind says whether it speaks against the device (it carries the app) or for it. */
    public enum Kind {
        /** The MDM's restricted-app rule marks the device non-compliant (or in the MDM's own grace period). */
        MDM_NONCOMPLIANT(true),
        /** The MDM's restricted-app rule finds the device compliant. */
        MDM_COMPLIANT(false),
        /** A corporate device's MDM inventory lists the app on it. */
        INVENTORY_PRESENT(true),
        /** A corporate device's MDM inventory no longer lists the app on it. */
        INVENTORY_ABSENT(false),
        /** A corporate device whose MDM has not reported its apps yet: no word either way, never acted on. */
        NOT_INVENTORIED(false),
        /** The member confirmed, through their signed link, that the app is gone from all their private devices. */
        ATTESTED(false),
        /** No attestation from the member by the end of the grace period (and nothing else known). */
        NO_ATTESTATION(true),
        /** The app's domains seen in DNS or firewall logs from the device's network address. */
        TELEMETRY(true),
        /** The last sighting is older than the quiet period: telemetry no longer speaks against the device. */
        TELEMETRY_QUIET(false),
        /** A granted, unexpired exemption covers the device. */
        EXEMPTION(false);

        private final boolean againstDevice;

        Kind(boolean againstDevice) {
            this.againstDevice = againstDevice;
        }

        public boolean againstDevice() {
            return againstDevice;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public Evidence {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
    }

    /** One line for the ledger and reports, e.g. {@code telemetry at 2023-04-08T09:15:02Z from s3://logs/dns.jsonl: tiktokv.com (dns)}. */
    public String describe() {
        return kind.wireName() + " at " + (at == null ? "an unknown time" : at.toString()) + " from " + source
                + (detail == null || detail.isBlank() ? "" : ": " + detail);
    }
}
