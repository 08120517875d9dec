package org.appban.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.appban.deploy.SamTemplate.Grant;
import org.junit.jupiter.api.Test;

/** How the contract tests read policy resources out of template.yaml. */
class SamTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SamTemplate template = SamTemplate.load();

    private String canonical(String resource) throws Exception {
        return template.canonical(JSON.readTree(resource));
    }

    @Test
    void resources_are_named_by_logical_id_whatever_intrinsic_spells_them() throws Exception {
        assertEquals("MembersTable", canonical("{\"Fn::GetAtt\": [\"MembersTable\", \"Arn\"]}"));
        assertEquals("SigningSecret", canonical("{\"Ref\": \"SigningSecret\"}"));
        assertEquals("parameter:PolicyObjectArn", canonical("{\"Ref\": \"PolicyObjectArn\"}"));
        assertEquals("DevicesTable/index/byOwner", canonical("{\"Fn::Sub\": \"${DevicesTable.Arn}/index/byOwner\"}"));
        assertEquals("ReportsBucket/*", canonical("{\"Fn::Sub\": \"${ReportsBucket.Arn}/*\"}"));
        assertEquals("KillSwitchParameter",
                canonical("{\"Fn::Sub\": \"arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${KillSwitchParameter}\"}"));
        assertEquals("NoticesConfigurationSet",
                canonical("{\"Fn::Sub\": \"arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${NoticesConfigurationSet}\"}"));
        assertEquals("ses-identity/SenderIdentity",
                canonical("{\"Fn::Sub\": \"arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderIdentity}\"}"));
    }

    @Test
    void a_resource_spelled_out_by_its_declared_name_is_that_resource() throws Exception {
        assertEquals("RosterBucket/*",
                canonical("{\"Fn::Sub\": \"arn:${AWS::Partition}:s3:::appban-${Stage}-roster-${AWS::AccountId}-${AWS::Region}/*\"}"));
        assertEquals("KillSwitchParameter",
                canonical("{\"Fn::Sub\": \"arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/appban/${Stage}/kill-switch\"}"));
    }

    @Test
    void statements_under_a_false_condition_grant_nothing() {
        Set<Grant> grants = template.function("NotifyMembersFunction").grants();
        assertFalse(template.condition("PolicyInS3"));
        assertTrue(grants.stream().noneMatch(g -> g.resource().contains("PolicyObjectArn")), grants.toString());
        assertTrue(grants.contains(new Grant("ses:SendEmail", "NoticesConfigurationSet")), grants.toString());
    }

    @Test
    void events_folders_are_named_after_the_functions() {
        assertEquals("roster-import", TemplateContractIT.eventsDir("RosterImportFunction"));
        assertEquals("admin", TemplateContractIT.eventsDir("AdminFunction"));
        assertEquals("enforce-removal", TemplateContractIT.eventsDir("EnforceRemovalFunction"));
    }

}
