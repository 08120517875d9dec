package org.appban.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.appban.wiring.AwsClients;
import org.appban.testing.AwsEmulator;
import org.appban.testing.MotoServer;
import org.appban.testing.ProjectLayout;
import org.appban.testing.TemplateResources;
import org.appban.testing.TemplateTables;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The LocalStack init hook (infra/localstack/init/ready.d/appban-resources.py), run as a script against the
 * integration tests' emulator: it makes what template.yaml declares and records each function's environment, and a
 * second run changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateResourcesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SamTemplate template = SamTemplate.load();
    private AwsEmulator aws;
    private AwsClients clients;
    private TemplateResources stack;
    private String stage;

    @BeforeAll
    void runTheHook() throws Exception {
        aws = AwsEmulator.shared();
        clients = aws.clients();
        stage = "tr" + UUID.randomUUID().toString().substring(0, 6);
        stack = hook();
    }

    private TemplateResources hook() throws Exception {
        return TemplateResources.create(ProjectLayout.root(), MotoServer.python(ProjectLayout.emulatorHome()), aws.endpoint(),
                aws.region().id(), stage, TemplateResources.SimulatorPorts.standalone(), Map.of());
    }

    @Test
    void every_table_is_made_with_the_keys_and_indexes_template_yaml_declares() {
        TemplateTables tables = TemplateTables.load();
        for (String id : tables.logicalIds()) {
            TableDescription made = clients.dynamoDb().describeTable(r -> r.tableName(stack.ref(id))).table();
            var declared = tables.createRequest(id, made.tableName());
            assertEquals(Set.copyOf(declared.keySchema()), Set.copyOf(made.keySchema()), id);
            assertEquals(Set.copyOf(declared.attributeDefinitions()), Set.copyOf(made.attributeDefinitions()), id);
            Set<String> indexes = new TreeSet<>();
            made.globalSecondaryIndexes().forEach(g -> indexes.add(g.indexName() + " " + g.keySchema()));
            Set<String> expected = new TreeSet<>();
            declared.globalSecondaryIndexes().forEach(g -> expected.add(g.indexName() + " " + g.keySchema()));
            assertEquals(expected, indexes, id + " indexes");
        }
    }

    @Test
    void buckets_queues_topic_bus_secrets_and_the_kill_switch_exist() {
        for (String bucket : ofType("AWS::S3::Bucket")) clients.s3().headBucket(r -> r.bucket(stack.ref(bucket)));
        for (String queue : ofType("AWS::SQS::Queue")) {
            Map<QueueAttributeName, String> attributes = clients.sqs().getQueueAttributes(r -> r.queueUrl(stack.ref(queue))
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            JsonNode redrive = template.resources().path(queue).path("Properties").path("RedrivePolicy");
            if (!redrive.isMissingNode()) {
                String dlq = redrive.path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText();
                assertTrue(attributes.get(QueueAttributeName.REDRIVE_POLICY).contains(stack.resource(dlq).path("arn").asText()), queue);
            }
        }
        for (String topic : ofType("AWS::SNS::Topic")) clients.sns().getTopicAttributes(r -> r.topicArn(stack.ref(topic)));
        for (String bus : ofType("AWS::Events::EventBus")) clients.eventBridge().describeEventBus(r -> r.name(stack.ref(bus)));
        for (String secret : ofType("AWS::SecretsManager::Secret")) {
            assertTrue(!clients.secretsManager().getSecretValue(r -> r.secretId(stack.ref(secret))).secretString().isBlank(), secret);
        }
        String killSwitch = clients.ssm().getParameter(r -> r.name(stack.ref("KillSwitchParameter"))).parameter().value();
        assertEquals(template.resources().path("KillSwitchParameter").path("Properties").path("Value").asText(), killSwitch);
    }

    @Test
    void the_mdm_and_nac_secrets_hold_the_simulators_test_credentials() throws Exception {
        JsonNode mdm = JSON.readTree(clients.secretsManager().getSecretValue(r -> r.secretId(stack.ref("MdmCredentialsSecret"))).secretString());
        assertEquals("intune", mdm.path("kind").asText());
        assertEquals("http://127.0.0.1:4601", mdm.path("graphUrl").asText());
        JsonNode nac = JSON.readTree(clients.secretsManager().getSecretValue(r -> r.secretId(stack.ref("NacCredentialsSecret"))).secretString());
        assertEquals("ise", nac.path("kind").asText());
        assertEquals("http://127.0.0.1:4603", nac.path("url").asText());
        JsonNode signing = JSON.readTree(clients.secretsManager().getSecretValue(r -> r.secretId(stack.ref("SigningSecret"))).secretString());
        assertEquals(64, signing.path("key").asText().length(), "generated as GenerateSecretString asks");
    }

    @Test
    void each_function_environment_is_recorded_with_exactly_its_template_variables() throws Exception {
        for (SamTemplate.Function f : template.functions()) {
            assertEquals(f.environment(), new TreeSet<>(stack.environment(f.logicalId()).keySet()), f.logicalId());
            String recorded = clients.ssm().getParameter(r -> r.name("/appban/" + stage + "/env/" + f.logicalId())).parameter().value();
            assertEquals(JSON.valueToTree(stack.environment(f.logicalId())), JSON.readTree(recorded), f.logicalId());
        }
        assertEquals(stack.ref("MembersTable"), stack.environment("RosterImportFunction").get("MEMBERS_TABLE"));
    }

    @Test
    void the_sender_identities_are_there_for_ses() {
        List<String> identities = clients.sesV2().listEmailIdentities(r -> r.pageSize(1000)).emailIdentities().stream()
                .map(i -> i.identityName()).toList();
        assertTrue(identities.contains(template.root().path("Parameters").path("SenderAddress").path("Default").asText()), identities.toString());
    }

    @Test
    void a_second_run_changes_nothing() throws Exception {
        TemplateResources again = hook();
        assertEquals(stack.resources(), again.resources());
        assertEquals(stack.environments().keySet(), again.environments().keySet());
        for (String f : stack.environments().keySet()) {
            assertEquals(stack.environment(f), again.environment(f), f);
        }
    }

    private List<String> ofType(String type) {
        return stack.resources().entrySet().stream().filter(e -> type.equals(e.getValue().path("type").asText())).map(Map.Entry::getKey).toList();
    }
}
