package org.appban.roster;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.domain.Member;

/**
 * A roster file after validation.
 *
 * @param members      the valid rows, in file order
 * @param rejected     the rows that were not, with line numbers and reasons
 * @param rejectedIds  ids seen on rejected rows: those members are left as they are rather than deactivated
 *                     because their row had a typo
 * @param warnings     rows imported with a field left out, and why (an unknown language: the member gets the
 *                     policy's default)
 * @param lines        the line of each valid row, by member id (for what the import finds out about a row later)
 */
public record ParsedRoster(List<Member> members, List<RejectedRow> rejected, Set<String> rejectedIds, List<RejectedRow> warnings,
                           Map<String, Integer> lines) {
    public ParsedRoster {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        lines = lines == null ? Map.of() : Map.copyOf(lines);
    }

    public ParsedRoster(List<Member> members, List<RejectedRow> rejected, Set<String> rejectedIds) {
        this(members, rejected, rejectedIds, List.of(), Map.of());
    }

    /** The line of the valid row of {@code id}, or 0 when unknown. */
    public int lineOf(String id) {
        return lines.getOrDefault(id, 0);
    }
}
