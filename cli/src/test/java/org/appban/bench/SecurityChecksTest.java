package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.sim.fleet.FleetLoader;
import org.junit.jupiter.api.Test;

/** A full rehearsal over a hostile fleet leaks no secret, lets no header in, and escapes every HTML output. */
class SecurityChecksTest {
    @Test
    void a_full_rehearsal_leaks_no_secret_and_escapes_hostile_names() throws Exception {
        BanPolicy policy = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
        Path out = Files.createTempDirectory("appban-security");
        SecurityChecks.Result r = SecurityChecks.run(policy, new FleetLoader().resolve(FleetLoader.SAMPLE), out,
                policy.deadlineInZone().plusDays(14).toInstant());
        System.out.println("security: " + r);
        assertTrue(r.linesScanned() > 1000, "the rehearsal wrote its logs");
        assertEquals(List.of(), r.secretLeaks());
        assertTrue(r.emails() > 0);
        assertEquals(List.of(), r.headerProblems());
        assertTrue(r.htmlFiles() > 0);
        assertEquals(List.of(), r.unescaped());
    }
}
