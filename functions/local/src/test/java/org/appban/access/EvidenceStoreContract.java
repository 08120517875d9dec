package org.appban.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What every {@link EvidenceStore} adapter must do. */
public abstract class EvidenceStoreContract {
    static final Instant T = Instant.parse("2023-04-08T20:55:02.123Z");

    protected abstract EvidenceStore store();

    static Sighting sighting(String device, String domain, Instant at, String source) {
        return new Sighting(device, domain, at, Sighting.Via.DNS, source);
    }

    @Test
    void theLatestSightingOfEachDeviceIsKeptWhateverOrderTheyArriveIn() {
        EvidenceStore s = store();
        s.recordSightings(List.of(sighting("d1", "tiktok.com", T, "s3://t/a.jsonl")));
        s.recordSightings(List.of(sighting("d1", "tiktokv.com", T.plusMillis(1), "s3://t/b.jsonl")));
        s.recordSightings(List.of(sighting("d1", "tiktok.com", T.minusSeconds(3600), "s3://t/old.jsonl")));
        s.recordSightings(List.of(sighting("d2", "musical.ly", T, "event:batch-1")));
        Map<String, Sighting> latest = s.latestSightings(List.of("d1", "d2", "d3"));
        assertEquals(sighting("d1", "tiktokv.com", T.plusMillis(1), "s3://t/b.jsonl"), latest.get("d1"));
        assertEquals(sighting("d2", "musical.ly", T, "event:batch-1"), latest.get("d2"));
        assertEquals(2, latest.size());
    }

    @Test
    void recordingTheSameSightingTwiceChangesNothing() {
        EvidenceStore s = store();
        Sighting one = new Sighting("d1", "tiktok.com", T, Sighting.Via.FIREWALL, "s3://t/a.jsonl");
        s.recordSightings(List.of(one));
        s.recordSightings(List.of(one));
        assertEquals(one, s.latestSightings(List.of("d1")).get("d1"));
    }

    @Test
    void manyDevicesAreReadInOneCallOfThePort() {
        EvidenceStore s = store();
        List<String> ids = IntStream.range(0, 230).mapToObj(i -> "bulk-" + i).toList();
        s.recordSightings(ids.stream().map(id -> sighting(id, "tiktok.com", T, "s3://t/bulk.jsonl")).toList());
        assertEquals(230, s.latestSightings(ids).size());
    }

    @Test
    void accessRecordsAreSavedAndReadBack() {
        EvidenceStore s = store();
        AccessRecord q = new AccessRecord("d1", AccessRecord.State.QUARANTINED, 2, "02:AB:00:00:00:08", "Quarantine", T, "carries-app: telemetry");
        s.saveRecord(q);
        assertEquals(q, s.records(List.of("d1", "d2")).get("d1"));
        AccessRecord r = q.released(T.plusSeconds(60), "complies: attested");
        s.saveRecord(r);
        assertEquals(r, s.records(List.of("d1")).get("d1"));
        assertTrue(s.records(List.of("d2")).isEmpty());
    }

    @Test
    void recordsAndSightingsReadTogetherAreThoseReadApart() {
        EvidenceStore s = store();
        AccessRecord q = new AccessRecord("rs-1", AccessRecord.State.QUARANTINED, 1, "02:AB:00:00:00:31", "Quarantine", T, "carries-app: telemetry");
        s.saveRecord(q);
        s.recordSightings(List.of(sighting("rs-1", "tiktok.com", T, "s3://t/rs.jsonl"), sighting("rs-2", "tiktok.com", T.plusSeconds(5), "s3://t/rs.jsonl")));
        List<String> ids = List.of("rs-1", "rs-2", "rs-3");
        EvidenceStore.Read both = s.read(ids, List.of("rs-1", "rs-2"));
        assertEquals(s.records(ids), both.records());
        assertEquals(s.latestSightings(List.of("rs-1", "rs-2")), both.sightings());
        assertEquals(2, both.sightings().size());
        // Sightings only of the devices asked for them (a run reads them for private devices only).
        assertEquals(List.of(), List.copyOf(s.read(ids, List.of("rs-3")).sightings().keySet()));
        assertEquals(new EvidenceStore.Read(java.util.Map.of(), java.util.Map.of()), s.read(List.of(), List.of()));
    }
}
