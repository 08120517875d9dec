package org.appban.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.appban.sim.Simulators;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./appban simulators}: the MDM and NAC simulators, standalone, until stopped. The options are checked here
 * (each typed, for a one-line error) and handed on to the simulators' own entry point, which other processes (the
 * benches' simulator processes) start too.
 */
@Command(name = "simulators", description = "Serves the Intune, Jamf Pro and Cisco ISE simulators on loopback until stopped "
        + "(Ctrl-C).")
final class SimulatorsCommand implements Callable<Integer> {
    @Option(names = "--fleet", paramLabel = "FILE|NAME", description = "the simulated fleet: a file, or a bundled fleet's name "
            + "(default: the sample fleet)")
    private String fleet;
    @Option(names = "--start", paramLabel = "INSTANT", description = "the simulated clock's start, e.g. 2023-03-16T09:00:00Z "
            + "(default: the fleet's, else now)")
    private Instant start;
    @Option(names = "--budget-scale", paramLabel = "F", description = "multiplies the simulated services' request budgets "
            + "(default: 1)")
    private Double budgetScale;
    @Option(names = "--latency-ms", paramLabel = "N", description = "added to every answer, in milliseconds (default: 0)")
    private Long latencyMs;
    @Option(names = "--seed", paramLabel = "N", description = "the seed of the simulators' random choices")
    private Long seed;
    @Option(names = "--ports", paramLabel = "INTUNE,JAMF,ISE", split = ",", description = "fixed ports, in that order (default: free ones)")
    private List<Integer> ports;

    @Override
    public Integer call() {
        if (ports != null && ports.size() != 3) {
            throw new org.appban.cli.support.UsageException("--ports takes three ports: INTUNE,JAMF,ISE");
        }
        List<String> argv = new ArrayList<>();
        if (fleet != null) argv.addAll(List.of("--fleet", fleet));
        if (start != null) argv.addAll(List.of("--start", start.toString()));
        if (budgetScale != null) argv.addAll(List.of("--budget-scale", budgetScale.toString()));
        if (latencyMs != null) argv.addAll(List.of("--latency-ms", latencyMs.toString()));
        if (seed != null) argv.addAll(List.of("--seed", seed.toString()));
        if (ports != null) argv.addAll(List.of("--ports", String.join(",", ports.stream().map(String::valueOf).toList())));
        try {
            Simulators.main(argv.toArray(String[]::new));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
