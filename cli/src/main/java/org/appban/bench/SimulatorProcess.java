package org.appban.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulators in a process of their own, so that a benchmark's heap and CPU figures are the client's alone and
 * not the simulated fleet's.
 */
final class SimulatorProcess implements AutoCloseable {
    private final Process process;
    private final Map<String, URI> bases = new HashMap<>();

    SimulatorProcess(Path fleet, double budgetScale) {
        this(fleet, budgetScale, 0);
    }

    SimulatorProcess(Path fleet, double budgetScale, int latencyMs) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx4g", "-cp", System.getProperty("java.class.path"),
                "org.appban.sim.Simulators", "--fleet", fleet.toString(), "--budget-scale", Double.toString(budgetScale), "--latency-ms", Integer.toString(latencyMs)));
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while (bases.size() < 3 && (line = lines.readLine()) != null) {
                for (String name : List.of("intune", "jamf", "ise")) {
                    if (line.startsWith(name + ":")) bases.put(name, URI.create(line.substring(name.length() + 1).trim().split("\\s+")[0]));
                }
            }
            if (bases.size() < 3) throw new IllegalStateException("the simulators did not start (see their output above)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI base(String name) {
        return bases.get(name);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
