package org.appban.digest;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.appban.domain.CampaignTally;

/**
 * The campaign's counters ({@link CampaignTally}) as the digest read them once on a day: what that day's digest
 * counted from, and one bar of the burndown. Kept in the ledger in the details of the day's {@code digest.reading}
 * entry (and of its {@code digest.day}), one detail {@code count.<counter>} per counter, so that the next digest
 * counts what changed as the difference of two readings, and the burndown of fourteen days is fourteen entries read
 * by key, never the chains. Counter names hold kinds and stage ids only: nothing personal enters the ledger.
 *
 * @param day      the policy zone's day of the reading
 * @param at       when the counters were read
 * @param counters by name, as {@link CampaignTally#counters()}
 */
public record DigestReading(LocalDate day, Instant at, Map<String, Long> counters) {
    public static final String COUNT = "count.";

    public DigestReading {
        counters = java.util.Collections.unmodifiableMap(new TreeMap<>(counters));
    }

    public CampaignTally tally() {
        return new CampaignTally(counters, null);
    }

    /** The counters as ledger details ({@code count.<counter>}). */
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        counters.forEach((k, v) -> d.put(COUNT + k, Long.toString(v)));
        return d;
    }

    /**
     * A reading recorded in an entry's details; empty when the entry holds none (a {@code digest.day} written before
     * digests counted from readings). A count that is not a number is refused naming it: a ledger entry is not edited,
     * so one that reads wrong is a fault to see, not to skip.
     */
    public static Optional<DigestReading> of(LocalDate day, Instant at, Map<String, String> details) {
        Map<String, Long> counters = new TreeMap<>();
        boolean any = false;
        for (Map.Entry<String, String> e : details.entrySet()) {
            if (!e.getKey().startsWith(COUNT)) continue;
            any = true;
            try {
                counters.put(e.getKey().substring(COUNT.length()), Long.parseLong(e.getValue()));
            } catch (NumberFormatException bad) {
                throw new IllegalStateException("the digest reading of " + day + " holds " + e.getKey() + "='" + e.getValue() + "', not a count", bad);
            }
        }
        // A reading of a stack that had counted nothing yet still marks itself, so that it is told from an old entry.
        if (!any && !details.containsKey(COUNT + "none")) return Optional.empty();
        counters.remove("none");
        return Optional.of(new DigestReading(day, at, counters));
    }

    /** {@link #details()}, marked as a reading even when nothing was counted yet. */
    public Map<String, String> recorded() {
        Map<String, String> d = details();
        if (d.isEmpty()) d.put(COUNT + "none", "0");
        return d;
    }
}
