package org.appban.input;

/** One thing wrong with an input: where (a JSON path or a line) and what. */
public record InputProblem(String where, String problem) {
    @Override
    public String toString() {
        return where.isEmpty() ? problem : where + ": " + problem;
    }
}
