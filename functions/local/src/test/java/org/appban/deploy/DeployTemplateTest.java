package org.appban.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.appban.deploy.SamTemplate.Function;
import org.junit.jupiter.api.Test;

/**
 * What template.yaml must say for every function to be deployable and operable: built without Docker, SnapStart on
 * the published alias that every trigger invokes, logs kept for a set time, an alarm for each way it can fail,
 * failed events kept, schedules in the policy's zone, least privilege. (What each function may call is
 * TemplateContractIT's business.)
 */
class DeployTemplateTest {
    private final SamTemplate template = SamTemplate.load();
    private final JsonNode resources = template.resources();
    private final List<Function> functions = template.functions();

    @Test
    void every_function_runs_the_prebuilt_jar_so_sam_build_needs_no_docker() {
        for (Function f : functions) {
            assertEquals("functions/target/appban-functions-lambda.jar", f.properties().path("CodeUri").asText(), f.logicalId());
            assertTrue(resources.path(f.logicalId()).path("Metadata").path("SkipBuild").asBoolean(), f.logicalId() + " Metadata.SkipBuild");
        }
    }

    @Test
    void every_function_is_java21_with_snapstart_on_its_published_alias() {
        JsonNode globals = template.root().path("Globals").path("Function");
        assertEquals("java21", globals.path("Runtime").asText());
        assertEquals("live", globals.path("AutoPublishAlias").asText());
        assertEquals("PublishedVersions", globals.path("SnapStart").path("ApplyOn").asText());
        for (Function f : functions) {
            assertTrue(f.properties().path("Runtime").isMissingNode() && f.properties().path("SnapStart").isMissingNode()
                    && f.properties().path("AutoPublishAlias").isMissingNode(), f.logicalId() + " keeps the Globals' runtime and SnapStart");
        }
    }

    @Test
    void triggers_declared_beside_a_function_invoke_its_alias_not_latest() {
        List<String> wrong = new ArrayList<>();
        resources.properties().forEach(e -> {
            JsonNode p = e.getValue().path("Properties");
            switch (e.getValue().path("Type").asText()) {
                case "AWS::Scheduler::Schedule" -> {
                    if (!p.path("Target").path("Arn").path("Ref").asText().endsWith(".Alias")) wrong.add(e.getKey());
                }
                case "AWS::Lambda::EventSourceMapping", "AWS::Lambda::Permission" -> {
                    if (!p.path("FunctionName").path("Ref").asText().endsWith(".Alias")) wrong.add(e.getKey());
                }
                default -> {
                }
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void every_function_keeps_its_logs_for_the_configured_time() {
        Set<String> logged = new TreeSet<>();
        resources.properties().forEach(e -> {
            if (!"AWS::Logs::LogGroup".equals(e.getValue().path("Type").asText())) return;
            JsonNode p = e.getValue().path("Properties");
            assertEquals("LogRetentionDays", p.path("RetentionInDays").path("Ref").asText(), e.getKey());
            String name = p.path("LogGroupName").path("Fn::Sub").asText();
            if (name.startsWith("/aws/lambda/${")) logged.add(name.substring("/aws/lambda/${".length(), name.length() - 1));
        });
        for (Function f : functions) assertTrue(logged.contains(f.logicalId()), f.logicalId() + " has no log group");
    }

    @Test
    void every_function_alarms_the_administrators_on_errors_and_throttles() {
        for (Function f : functions) {
            for (String metric : List.of("Errors", "Throttles")) {
                assertTrue(alarmed("AWS/Lambda", metric, "FunctionName", f.logicalId()), f.logicalId() + ": no " + metric + " alarm to AdminAlertsTopic");
            }
        }
    }

    @Test
    void asynchronously_triggered_functions_keep_failed_events_in_a_queue_that_alarms() {
        for (Function f : functions) {
            if (!triggeredAsynchronously(f)) continue;
            JsonNode onFailure = f.properties().path("EventInvokeConfig").path("DestinationConfig").path("OnFailure");
            assertEquals("SQS", onFailure.path("Type").asText(), f.logicalId() + ": failed events go nowhere");
            String queue = onFailure.path("Destination").path("Fn::GetAtt").path(0).asText();
            assertTrue(alarmed("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue), queue + " has no depth alarm");
        }
        // And every dead-letter queue of a queue.
        resources.properties().forEach(e -> {
            String dlq = e.getValue().path("Properties").path("RedrivePolicy").path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText("");
            if (!dlq.isEmpty()) assertTrue(alarmed("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", dlq), dlq + " has no depth alarm");
        });
    }

    @Test
    void schedules_fire_in_the_policy_zone_and_the_deadline_fires_once() {
        int schedules = 0;
        for (Function f : functions) {
            for (JsonNode e : f.events().values()) {
                if (!"ScheduleV2".equals(e.path("Type").asText())) continue;
                schedules++;
                assertEquals("ScheduleTimezone", e.path("Properties").path("ScheduleExpressionTimezone").path("Ref").asText(), f.logicalId());
            }
        }
        List<String> once = new ArrayList<>();
        for (var it = resources.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!"AWS::Scheduler::Schedule".equals(e.getValue().path("Type").asText())) continue;
            schedules++;
            JsonNode p = e.getValue().path("Properties");
            assertEquals("ScheduleTimezone", p.path("ScheduleExpressionTimezone").path("Ref").asText(), e.getKey());
            if (p.path("ScheduleExpression").path("Fn::Sub").asText().startsWith("at(")) once.add(e.getKey());
        }
        assertTrue(schedules >= 5, "schedules: " + schedules);
        assertEquals(List.of("EnforceDeadlineSchedule"), once, "the one-time deadline schedule");
    }

    @Test
    void no_function_policy_uses_a_wildcard_action_or_resource() {
        for (Function f : functions) {
            for (SamTemplate.Grant g : f.grants()) {
                assertFalse(g.action().contains("*"), f.logicalId() + ": " + g);
                assertFalse(g.resource().equals("*") || g.resource().endsWith(":*"), f.logicalId() + ": " + g);
            }
        }
    }

    @Test
    void credentials_keys_and_the_kill_switch_are_in_place() {
        for (String secret : List.of("MdmCredentialsSecret", "NacCredentialsSecret", "SigningSecret", "WebhookSecret", "PseudonymSecret")) {
            assertEquals("AWS::SecretsManager::Secret", resources.path(secret).path("Type").asText(), secret);
        }
        assertEquals("AWS::SSM::Parameter", resources.path("KillSwitchParameter").path("Type").asText());
        assertEquals("AdminAlertsKey", resources.path("AdminAlertsTopic").path("Properties").path("KmsMasterKeyId").path("Ref").asText(),
                "CloudWatch alarms cannot publish to a topic under the AWS managed SNS key");
    }

    @Test
    void operators_find_every_function_url_and_secret_in_the_outputs() {
        JsonNode outputs = template.root().path("Outputs");
        for (Function f : functions) {
            boolean named = false;
            for (JsonNode o : outputs) if (f.logicalId().equals(o.path("Value").path("Ref").asText())) named = true;
            assertTrue(named, f.logicalId() + " name is not an output");
            if (!f.properties().path("FunctionUrlConfig").isMissingNode()) {
                boolean url = false;
                for (JsonNode o : outputs) if ((f.logicalId() + "Url").equals(o.path("Value").path("Fn::GetAtt").path(0).asText())) url = true;
                assertTrue(url, f.logicalId() + " URL is not an output");
            }
        }
        for (String secret : List.of("MdmCredentialsSecretArn", "NacCredentialsSecretArn", "SigningSecretArn", "WebhookSecretArn", "PseudonymSecretArn")) {
            assertTrue(outputs.has(secret), secret);
        }
    }

    private boolean triggeredAsynchronously(Function f) {
        for (JsonNode e : f.events().values()) {
            if (Set.of("ScheduleV2", "S3", "EventBridgeRule").contains(e.path("Type").asText())) return true;
        }
        for (JsonNode r : resources) {
            if ("AWS::Scheduler::Schedule".equals(r.path("Type").asText())
                    && r.path("Properties").path("Target").path("Arn").path("Ref").asText().startsWith(f.logicalId() + ".")) return true;
        }
        return false;
    }

    private boolean alarmed(String namespace, String metric, String dimension, String logicalId) {
        for (JsonNode r : resources) {
            if (!"AWS::CloudWatch::Alarm".equals(r.path("Type").asText())) continue;
            JsonNode p = r.path("Properties");
            if (!namespace.equals(p.path("Namespace").asText()) || !metric.equals(p.path("MetricName").asText())) continue;
            JsonNode d = p.path("Dimensions").path(0);
            JsonNode value = d.path("Value");
            String target = value.has("Ref") ? value.path("Ref").asText() : value.path("Fn::GetAtt").path(0).asText();
            if (!dimension.equals(d.path("Name").asText()) || !logicalId.equals(target)) continue;
            if ("AdminAlertsTopic".equals(p.path("AlarmActions").path(0).path("Ref").asText())) return true;
        }
        return false;
    }
}
