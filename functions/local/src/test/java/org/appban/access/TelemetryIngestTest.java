package org.appban.access;

import static org.appban.access.AccessFixtures.AFTER_GRACE;
import static org.appban.access.AccessFixtures.POLICY;
import static org.appban.access.AccessFixtures.corporate;
import static org.appban.access.AccessFixtures.privateUnmanaged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import org.appban.domain.Actor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TelemetryIngestTest {
    static final String D17_MAC = "02:AB:00:00:00:13";
    AccessHarness h;
    TelemetryIngest ingest;

    @BeforeEach
    void fleet() {
        h = new AccessHarness().with(privateUnmanaged("d17", "m17", D17_MAC), privateUnmanaged("d26", "m26", "DA:A1:19:5E:00:01"),
                privateUnmanaged("d27", "m27", "DA:A1:19:5E:00:01"), corporate("c01", "m01", "02:AB:00:00:00:01"));
        ingest = new TelemetryIngest(POLICY.app(), h.devices, h.evidence, h.ledger, h.clock);
    }

    private TelemetryReport jsonl(String source, String... lines) {
        return ingest.ingest(source, "etag-1", TelemetryReader.log(new BufferedReader(new StringReader(String.join("\n", lines))),
                TelemetryReader.Format.JSON_LINES), Actor.event("s3:" + source), false);
    }

    private static String dns(String at, String mac, String query) {
        return "{\"log\":\"dns\",\"time\":\"" + at + "\",\"mac\":\"" + mac + "\",\"ip\":\"10.20.3.4\",\"query\":\"" + query + "\",\"qtype\":\"A\"}";
    }

    @Test
    void aDnsQueryForTheAppsDomainFromAMembersDeviceIsKeptAsASightingAndNothingElseIs() {
        String at = AFTER_GRACE.minusSeconds(60).toString();
        TelemetryReport r = jsonl("s3://telemetry/dns/1.jsonl",
                dns(at, "02-ab-00-00-00-13", "api16-normal-c-useast1a.tiktokv.com."),
                dns(at, D17_MAC, "outlook.office365.com"));
        assertEquals(2, r.records());
        assertEquals(1, r.matched());
        assertEquals(1, r.notTheApp());
        assertEquals(List.of("d17"), r.devices());
        Sighting s = h.evidence.latestSightings(List.of("d17")).get("d17");
        assertEquals(new Sighting("d17", "tiktokv.com", AFTER_GRACE.minusSeconds(60), Sighting.Via.DNS, "s3://telemetry/dns/1.jsonl"), s,
                "the policy's domain, not the full name; no address, no other query");
        assertEquals(1, h.evidence.sightingsOf("d17").size());
    }

    @Test
    void aFirewallRecordMatchesOnItsServerName() {
        String line = "{\"log\":\"firewall\",\"time\":\"" + AFTER_GRACE.minusSeconds(5) + "\",\"mac\":\"" + D17_MAC
                + "\",\"ip\":\"10.0.0.7\",\"sni\":\"www.tiktok.com\",\"dst\":\"203.0.113.10\",\"port\":443,\"action\":\"allow\"}";
        TelemetryReport r = jsonl("s3://telemetry/fw/1.jsonl", line);
        assertEquals(List.of("d17"), r.devices());
        assertEquals(Sighting.Via.FIREWALL, h.evidence.latestSightings(List.of("d17")).get("d17").via());
    }

    @Test
    void anUnknownMacIsIgnoredAndCounted_notAMembersDevice() {
        TelemetryReport r = jsonl("s3://t/1.jsonl", dns(AFTER_GRACE.toString(), "02:99:99:99:99:99", "tiktok.com"));
        assertEquals(1, r.unknownAddress());
        assertTrue(r.devices().isEmpty());
    }

    @Test
    void aMacTwoDevicesShareIsAttributedToNeither() {
        TelemetryReport r = jsonl("s3://t/1.jsonl", dns(AFTER_GRACE.toString(), "DA:A1:19:5E:00:01", "tiktok.com"));
        assertEquals(1, r.ambiguousAddress());
        assertEquals(List.of("d26", "d27"), r.ambiguousDevices());
        assertTrue(h.evidence.latestSightings(List.of("d26", "d27")).isEmpty());
    }

    @Test
    void corporateDevicesAreLeftToTheMdm() {
        TelemetryReport r = jsonl("s3://t/1.jsonl", dns(AFTER_GRACE.toString(), "02:AB:00:00:00:01", "tiktok.com"));
        assertEquals(1, r.corporate());
        assertTrue(h.evidence.latestSightings(List.of("c01")).isEmpty());
    }

    @Test
    void badLinesAreReportedWithTheirNumbersWhileTheGoodOnesAreKept() {
        TelemetryReport r = jsonl("s3://t/1.jsonl",
                "not json",
                "{\"log\":\"dns\",\"time\":\"2023-04-07 10:00\",\"mac\":\"zz\",\"query\":\"tiktok.com\",\"extra\":1}",
                dns(AFTER_GRACE.toString(), D17_MAC, "tiktokcdn.com"));
        assertEquals(2, r.invalid());
        assertTrue(r.problems().get(0).startsWith("line 1: not valid JSON"), r.problems().toString());
        String second = String.join(" ", r.problems().subList(1, r.problems().size()));
        assertTrue(r.problems().get(1).startsWith("line 2: "), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.contains("line 2: mac: 'zz' is not a MAC address")), second);
        assertTrue(r.problems().stream().anyMatch(p -> p.contains("line 2: extra: unknown field")), second);
        assertEquals(List.of("d17"), r.devices());
    }

    @Test
    void recordsTimedInTheFutureAreBadClocksNotEvidence() {
        TelemetryReport r = jsonl("s3://t/1.jsonl", dns(AFTER_GRACE.plus(Duration.ofHours(1)).toString(), D17_MAC, "tiktok.com"));
        assertEquals(1, r.late());
        assertTrue(r.devices().isEmpty());
    }

    @Test
    void theCsvFormOfTheSameLog() {
        String csv = "log,time,mac,ip,name\n"
                + "dns," + AFTER_GRACE.minusSeconds(30) + "," + D17_MAC + ",10.1.1.1,log16-normal.tiktokv.com\n"
                + "firewall," + AFTER_GRACE.minusSeconds(10) + "," + D17_MAC + ",,\"www.tiktok.com\"\n"
                + "dns,yesterday," + D17_MAC + ",,tiktok.com\n";
        TelemetryReport r = ingest.ingest("s3://t/1.csv", "etag", TelemetryReader.log(new BufferedReader(new StringReader(csv)), TelemetryReader.Format.CSV),
                Actor.event("test"), false);
        assertEquals(2, r.matched());
        assertEquals(1, r.invalid());
        assertTrue(r.problems().get(0).startsWith("line 4: time:"), r.problems().toString());
        assertEquals(AFTER_GRACE.minusSeconds(10), h.evidence.latestSightings(List.of("d17")).get("d17").at());
    }

    @Test
    void anEventsRecordsAreTheSameRecords() throws Exception {
        var records = new ObjectMapper().readTree("[" + dns(AFTER_GRACE.toString(), D17_MAC, "musical.ly") + "]");
        TelemetryReport r = ingest.ingest("event:batch-1", "batch-1", TelemetryReader.records(records), Actor.event("e"), false);
        assertEquals(List.of("d17"), r.devices());
        assertEquals("event:batch-1", h.evidence.latestSightings(List.of("d17")).get("d17").source());
    }

    @Test
    void anOlderSightingNeverReplacesANewerOne() {
        jsonl("s3://t/new.jsonl", dns(AFTER_GRACE.toString(), D17_MAC, "tiktok.com"));
        jsonl("s3://t/old.jsonl", dns(AFTER_GRACE.minus(Duration.ofDays(1)).toString(), D17_MAC, "tiktok.com"));
        assertEquals("s3://t/new.jsonl", h.evidence.latestSightings(List.of("d17")).get("d17").source());
    }

    @Test
    void eachLogWithMatchesIsRecordedOnceInTheLedgerAndLogsWithoutAreNot() {
        jsonl("s3://t/1.jsonl", dns(AFTER_GRACE.toString(), D17_MAC, "tiktok.com"));
        jsonl("s3://t/1.jsonl", dns(AFTER_GRACE.toString(), D17_MAC, "tiktok.com"));
        jsonl("s3://t/2.jsonl", dns(AFTER_GRACE.toString(), D17_MAC, "example.org"));
        assertEquals(1, h.fleet("telemetry.ingested").size());
        assertEquals("1", h.fleet("telemetry.ingested").get(0).details().get("matched"));
    }

    @Test
    void theFormatIsTakenFromTheKey() {
        assertEquals(TelemetryReader.Format.JSON_LINES, TelemetryReader.formatOf("dns/2023/04/07/node1.jsonl.gz"));
        assertEquals(TelemetryReader.Format.CSV, TelemetryReader.formatOf("fw/x.CSV"));
        assertNull(TelemetryReader.formatOf("fw/x.parquet"));
        assertFalse(TelemetryReader.splitCsv("a,\"b,\"\"c\"\"\",d").size() != 3);
    }

    @Test
    void aLogReadsTheDevicesOfTheMacsItNamesByTheirIndexAndNeverTheFleet() {
        TelemetryIngest counted = new TelemetryIngest(POLICY.app(), h.countedDevices, h.evidence, h.ledger, h.clock);
        String at = AFTER_GRACE.minusSeconds(60).toString();
        TelemetryReport few = counted.ingest("s3://t/few.jsonl", "etag-few", TelemetryReader.log(new BufferedReader(new StringReader(String.join("\n",
                dns(at, D17_MAC, "tiktok.com"), dns(at, D17_MAC, "www.tiktok.com"), dns(at, "DA:A1:19:5E:00:01", "tiktok.com"),
                dns(at, "02:99:99:99:99:99", "tiktok.com")))), TelemetryReader.Format.JSON_LINES), Actor.event("s3:few"), false);
        assertEquals(List.of("d17"), few.devices());
        assertEquals(1, few.ambiguousAddress());
        assertEquals(1, few.unknownAddress());
        assertEquals(0, h.fleetReads, "three MACs, each by its index");
        // However many MACs a log names, each is read by its index once (a log's reads follow the log, not the fleet).
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i <= 60; i++) many.add(dns(at, String.format("02:77:00:00:%02X:%02X", i / 256, i % 256), "tiktok.com"));
        many.add(dns(at, D17_MAC, "tiktok.com"));
        TelemetryReport lots = counted.ingest("s3://t/many.jsonl", "etag-many", TelemetryReader.log(new BufferedReader(new StringReader(String.join("\n", many))),
                TelemetryReader.Format.JSON_LINES), Actor.event("s3:many"), false);
        assertEquals(List.of("d17"), lots.devices());
        assertEquals(61, lots.unknownAddress());
        assertEquals(0, h.fleetReads);
    }
}
