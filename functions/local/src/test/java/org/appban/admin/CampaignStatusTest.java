package org.appban.admin;

import static org.appban.exemption.ExemptionFixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MdmKind;
import org.appban.domain.Member;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.exemption.ExemptionCheck;
import org.appban.exemption.ExemptionFixtures;
import org.appban.json.Json;
import org.appban.report.InMemoryReports;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

class CampaignStatusTest {
    private final AdminWorld world = new AdminWorld(new InMemoryMemberStore(), new InMemoryDeviceStore(), new InMemoryExemptionStore(),
            new InMemoryLedger(), new InMemoryKillSwitch(), new InMemoryReports()).seed();

    private StatusReport status() {
        return new CampaignStatus(NetworkAccessLookup.fromLedger(Map.of("network.quarantined", "quarantined", "network.released", "allowed")))
                .build(world.administration.snapshot(world.clock.instant()));
    }

    private static StatusReport.DeviceStatus device(StatusReport r, String id) {
        return r.members().stream().flatMap(m -> m.devices().stream()).filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void each_member_has_their_devices_with_state_notices_sent_and_exemptions() {
        StatusReport r = status();
        StatusReport.MemberStatus aroha = r.members().get(0);
        assertEquals("m-001", aroha.id());
        assertEquals(List.of("d-101", "d-102"), aroha.devices().stream().map(StatusReport.DeviceStatus::id).toList());
        assertEquals("app-present", device(r, "d-101").state());
        assertEquals("non-compliant", device(r, "d-102").state());
        assertEquals("clean", device(r, "d-201").state());
        StatusReport.DeviceStatus mere = device(r, "d-301");
        assertEquals("exempt", mere.state());
        assertEquals("ex-example-granted", mere.exemption());
        assertEquals(nz("2023-06-30T17:00"), mere.exemptUntil());
        assertEquals(List.of("announcement"), aroha.notices().stream().map(StatusReport.NoticeSent::stage).toList());
        assertEquals(List.of("requested", "requested"), aroha.exemptions().stream().map(e -> e.state()).toList());
        assertEquals(3, r.totals().members());
        assertEquals(4, r.totals().devices());
        assertEquals(Map.of("app-present", 1, "non-compliant", 1, "clean", 1, "exempt", 1), r.totals().devicesByState());
        assertEquals(2, r.totals().noticesSent());
        assertEquals(Map.of("requested", 3, "active", 1), r.totals().exemptionsByState());
    }

    /** Shown apart: the MDM cannot remove the app there (an unsupervised iPhone), so its member must. */
    @Test
    void a_corporate_device_with_the_app_that_its_mdm_cannot_clean_has_a_state_of_its_own() {
        Device unsupervised = new Device("d-9", "m-001", Ownership.CORPORATE, Platform.IOS, "iPhone 12", false, MdmKind.JAMF, "9", null,
                AppPresence.PRESENT, ComplianceState.UNKNOWN, null, false);
        assertEquals(CampaignStatus.MEMBER_MUST_REMOVE, CampaignStatus.state(unsupervised, ExemptionCheck.Protection.NONE));
        Device supervised = new Device("d-10", "m-001", Ownership.CORPORATE, Platform.IOS, "iPhone 15", true, MdmKind.JAMF, "10", null,
                AppPresence.PRESENT, ComplianceState.UNKNOWN, null, false);
        assertEquals("app-present", CampaignStatus.state(supervised, ExemptionCheck.Protection.NONE), "its MDM removes it");
        assertEquals("clean", CampaignStatus.state(unsupervised.withAppPresence(AppPresence.ABSENT), ExemptionCheck.Protection.NONE));
    }

    @Test
    void network_access_comes_from_the_ledger_and_an_expired_exemption_no_longer_shows_as_exempt() {
        world.ledger.append(new LedgerRecord(nz("2023-04-07T00:05"), Actor.schedule("network"), "m-001", "d-102", "network.quarantined",
                "ok", false, "nac/d-102/1", Map.of()));
        world.clock.set(nz("2023-07-01T09:00"));
        StatusReport r = status();
        assertEquals("quarantined", device(r, "d-102").networkAccess());
        assertNull(device(r, "d-101").networkAccess());
        assertEquals(1, r.totals().quarantined());
        assertEquals("non-compliant", device(r, "d-301").state(), "ex-example-granted expired on 30 June");
        assertEquals("expired", r.members().get(2).exemptions().get(0).state());
    }

    @Test
    void devices_of_owners_missing_from_the_roster_are_listed_under_them() {
        world.devices.save(ExemptionFixtures.corporate("d-900", "m-900", AppPresence.PRESENT));
        StatusReport r = status();
        StatusReport.MemberStatus stranger = r.members().get(r.members().size() - 1);
        assertEquals("m-900", stranger.id());
        assertFalse(stranger.onRoster());
        assertTrue(r.members().get(0).onRoster());
    }

    @Test
    void the_csv_has_a_row_per_device_and_neutralises_formulas_and_quotes() {
        world.members.save(Member.active("m-004", "=HYPERLINK(\"http://evil\",\"click\")", "m4@parliament.govt.nz", Role.CONTRACTOR));
        world.devices.save(ExemptionFixtures.personal("d-401", "m-004", ComplianceState.COMPLIANT));
        world.members.save(Member.active("m-005", "Nobody, Yet", "m5@parliament.govt.nz", Role.STAFF));
        String csv = StatusExport.csv(status());
        String[] rows = csv.split("\r\n");
        assertEquals(String.join(",", StatusExport.CSV_COLUMNS), rows[0]);
        assertEquals(1 + 5 + 1, rows.length, "header, one row per device (5), one for the member without a device");
        assertTrue(csv.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\""), csv);
        assertTrue(csv.contains("m-005,\"Nobody, Yet\",m5@parliament.govt.nz,staff,true,,,,,no-known-device"), csv);
    }

    @Test
    void the_status_operation_answers_from_the_campaigns_counters_and_exports_nothing() throws Exception {
        JsonNode result = world.endpoint.handle(Json.parse("{\"operation\":\"status\"}"), Caller.direct(), "inv-status").path("result");
        JsonNode counted = result.path("counters").path("counted");
        assertEquals(status().totals().noticesSent(), counted.path("noticesSent").asInt(), result.toString());
        assertEquals(status().totals().noticesByStage().get("announcement"), counted.path("noticesByStage").path("announcement").asInt(), result.toString());
        assertEquals("unchecked", result.path("counters").path("state").asText(), "never reconciled with the ledger");
        assertTrue(result.path("totals").isMissingNode() && result.path("reports").isMissingNode(), "no roster, inventory or report: " + result);
        assertTrue(((InMemoryReports) world.reports).keys().isEmpty(), "nothing written to the reports store");
    }

    @Test
    void a_status_on_a_ledger_with_nothing_counted_says_the_counters_are_missing_rather_than_showing_zeros() throws Exception {
        AdminWorld empty = new AdminWorld(new InMemoryMemberStore(), new InMemoryDeviceStore(), new InMemoryExemptionStore(),
                new InMemoryLedger(), new InMemoryKillSwitch(), new InMemoryReports());
        JsonNode report = empty.endpoint.handle(Json.parse("{\"operation\":\"status\"}"), Caller.direct(), "inv-status");
        assertEquals("done", report.path("status").asText(), report.toString());
        assertEquals("missing", report.path("result").path("counters").path("state").asText(), report.toString());
        assertTrue(report.path("result").path("counters").path("note").asText().contains("tally.check"), report.toString());
        assertTrue(report.path("result").path("counters").path("counted").isMissingNode(), "no figures: " + report);
    }

    @Test
    void the_status_operation_with_export_reads_the_campaign_exports_json_and_csv_and_answers_with_totals_and_where_they_are() throws Exception {
        JsonNode report = world.endpoint.handle(Json.parse("{\"operation\":\"status\",\"export\":true}"),
                Caller.direct(), "inv-status");
        JsonNode result = report.path("result");
        assertEquals(3, result.path("totals").path("members").asInt());
        assertTrue(result.path("members").isMissingNode(), "members only on request");
        InMemoryReports reports = (InMemoryReports) world.reports;
        String jsonKey = result.path("reports").path("json").asText().substring("memory:".length());
        JsonNode exported = Json.parse(reports.text(jsonKey).orElseThrow());
        assertEquals("m-001", exported.path("members").get(0).path("id").asText());
        assertEquals("2023-03-30T11:00:00Z", exported.path("deadline").asText());
        assertTrue(reports.text(jsonKey.replace(".json", ".csv")).orElseThrow().startsWith("member,name,email"));
    }
}
