package org.appban.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SsmKillSwitchTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void plain_words_work_from_the_console() {
        assertTrue(SsmKillSwitch.parse("on", mapper).engaged());
        assertFalse(SsmKillSwitch.parse("off", mapper).engaged());
    }

    @Test
    void the_json_form_carries_who_and_why() {
        KillSwitch.State s = SsmKillSwitch.parse("{\"engaged\":true,\"by\":\"ana\",\"reason\":\"MDM outage\"}", mapper);
        assertTrue(s.engaged());
        assertEquals("ana", s.by());
        assertEquals("MDM outage", s.reason());
    }

    @Test
    void an_unreadable_value_stops_destructive_actions() {
        assertTrue(SsmKillSwitch.parse("{maybe", mapper).engaged());
        assertTrue(SsmKillSwitch.parse("perhaps", mapper).engaged());
    }
}
