package org.appban.admin;

import static org.appban.exemption.ExemptionFixtures.APPROVER_SESSION;
import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.appban.domain.LedgerEntry;
import org.appban.exemption.ExemptionCheck;
import org.appban.json.Json;
import org.appban.report.S3Reports;
import org.appban.safety.KillSwitch;
import org.appban.safety.SsmKillSwitch;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The admin function on the emulator, over real HTTP: DynamoDB tables from template.yaml, the reports bucket in S3,
 * the kill switch in SSM (created with the template's initial value).
 */
class AdminHandlerIT {
    private final AwsEmulator aws = AwsEmulator.shared();
    private final S3Client s3 = aws.clients().s3();
    private final SsmClient ssm = aws.clients().ssm();
    private final String bucket = AwsEmulator.uniquePrefix("reports") + "bucket";
    private final String parameter = "/" + AwsEmulator.uniquePrefix("appban") + "kill-switch";
    private TemplateTables.Created tables;
    private AdminWorld world;

    @BeforeEach
    void setUp() {
        tables = TemplateTables.load().create(aws.dynamoDb(), AwsEmulator.uniquePrefix("admin"),
                "MembersTable", "DevicesTable", "ExemptionsTable", "LedgerTable");
        s3.createBucket(b -> b.bucket(bucket));
        ssm.putParameter(p -> p.name(parameter).type(ParameterType.STRING).value("{\"engaged\": false}"));
        world = new AdminWorld(
                new DynamoMemberStore(aws.dynamoDb(), tables.name("MembersTable")),
                new DynamoDeviceStore(aws.dynamoDb(), tables.name("DevicesTable")),
                new DynamoExemptionStore(aws.dynamoDb(), tables.name("ExemptionsTable")),
                new DynamoLedger(aws.dynamoDb(), tables.name("LedgerTable")),
                new SsmKillSwitch(ssm, parameter),
                new S3Reports(s3, bucket)).seed();
    }

    @AfterEach
    void tearDown() {
        tables.close();
    }

    private JsonNode done(String event, String caller) {
        JsonNode report = world.invoke(event, caller);
        assertEquals("done", report.path("status").asText(), report.toPrettyString());
        return report.path("result");
    }

    private String s3Text(String location) {
        String key = location.substring(("s3://" + bucket + "/").length());
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String();
    }

    @Test
    void an_exemption_goes_from_request_to_grant_to_revocation_and_every_call_is_on_the_ledger() {
        JsonNode requested = done(AdminWorld.event("exemption-request.json"), MANAGER).path("exemptions").get(0);
        String id = requested.path("exemption").path("id").asText();
        assertEquals("requested", requested.path("result").asText());

        JsonNode selfGrant = world.invoke("{\"operation\":\"exemption.grant\",\"id\":\"" + id + "\",\"expires\":\"2023-06-30T17:00+12:00\"}", MANAGER);
        assertEquals("rejected", selfGrant.path("status").asText());
        assertTrue(selfGrant.path("error").asText().contains("cannot also decide it"));

        JsonNode granted = done("{\"operation\":\"exemption.grant\",\"id\":\"" + id + "\",\"expires\":\"2023-06-30T17:00+12:00\"}", APPROVER_SESSION);
        assertEquals("active", granted.path("exemption").path("state").asText());
        assertEquals(List.of("exemption-granted " + id), world.notices.asked);
        assertTrue(ExemptionCheck.isExempt(world.exemptions.ofMember("m-001"), world.devices.find("d-102").orElseThrow(), world.clock.instant()));

        JsonNode listed = done("{\"operation\":\"exemption.list\",\"member\":\"m-001\",\"state\":\"active\"}", MANAGER);
        assertEquals(1, listed.path("count").asInt());

        done("{\"operation\":\"exemption.revoke\",\"id\":\"" + id + "\",\"reason\":\"inquiry over\"}", MANAGER);
        assertFalse(ExemptionCheck.isExempt(world.exemptions.ofMember("m-001"), world.devices.find("d-102").orElseThrow(), world.clock.instant()));

        List<String> memberActions = world.ledger.chain("member#m-001").stream().map(e -> e.record().action()).toList();
        assertTrue(memberActions.containsAll(List.of("exemption.requested", "exemption.granted", "exemption.notice-requested", "exemption.revoked")), memberActions.toString());
        // The calls of this test (the seed also leaves an approval pending in the fleet chain).
        List<LedgerEntry> fleet = world.ledger.chain("fleet").stream().filter(e -> e.record().action().startsWith("admin.exemption.")).toList();
        assertEquals(List.of("admin.exemption.request", "admin.exemption.grant", "admin.exemption.grant", "admin.exemption.list", "admin.exemption.revoke"),
                fleet.stream().map(e -> e.record().action()).toList());
        assertEquals(List.of(MANAGER, MANAGER, APPROVER_SESSION, MANAGER, MANAGER), fleet.stream().map(e -> e.record().actor().id()).toList());
        assertEquals("rejected", fleet.get(1).record().outcome());
        assertTrue(done(AdminWorld.event("ledger-verify.json"), MANAGER).path("intact").asBoolean());
    }

    @Test
    void status_and_ledger_exports_land_in_the_reports_bucket() throws Exception {
        JsonNode status = done(AdminWorld.event("status.json"), MANAGER);
        assertEquals(4, status.path("totals").path("devices").asInt());
        JsonNode exported = Json.parse(s3Text(status.path("reports").path("json").asText()));
        assertEquals(3, exported.path("members").size());
        String csv = s3Text(status.path("reports").path("csv").asText());
        assertEquals(1 + 4, csv.split("\r\n").length, csv);
        String contentType = s3.headObject(h -> h.bucket(bucket).key(status.path("reports").path("csv").asText().substring(("s3://" + bucket + "/").length()))).contentType();
        assertTrue(contentType.startsWith("text/csv"), contentType);

        JsonNode export = done(AdminWorld.event("ledger-export-member.json"), MANAGER);
        assertEquals(1, export.path("entries").asInt());
        assertTrue(s3Text(export.path("location").asText()).contains("\"action\":\"notice.sent\""));

        JsonNode preview = done(AdminWorld.event("preview.json"), MANAGER);
        assertTrue(preview.path("losesAccess").size() >= 2, preview.toPrettyString());
    }

    @Test
    void the_kill_switch_is_engaged_and_released_in_ssm_with_who_and_why() {
        JsonNode on = done(AdminWorld.event("killswitch-on.json"), MANAGER);
        assertTrue(on.path("engaged").asBoolean());
        assertFalse(on.path("wasEngaged").asBoolean());
        KillSwitch.State read = new SsmKillSwitch(ssm, parameter).read();
        assertTrue(read.engaged());
        assertEquals(MANAGER, read.by());
        assertTrue(read.reason().startsWith("Investigating reports"));
        // Releasing it waits for a second administrator (the bundled policy's two-person rule), who then releases it.
        JsonNode asked = world.invoke(AdminWorld.event("killswitch-off.json"), MANAGER);
        assertEquals("pending", asked.path("status").asText(), asked.toString());
        assertTrue(new SsmKillSwitch(ssm, parameter).read().engaged());
        String approval = asked.path("result").path("approval").path("id").asText();
        assertFalse(done("{\"operation\":\"approval.approve\",\"id\":\"" + approval + "\"}", APPROVER_SESSION).path("result").path("engaged").asBoolean());
        assertFalse(new SsmKillSwitch(ssm, parameter).read().engaged());
    }

    @Test
    void a_ledger_entry_changed_in_the_table_is_found_by_verify() {
        done(AdminWorld.event("exemption-request.json"), MANAGER);
        done("{\"operation\":\"exemption.grant\",\"id\":\"ex-example-requested\",\"expires\":\"2023-06-30T17:00+12:00\"}", MANAGER);
        // Someone with write access to the table turns the recorded grant's outcome around.
        List<LedgerEntry> chain = world.ledger.chain("member#m-001");
        long seq = chain.stream().filter(e -> e.record().action().equals("exemption.granted")).findFirst().orElseThrow().seq();
        aws.dynamoDb().updateItem(r -> r.tableName(tables.name("LedgerTable"))
                .key(Map.of("chain", AttributeValue.fromS("member#m-001"), "seq", AttributeValue.fromN(Long.toString(seq))))
                .updateExpression("SET #d.#e = :e").expressionAttributeNames(Map.of("#d", "details", "#e", "expires"))
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromS("2099-12-31T00:00:00Z"))));

        JsonNode v = done(AdminWorld.event("ledger-verify.json"), MANAGER);
        assertFalse(v.path("intact").asBoolean());
        assertEquals("member#m-001", v.path("firstBreak").path("chain").asText());
        assertEquals(seq, v.path("firstBreak").path("seq").asLong());
        assertTrue(v.path("firstBreak").path("reason").asText().contains("does not match its hash"));
        JsonNode one = done("{\"operation\":\"ledger.verify\",\"chain\":\"member#m-002\"}", MANAGER);
        assertTrue(one.path("intact").asBoolean());
    }
}
