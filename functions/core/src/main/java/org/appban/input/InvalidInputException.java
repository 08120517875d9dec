package org.appban.input;

import java.util.List;
import java.util.stream.Collectors;

/** An input was rejected; the message names the source, every field at fault, and what is wrong with it. */
public class InvalidInputException extends RuntimeException {
    private final String source;
    private final List<InputProblem> problems;

    public InvalidInputException(String source, List<InputProblem> problems) {
        super(format(source, problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public InvalidInputException(String source, String where, String problem) {
        this(source, List.of(new InputProblem(where, problem)));
    }

    public String source() {
        return source;
    }

    public List<InputProblem> problems() {
        return problems;
    }

    private static String format(String source, List<InputProblem> problems) {
        String prefix = source == null || source.isEmpty() ? "" : source + ": ";
        if (problems.size() == 1) return prefix + problems.get(0);
        return prefix + problems.size() + " problems:\n" + problems.stream()
                .map(p -> "  - " + p).collect(Collectors.joining("\n"));
    }

    /** The {@code rejected} report a function answers with: every problem, where it is and what is wrong. */
    public java.util.Map<String, Object> rejected() {
        java.util.Map<String, Object> r = new java.util.LinkedHashMap<>();
        r.put("status", "rejected");
        r.put("source", source());
        r.put("error", getMessage());
        List<java.util.Map<String, String>> problems = problems().stream()
                .map((InputProblem p) -> java.util.Map.of("where", p.where(), "problem", p.problem())).toList();
        r.put("problems", problems);
        return r;
    }
}
