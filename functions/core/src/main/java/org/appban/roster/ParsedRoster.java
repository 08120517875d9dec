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
 */
public record ParsedRoster(List<Member> members, List<RejectedRow> rejected, Set<String> rejectedIds) {
}
