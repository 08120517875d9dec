package org.appban.enforce;

import org.appban.lambda.enforce.EnforceRemovalHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.Test;

/** template.yaml sizes and wires the enforce-removal function the way its code assumes. */
class EnforceRemovalTemplateTest {
    private final JsonNode resources;

    EnforceRemovalTemplateTest() throws IOException {
        resources = new ObjectMapper(new YAMLFactory()).readTree(ProjectLayout.template().toFile()).path("Resources");
    }

    private JsonNode props(String id) {
        JsonNode r = resources.path(id);
        assertTrue(r.isObject(), id + " is not declared");
        return r.path("Properties");
    }

    @Test
    void concurrencyIsTheRoundsWorkersPlusTheDeviceWorkers() {
        assertEquals(EnforceRemovalHandler.CONTAINERS, props("EnforceRemovalFunction").path("ReservedConcurrentExecutions").asInt());
        assertEquals(EnforceRemovalHandler.WORKERS, props("EnforceWorkEventSource").path("ScalingConfig").path("MaximumConcurrency").asInt());
        assertEquals(EnforceRemovalHandler.ROUND_WORKERS, props("EnforceRoundEventSource").path("ScalingConfig").path("MaximumConcurrency").asInt());
        assertEquals(org.appban.wiring.Production.ENFORCE_ROUND_PARTS, EnforceRemovalHandler.ROUND_WORKERS, "one worker a part");
    }

    @Test
    void theRoundQueueTakesOneStepAnInvocationRedrivesAndAlarms() {
        JsonNode mapping = props("EnforceRoundEventSource");
        assertEquals("ReportBatchItemFailures", mapping.path("FunctionResponseTypes").get(0).asText());
        assertEquals(1, mapping.path("BatchSize").asInt());
        JsonNode queue = props("EnforceRoundWork");
        assertEquals(3, queue.path("RedrivePolicy").path("maxReceiveCount").asInt());
        int timeout = props("EnforceRemovalFunction").path("Timeout").asInt();
        assertTrue(queue.path("VisibilityTimeout").asInt() >= 6 * timeout, "a step's message comes back only when its worker died");
        assertTrue(EnforcementRound.LEASE.toSeconds() > timeout, "a live step's claims outlast the invocation");
        assertEquals("AdminAlertsTopic", props("EnforceRoundDeadLetterAlarm").path("AlarmActions").get(0).path("Ref").asText());
    }

    @Test
    void theWorkQueueReportsPartialFailuresRedrivesAndAlarms() {
        JsonNode mapping = props("EnforceWorkEventSource");
        assertEquals("ReportBatchItemFailures", mapping.path("FunctionResponseTypes").get(0).asText());
        JsonNode queue = props("EnforceWorkQueue");
        assertEquals(EmbeddedEnforcement.MAX_DELIVERIES, queue.path("RedrivePolicy").path("maxReceiveCount").asInt());
        int timeout = props("EnforceRemovalFunction").path("Timeout").asInt();
        assertTrue(queue.path("VisibilityTimeout").asInt() >= 6 * timeout, "visibility timeout at least six times the function timeout");
        assertTrue(EnforceRemoval.CLAIM_LEASE.toSeconds() > timeout, "a live worker's claim outlasts the invocation");
        assertEquals("AdminAlertsTopic", props("EnforceWorkDeadLetterAlarm").path("AlarmActions").get(0).path("Ref").asText());
    }

    @Test
    void theFunctionReadsOnlyTheVariablesItsWiringNeedsAndTheSchedulesSendItsTriggers() {
        JsonNode env = props("EnforceRemovalFunction").path("Environment").path("Variables");
        List<String> names = new ArrayList<>();
        env.fieldNames().forEachRemaining(names::add);
        // Exactly what Production.enforceRemoval(), enforcementRound() and deadlineConfirm() ask for (TemplateContractIT checks it against the running code).
        assertEquals(List.of("ADMIN_TOPIC_ARN", "CLAIMS_TABLE", "DEADLINE_CONFIRM", "DEVICES_TABLE", "ENFORCE_ROUND_QUEUE_URL", "EVENT_BUS_NAME",
                "EXEMPTIONS_TABLE", "KILL_SWITCH_PARAMETER", "LEDGER_TABLE", "MDM_SECRET_ARN", "POLICY", "RATE_BUDGETS_TABLE", "TRIGGER_QUEUE_URL"), names);
        // The schedule's confirm and the one the function honours are the same parameter.
        assertEquals("DeadlineConfirm", env.path("DEADLINE_CONFIRM").path("Ref").asText());
        JsonNode deadline = props("EnforceDeadlineSchedule");
        assertEquals("at(${DeadlineLocal})", deadline.path("ScheduleExpression").path("Fn::Sub").asText());
        assertEquals("ScheduleTimezone", deadline.path("ScheduleExpressionTimezone").path("Ref").asText());
        assertEquals("{\"trigger\": \"deadline\"}", deadline.path("Target").path("Input").path("Fn::If").get(2).asText());
        assertEquals("{\"trigger\": \"reconcile\"}", props("EnforceReconcileSchedule").path("Target").path("Input").asText());
    }

    @Test
    void everyPermissionNamesItsActionsAndResources() {
        for (JsonNode statement : props("EnforceRemovalFunction").path("Policies").get(0).path("Statement")) {
            for (JsonNode action : statement.path("Action")) assertTrue(!action.asText().contains("*"), statement.toString());
            assertTrue(!statement.path("Resource").asText("").equals("*"), statement.toString());
        }
    }
}
