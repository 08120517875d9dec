package org.appban.access;

import java.util.ArrayList;
import java.util.List;

/** What reading a whole object found wrong: how many records were rejected, and the first few problems word for word. */
public final class TelemetryProblems {
    public static final int KEPT = 20;
    private final List<String> first = new ArrayList<>();
    private int count;

    /** One rejected record (a line, a row, an element) with everything wrong with it. */
    public void add(String... problems) {
        count++;
        for (String p : problems) if (first.size() < KEPT) first.add(p);
    }

    /** Records rejected. */
    public int count() {
        return count;
    }

    public List<String> first() {
        return List.copyOf(first);
    }
}
