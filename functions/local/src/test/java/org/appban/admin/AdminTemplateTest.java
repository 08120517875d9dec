package org.appban.admin;

import org.appban.lambda.admin.AdminHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.Test;

/** What template.yaml must say about the admin function and the resources it uses. */
class AdminTemplateTest {
    private final JsonNode resources = template().path("Resources");

    private static JsonNode template() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(ProjectLayout.template().toFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void the_admin_function_is_manual_only_reached_through_an_iam_authenticated_url() {
        JsonNode f = resources.path("AdminFunction").path("Properties");
        assertEquals(AdminHandler.class.getName() + "::handleRequest", f.path("Handler").asText());
        assertTrue(f.path("Events").isMissingNode(), "no event triggers");
        assertEquals("AWS_IAM", f.path("FunctionUrlConfig").path("AuthType").asText());
        assertEquals("ReportsBucket", f.path("Environment").path("Variables").path("REPORTS_BUCKET").path("Ref").asText());
        assertEquals("KillSwitchParameter", f.path("Environment").path("Variables").path("KILL_SWITCH_PARAMETER").path("Ref").asText());
        assertEquals("functions/target/appban-functions-lambda.jar", f.path("CodeUri").asText());
        assertTrue(resources.path("AdminFunction").path("Metadata").path("SkipBuild").asBoolean());
        assertEquals("LogRetentionDays", resources.path("AdminLogGroup").path("Properties").path("RetentionInDays").path("Ref").asText());
        assertEquals(365, template().path("Parameters").path("LogRetentionDays").path("Default").asInt());
    }

    @Test
    void its_policy_names_every_action_and_resource() {
        for (JsonNode statement : resources.path("AdminFunction").path("Properties").path("Policies").get(0).path("Statement")) {
            assertEquals("Allow", statement.path("Effect").asText());
            for (JsonNode action : statement.path("Action")) assertFalse(action.asText().contains("*"), statement.toString());
            assertFalse(statement.path("Resource").isTextual() && statement.path("Resource").asText().equals("*"), statement.toString());
            assertFalse(statement.path("Action").toString().contains("secretsmanager"), "the admin function signs nothing");
        }
    }

    @Test
    void the_reports_bucket_is_private_encrypted_versioned_and_kept() {
        JsonNode bucket = resources.path("ReportsBucket");
        assertEquals("Retain", bucket.path("DeletionPolicy").asText());
        JsonNode p = bucket.path("Properties");
        p.path("PublicAccessBlockConfiguration").forEach(v -> assertTrue(v.asBoolean()));
        assertEquals(4, p.path("PublicAccessBlockConfiguration").size());
        assertEquals("AES256", p.path("BucketEncryption").path("ServerSideEncryptionConfiguration").get(0)
                .path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText());
        assertEquals("Enabled", p.path("VersioningConfiguration").path("Status").asText());
    }

    @Test
    void the_kill_switch_starts_disengaged_and_the_signing_key_is_generated() {
        String initial = resources.path("KillSwitchParameter").path("Properties").path("Value").asText();
        JsonNode value = readJson(initial);
        assertTrue(value.path("engaged").isBoolean() && !value.path("engaged").booleanValue(), initial);
        JsonNode generate = resources.path("SigningSecret").path("Properties").path("GenerateSecretString");
        assertEquals("key", generate.path("GenerateStringKey").asText());
        assertTrue(generate.path("PasswordLength").asInt() >= 32);
    }

    @Test
    void the_exemption_link_page_is_public_but_reads_only_the_signing_key_and_records_only_requests() {
        JsonNode f = resources.path("ExemptionLinkFunction").path("Properties");
        assertEquals(org.appban.lambda.exemption.ExemptionLinkHandler.class.getName() + "::handleRequest", f.path("Handler").asText());
        assertEquals("NONE", f.path("FunctionUrlConfig").path("AuthType").asText());
        assertEquals("SigningSecret", f.path("Environment").path("Variables").path("SIGNING_SECRET_ARN").path("Ref").asText());
        java.util.Set<String> actions = new java.util.TreeSet<>();
        f.path("Policies").get(0).path("Statement").forEach(st -> st.path("Action").forEach(a -> actions.add(a.asText())));
        assertEquals(new java.util.TreeSet<>(java.util.List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
                "dynamodb:UpdateItem", "secretsmanager:GetSecretValue")), actions, "no Scan, no delete, no SSM, no S3");
        // UpdateItem only for the campaign's counters beside the ledger (a request counted), never an entry.
        f.path("Policies").get(0).path("Statement").forEach(st -> {
            if (st.path("Action").toString().contains("dynamodb:UpdateItem")) {
                assertEquals("[\"tally#*\"]", st.path("Condition").path("ForAllValues:StringLike").path("dynamodb:LeadingKeys").toString(), st.toString());
            }
        });
    }

    private static JsonNode readJson(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
