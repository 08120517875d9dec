package org.appban.access;

import java.util.List;

/**
 * What ingesting one log object or telemetry event found. Counts only, and device ids: never a MAC, an address or
 * a queried name.
 *
 * @param records          valid records read
 * @param invalid          records rejected (their first problems in {@code problems})
 * @param notTheApp        records for other domains: dropped on the spot
 * @param matched          records for the banned app's domains
 * @param unknownAddress   matched, but from a MAC no device in the inventory has (not a member's device): ignored
 * @param ambiguousAddress matched, from a MAC several devices share: not attributed (the devices are in
 *                         {@code ambiguousDevices} and reported to the administrators)
 * @param corporate        matched, from a corporate device (the MDM, not this function, handles those): ignored
 * @param late             matched, but timed in the future (more than a few minutes ahead): rejected as bad clocks
 * @param sightings        sightings kept (one per device and domain, the latest)
 * @param devices          private devices seen: the ones whose access is re-evaluated
 */
public record TelemetryReport(String status, String source, boolean dryRun, int records, int invalid, List<String> problems,
                              int notTheApp, int matched, int unknownAddress, int ambiguousAddress, int corporate, int late,
                              int sightings, List<String> devices, List<String> ambiguousDevices) {
    public TelemetryReport {
        problems = List.copyOf(problems);
        devices = List.copyOf(devices);
        ambiguousDevices = List.copyOf(ambiguousDevices);
    }

    public static TelemetryReport failed(String source, String problem) {
        return new TelemetryReport("failed", source, false, 0, 0, List.of(problem), 0, 0, 0, 0, 0, 0, 0, List.of(), List.of());
    }
}
