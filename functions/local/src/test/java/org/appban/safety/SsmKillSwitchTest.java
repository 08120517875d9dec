package org.appban.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SsmKillSwitchTest {

    @Test
    void plain_words_work_from_the_console() {
        assertTrue(SsmKillSwitch.parse("on").engaged());
        assertFalse(SsmKillSwitch.parse("off").engaged());
    }

    @Test
    void the_json_form_carries_who_and_why() {
        KillSwitch.State s = SsmKillSwitch.parse("{\"engaged\":true,\"by\":\"ana\",\"reason\":\"MDM outage\"}");
        assertTrue(s.engaged());
        assertEquals("ana", s.by());
        assertEquals("MDM outage", s.reason());
    }

    @Test
    void an_unreadable_value_stops_destructive_actions() {
        assertTrue(SsmKillSwitch.parse("{maybe").engaged());
        assertTrue(SsmKillSwitch.parse("perhaps").engaged());
    }
}
