package org.appban.sim.fleet;

import java.util.List;
import java.util.stream.Collectors;

/** A fleet file was rejected; the message names the file, each field path at fault and what is wrong. */
public class InvalidFleetException extends RuntimeException {
    private final List<String> problems;

    public InvalidFleetException(String source, List<String> problems) {
        super(source + ": " + (problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems:\n" + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"))));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
