package org.appban.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.appban.lambda.Priming;
import org.appban.policy.file.PolicyLoader;
import org.junit.jupiter.api.Test;

/**
 * The composition root is built from the settings its handler hands it, and reads nothing else: no variable of the
 * process's environment (none of these is set in a test run) reaches a function but through the {@link Settings}
 * value, so a root can be built, and a function wired, from any map.
 */
class ProductionTest {
    @Test
    void the_policy_comes_from_the_settings_the_root_was_given_and_is_read_once() {
        Production production = new Production(new Settings(Map.of("POLICY", PolicyLoader.BUNDLED)));
        assertEquals(PolicyLoader.BUNDLED, production.policy().id());
        assertSame(production.policy(), production.policy(), "parsed and checked once per container");
    }

    @Test
    void two_roots_with_different_settings_do_not_share_them() {
        Production bundled = new Production(new Settings(Map.of("POLICY", PolicyLoader.BUNDLED)));
        Production misnamed = new Production(new Settings(Map.of("POLICY", "s3://no-key")));
        IllegalStateException e = assertThrows(IllegalStateException.class, misnamed::policy);
        assertEquals("POLICY 's3://no-key' is not s3://bucket/key", e.getMessage());
        assertEquals(PolicyLoader.BUNDLED, bundled.policy().id());
    }

    @Test
    void a_function_whose_settings_lack_a_variable_is_refused_naming_it_and_template_yaml() {
        Production production = new Production(new Settings(Map.of("POLICY", PolicyLoader.BUNDLED, "AWS_REGION", "ap-southeast-2")));
        IllegalStateException e = assertThrows(IllegalStateException.class, production::rosterImport);
        assertEquals("environment variable MEMBERS_TABLE is not set (see template.yaml)", e.getMessage());
    }

    @Test
    void the_deadline_confirm_is_read_from_the_settings_given() {
        assertEquals(40, new Production(new Settings(Map.of("DEADLINE_CONFIRM", "40"))).deadlineConfirm());
        assertEquals(null, new Production(new Settings(Map.of("DEADLINE_CONFIRM", "0"))).deadlineConfirm());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Production(new Settings(Map.of("DEADLINE_CONFIRM", "forty"))).deadlineConfirm());
        assertTrue(e.getMessage().startsWith("DEADLINE_CONFIRM is 'forty', not a number"), e.getMessage());
    }

    /** The MDM webhook's settings, as template.yaml gives them (names only: nothing here is called). */
    private static final Map<String, String> WEBHOOK = Map.ofEntries(Map.entry("POLICY", PolicyLoader.BUNDLED),
            Map.entry("AWS_REGION", "ap-southeast-2"), Map.entry("DEVICES_TABLE", "devices"), Map.entry("LEDGER_TABLE", "ledger"),
            Map.entry("CLAIMS_TABLE", "claims"), Map.entry("EVIDENCE_TABLE", "evidence"), Map.entry("EXEMPTIONS_TABLE", "exemptions"),
            Map.entry("MEMBERS_TABLE", "members"), Map.entry("RATE_BUDGETS_TABLE", "budgets"), Map.entry("EVENT_BUS_NAME", "bus"),
            Map.entry("ADMIN_TOPIC_ARN", "arn:aws:sns:ap-southeast-2:000000000000:admin"), Map.entry("KILL_SWITCH_PARAMETER", "/kill"),
            Map.entry("WEBHOOK_SECRET_ARN", "arn:webhook"), Map.entry("NAC_SECRET_ARN", "arn:nac"), Map.entry("MDM_SECRET_ARN", "arn:mdm"),
            Map.entry("JAMF_WEBHOOK_SECRET_ARN", "arn:jamf"));

    @Test
    void a_client_left_to_first_use_is_not_built_before_a_snapshot_while_the_others_the_wiring_asks_for_are() {
        int before = Priming.registered().size();
        new Production(new Settings(WEBHOOK)).clientsOnFirstUse("sns").mdmWebhook();
        List<String> primed = Priming.registered().subList(before, Priming.registered().size());
        assertTrue(primed.containsAll(List.of("client secretsmanager", "client ssm", "client eventbridge")), primed.toString());
        assertFalse(primed.contains("client sns"), "alerts only: built by the first alert, " + primed);

        before = Priming.registered().size();
        new Production(new Settings(WEBHOOK)).mdmWebhook();
        assertTrue(Priming.registered().subList(before, Priming.registered().size()).contains("client sns"),
                "a root that leaves nothing to first use builds every client its wiring asks for before the snapshot");
    }
}
