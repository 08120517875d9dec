package org.appban.admin;

import org.appban.lambda.admin.AdminHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.appban.identity.FunctionUrlIdentity;
import org.appban.json.Json;
import org.appban.policy.file.PolicyLoader;
import org.junit.jupiter.api.Test;

/**
 * The admin function's SnapStart priming runs the status operation to its end on sample records (the report over a
 * member with a device, an exemption and a notice, exported), so a restored function's first status request finds
 * that path loaded.
 */
class AdminPrimingTest {
    @Test
    void the_status_priming_reports_on_its_samples_and_exports_them() throws Exception {
        JsonNode event = Json.parse("{\"requestContext\":{\"http\":{\"method\":\"POST\"},\"authorizer\":{\"iam\":"
                + "{\"userArn\":\"arn:aws:sts::000000000000:assumed-role/priming/priming\"}}},\"body\":\"{}\"}");
        ObjectNode report = AdminHandler.statusOnSamples(new PolicyLoader().bundled(PolicyLoader.BUNDLED), Json.parse("{\"operation\":\"status\"}"),
                Caller.proven(FunctionUrlIdentity.of(event)));
        assertEquals("done", report.path("status").asText(), report.toString());
        assertEquals(1, report.path("result").path("totals").path("members").asInt(), report.toString());
        assertEquals(1, report.path("result").path("totals").path("devices").asInt(), report.toString());
    }
}
