package org.appban.admin;

import org.appban.lambda.admin.AdminHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.appban.identity.FunctionUrlIdentity;
import org.appban.json.Json;
import org.appban.policy.file.PolicyLoader;
import org.junit.jupiter.api.Test;

/**
 * The admin function's SnapStart priming runs the status operation to its end on sample records (a member with a
 * device, an exemption and a notice), as it usually comes: the counters read. The same samples serve the full
 * report (status with export), which the priming leaves to its first use.
 */
class AdminPrimingTest {
    @Test
    void the_status_priming_reports_on_its_samples_and_exports_them() throws Exception {
        JsonNode event = Json.parse("{\"requestContext\":{\"http\":{\"method\":\"POST\"},\"authorizer\":{\"iam\":"
                + "{\"userArn\":\"arn:aws:sts::000000000000:assumed-role/priming/priming\"}}},\"body\":\"{}\"}");
        ObjectNode report = AdminHandler.statusOnSamples(new PolicyLoader().bundled(PolicyLoader.BUNDLED), Json.parse("{\"operation\":\"status\"}"),
                Caller.proven(FunctionUrlIdentity.of(event)));
        assertEquals("done", report.path("status").asText(), report.toString());
        // The sample notice was appended through the production ledger, which counted it in the same transaction.
        assertEquals(1, report.path("result").path("counters").path("counted").path("noticesSent").asInt(), report.toString());
        assertEquals("unchecked", report.path("result").path("counters").path("state").asText(), report.toString());
        assertTrue(report.path("result").path("totals").isMissingNode(), "the usual request reads no roster or inventory: " + report);

        ObjectNode full = AdminHandler.statusOnSamples(new PolicyLoader().bundled(PolicyLoader.BUNDLED),
                Json.parse("{\"operation\":\"status\",\"export\":true}"), Caller.proven(FunctionUrlIdentity.of(event)));
        assertEquals(1, full.path("result").path("totals").path("members").asInt(), full.toString());
        assertEquals(1, full.path("result").path("totals").path("devices").asInt(), full.toString());
    }
}
