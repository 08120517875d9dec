package org.appban.roster;

import java.util.List;
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
 */
public record ParsedRoster(List<Member> members, List<RejectedRow> rejected, Set<String> rejectedIds, List<RejectedRow> warnings) {
    public ParsedRoster {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public ParsedRoster(List<Member> members, List<RejectedRow> rejected, Set<String> rejectedIds) {
        this(members, rejected, rejectedIds, List.of());
    }
}
