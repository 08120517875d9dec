package org.appban.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.appban.testing.AwsEmulator;
import org.junit.jupiter.api.Test;

class SsmKillSwitchIT {
    @Test
    void a_missing_parameter_is_off_and_setting_it_is_read_back_by_the_next_run() {
        String name = "/" + AwsEmulator.uniquePrefix("appban") + "kill-switch";
        SsmKillSwitch killSwitch = new SsmKillSwitch(AwsEmulator.shared().clients().ssm(), name);
        assertFalse(killSwitch.read().engaged());
        killSwitch.set(true, "admin@example.org", "investigating wrongful quarantines");
        KillSwitch.State s = new SsmKillSwitch(AwsEmulator.shared().clients().ssm(), name).read();
        assertTrue(s.engaged());
        assertEquals("admin@example.org", s.by());
        killSwitch.set(false, "admin@example.org", "resolved");
        assertFalse(killSwitch.read().engaged());
    }
}
