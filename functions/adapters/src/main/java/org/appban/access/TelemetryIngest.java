package org.appban.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    /**
     * The MACs a log's matches are attributed to one by one (the MAC's index, then its devices by key) before the
     * inventory is read whole instead: a log about a few devices reads those, never the fleet; one naming many reads
     * the fleet once, as every log did before.
     */
    static final int MACS_BY_INDEX = 50;

    private final BannedApp app;
    private final DeviceStore devices;
    private final EvidenceStore evidence;
    private final Ledger ledger;
    private final Clock clock;
    private final TelemetryReader reader = new TelemetryReader();

    public TelemetryIngest(BannedApp app, DeviceStore devices, EvidenceStore evidence, Ledger ledger, Clock clock) {
        this.app = app;
        this.devices = devices;
        this.evidence = evidence;
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * A log object (S3), read as it streams.
     *
     * @param source     where it came from, e.g. {@code s3://bucket/key}: kept as each sighting's source
     * @param contentTag a stable fingerprint of the content (the ETag): a re-delivered object is recorded once
     */
    public TelemetryReport ingestLog(String source, String contentTag, BufferedReader in, TelemetryReader.Format format, Actor actor, boolean dryRun) {
        Batch batch = new Batch(source);
        reader.read(in, format, batch::add, batch.problems);
        return batch.finish(contentTag, actor, dryRun);
    }

    /** The {@code records} array of a telemetry event, each element in the JSON-lines form. */
    public TelemetryReport ingestRecords(String source, String batchId, JsonNode records, Actor actor, boolean dryRun) {
        Batch batch = new Batch(source);
        for (int i = 0; i < records.size(); i++) TelemetryReader.accept(records.get(i), "records[" + i + "]", batch::add, batch.problems);
        return batch.finish(batchId, actor, dryRun);
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
        final TelemetryReader.Problems problems = new TelemetryReader.Problems();
        final Instant now = clock.instant();
        Map<MacAddress, List<Device>> byMac;
        final Map<MacAddress, List<Device>> resolved = new HashMap<>();
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
            List<Device> owners = owners(r.mac());
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

        /** The devices (not retired) holding {@code mac}: see {@link #MACS_BY_INDEX}. */
        List<Device> owners(MacAddress mac) {
            if (mac == null) return List.of();
            if (byMac != null) return byMac.getOrDefault(mac, List.of());
            List<Device> known = resolved.get(mac);
            if (known != null) return known;
            if (resolved.size() >= MACS_BY_INDEX) return macIndex().getOrDefault(mac, List.of());
            Set<String> ids = devices.idsWithMac(mac);
            List<Device> holders = ids.isEmpty() ? List.of() : devices.findAll(ids).values().stream()
                    .filter(d -> !d.retired() && mac.equals(d.macAddress())).toList();
            resolved.put(mac, holders);
            return holders;
        }

        /** Built only once a log names more than {@link #MACS_BY_INDEX} MACs: a log without the app's domains costs no inventory read. */
        Map<MacAddress, List<Device>> macIndex() {
            if (byMac == null) {
                byMac = new HashMap<>();
                for (Device d : devices.all()) {
                    MacAddress mac = d.macAddress();
                    if (mac != null && !d.retired()) byMac.computeIfAbsent(mac, k -> new ArrayList<>()).add(d);
                }
            }
            return byMac;
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
