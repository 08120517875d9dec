package org.appban.store.memory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.appban.access.AccessRecord;
import org.appban.access.EvidenceStore;
import org.appban.access.Sighting;

/** Embedded adapter for the rehearsal, the benchmark and unit tests; same rules as the DynamoDB one (no expiry). */
public final class InMemoryEvidenceStore implements EvidenceStore {
    private final Map<String, Sighting> latest = new HashMap<>();
    private final Map<String, Sighting> latestByDomain = new HashMap<>();
    private final Map<String, AccessRecord> records = new HashMap<>();

    @Override
    public synchronized void recordSightings(Collection<Sighting> sightings) {
        for (Sighting s : sightings) {
            latest.merge(s.device(), s, Sighting::later);
            latestByDomain.merge(s.device() + "\u0000" + s.domain(), s, Sighting::later);
        }
    }

    @Override
    public synchronized Map<String, Sighting> latestSightings(Collection<String> deviceIds) {
        Map<String, Sighting> out = new HashMap<>();
        for (String id : deviceIds) {
            Sighting s = latest.get(id);
            if (s != null) out.put(id, s);
        }
        return out;
    }

    /** Every domain a device was seen reaching, latest sighting of each (for tests and reports). */
    public synchronized List<Sighting> sightingsOf(String deviceId) {
        return latestByDomain.values().stream().filter(s -> s.device().equals(deviceId)).toList();
    }

    @Override
    public synchronized Map<String, AccessRecord> records(Collection<String> deviceIds) {
        Map<String, AccessRecord> out = new HashMap<>();
        for (String id : deviceIds) {
            AccessRecord r = records.get(id);
            if (r != null) out.put(id, r);
        }
        return out;
    }

    @Override
    public synchronized void saveRecord(AccessRecord record) {
        records.put(record.device(), record);
    }
}
