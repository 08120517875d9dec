package org.appban.access;

import java.util.Collection;
import java.util.Map;

/**
 * Where the network-access function keeps its evidence and its own records (the {@code EvidenceTable} on AWS):
 * <ul>
 *   <li>matched telemetry only ({@link Sighting}: device, domain, time, source), the latest per device and per
 *       domain, expiring after a retention period: never raw logs, never an app list;</li>
 *   <li>its {@link AccessRecord} per device: what it last did to the device's network access.</li>
 * </ul>
 * Every write is idempotent: recording the same sighting twice, or an older one after a newer, changes nothing.
 */
public interface EvidenceStore {
    /** Keeps each sighting if it is the latest of its device (and of its device and domain). */
    void recordSightings(Collection<Sighting> sightings);

    /** The latest sighting of each of the given devices that has one. */
    Map<String, Sighting> latestSightings(Collection<String> deviceIds);

    /** This function's record of each of the given devices that has one. */
    Map<String, AccessRecord> records(Collection<String> deviceIds);

    void saveRecord(AccessRecord record);

    /**
     * This function's records of {@code recordsOf} and the latest sightings of {@code sightingsOf}, together: what a
     * run over a few devices decides by. Adapters whose reads are round trips read both in one request.
     */
    default Read read(Collection<String> recordsOf, Collection<String> sightingsOf) {
        return new Read(recordsOf.isEmpty() ? Map.of() : records(recordsOf), sightingsOf.isEmpty() ? Map.of() : latestSightings(sightingsOf));
    }

    /** Records and latest sightings by device id (devices without one absent). */
    record Read(Map<String, AccessRecord> records, Map<String, Sighting> sightings) {
        public Read {
            records = Map.copyOf(records);
            sightings = Map.copyOf(sightings);
        }
    }
}
