package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.appban.policy.file.PolicyLoader;
import org.appban.sim.fleet.FleetLoader;
import org.junit.jupiter.api.Test;

/** Every case of the bad-input corpus is rejected with a clear error, writes nothing, and lets valid rows through. */
class BadInputCorpusTest {
    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("functions")) ? here : here.getParent();
    }

    @Test
    void every_bad_input_is_rejected_clearly_without_partial_writes() throws Exception {
        List<BadInputCorpus.Outcome> outcomes = new BadInputCorpus(repo(), new PolicyLoader().bundled(PolicyLoader.BUNDLED),
                new FleetLoader().resolve(FleetLoader.SAMPLE)).run();
        List<BadInputCorpus.Outcome> failed = outcomes.stream().filter(o -> !o.passed()).toList();
        System.out.println("bad input corpus: " + outcomes.size() + " cases, " + failed.size() + " failed");
        failed.forEach(o -> System.out.println("  FAILED " + o.name() + ": " + o.why()));
        assertTrue(outcomes.size() >= 40, "at least 40 cases");
        assertTrue(failed.isEmpty(), failed.size() + " cases failed: " + failed);
    }
}
