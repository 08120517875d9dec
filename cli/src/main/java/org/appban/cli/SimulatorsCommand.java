package org.appban.cli;

import java.util.List;
import org.appban.sim.Simulators;

/** {@code ./appban simulators}: the MDM and NAC simulators, standalone, until stopped. */
final class SimulatorsCommand {
    int run(List<String> argv) {
        try {
            Simulators.main(argv.toArray(String[]::new));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

}
