package org.appban.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
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
}
