package org.appban.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.appban.domain.Actor;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;
import org.appban.domain.LedgerRecord;
import org.appban.policy.BannedApp;
import org.appban.ports.DeviceStore;
import org.appban.ports.Ledger;

/**
 * Turns DNS and firewall logs into evidence: each record is matched against the banned app's domains and
 * dropped on the spot when it does not match; a match is attributed to a device by its MAC (the inventory's
 * network identity) and kept as a {@link Sighting} (device, the policy's domain, time, source): the latest per
 * device and domain. Nothing else of a log is kept, anywhere. A MAC no device has (a visitor, a printer) is ignored
 * and counted; a MAC several devices share is not attributed to either (counted, and the devices reported);
 * corporate devices are left to the MDM.
 */
public final class TelemetryIngest {
    /** Records timed further ahead than this are bad clocks, not evidence. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private final BannedApp app;
    private final DeviceStore devices;
    private final EvidenceStore evidence;
    private final Ledger ledger;
    private final Clock clock;

    public TelemetryIngest(BannedApp app, DeviceStore devices, EvidenceStore evidence, Ledger ledger, Clock clock) {
        this.app = app;
        this.devices = devices;
        this.evidence = evidence;
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * A batch of telemetry: a log object (S3) or a telemetry event's records.
     *
     * @param source where it came from, e.g. {@code s3://bucket/key}: kept as each sighting's source
     * @param tag    a stable fingerprint of the content (an object's ETag, an event's batch id): a batch delivered
     *               again is recorded once
     */
    public TelemetryReport ingest(String source, String tag, TelemetryLog log, Actor actor, boolean dryRun) {
        Batch batch = new Batch(source);
        log.read(batch::add, batch.problems);
        return batch.finish(tag, actor, dryRun);
    }

    /** The policy's domain a name belongs to (the name itself or a subdomain), if any. */
    Optional<String> matchedDomain(String name) {
        if (!app.matchesDomain(name)) return Optional.empty();
        String h = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        for (String d : app.domains()) if (h.equals(d) || h.endsWith("." + d)) return Optional.of(d);
        return Optional.empty();
    }

    private final class Batch {
        final String source;
        final TelemetryProblems problems = new TelemetryProblems();
        final Instant now = clock.instant();
        final Map<MacAddress, List<Device>> byMac = new HashMap<>();
        final Map<String, Sighting> latest = new HashMap<>();
        final TreeSet<String> ambiguousDevices = new TreeSet<>();
        int records, notTheApp, matched, unknown, ambiguous, corporate, late;

        Batch(String source) {
            this.source = source;
        }

        void add(TelemetryRecord r) {
            records++;
            Optional<String> domain = matchedDomain(r.name());
            if (domain.isEmpty()) {
                notTheApp++;
                return;
            }
            matched++;
            if (r.time().isAfter(now.plus(MAX_CLOCK_SKEW))) {
                late++;
                return;
            }
            List<Device> owners = withMac(r.mac());
            if (owners.isEmpty()) {
                unknown++;
                return;
            }
            if (owners.size() > 1) {
                ambiguous++;
                owners.forEach(d -> ambiguousDevices.add(d.id()));
                return;
            }
            Device d = owners.get(0);
            if (!d.isPrivate()) {
                corporate++;
                return;
            }
            Sighting s = new Sighting(d.id(), domain.get(), r.time(), r.log(), source);
            latest.merge(d.id() + "\u0000" + s.domain(), s, Sighting::later);
        }

        /**
         * The devices (not retired) holding a MAC, read once per MAC a log names: its keys from the devices' MAC
         * index, the devices by key. A log without the app's domains costs no inventory read, and a log's reads
         * follow the addresses in it, not the fleet. The index is eventually consistent, so a device is kept only
         * if it still holds the MAC when read.
         */
        List<Device> withMac(MacAddress mac) {
            return byMac.computeIfAbsent(mac, m -> devices.findAll(devices.idsWithMac(m)).values().stream()
                    .filter(d -> !d.retired() && m.equals(d.macAddress()))
                    .sorted(java.util.Comparator.comparing(Device::id))
                    .toList());
        }

        TelemetryReport finish(String tag, Actor actor, boolean dryRun) {
            List<Sighting> kept = List.copyOf(latest.values());
            if (!dryRun && !kept.isEmpty()) evidence.recordSightings(kept);
            TreeSet<String> seen = new TreeSet<>();
            kept.forEach(s -> seen.add(s.device()));
            TelemetryReport report = new TelemetryReport("ingested", source, dryRun, records, problems.count(), problems.first(),
                    notTheApp, matched, unknown, ambiguous, corporate, late, kept.size(), List.copyOf(seen), List.copyOf(ambiguousDevices));
            Map<String, String> details = new HashMap<>();
            details.put("source", source);
            details.put("records", Integer.toString(records));
            details.put("invalid", Integer.toString(problems.count()));
            details.put("matched", Integer.toString(matched));
            details.put("unknownAddress", Integer.toString(unknown));
            details.put("ambiguousAddress", Integer.toString(ambiguous));
            details.put("corporate", Integer.toString(corporate));
            details.put("late", Integer.toString(late));
            details.put("sightings", Integer.toString(kept.size()));
            details.put("devices", Integer.toString(seen.size()));
            // Logs without the app or errors leave no trace: a ledger entry per log object would bury the rest.
            if (matched == 0 && problems.count() == 0) return report;
            String key = dryRun || tag == null ? null : "telemetry/" + Digests.sha256Hex(source + "\u0000" + tag);
            ledger.append(new LedgerRecord(clock.instant(), actor, null, null, "telemetry.ingested", dryRun ? "would-do" : "ok",
                    dryRun, key, details));
            return report;
        }
    }
}
