package org.appban.ports;

import java.util.List;
import java.util.Optional;
import org.appban.domain.Member;

/** The roster as stored: members are marked inactive, never deleted. */
public interface MemberStore {
    Optional<Member> find(String id);

    List<Member> all();

    void save(Member member);

    /**
     * The members (active or not) whose address is {@code address}, compared as {@link Member#addressKey}: a
     * bounce's or an MDM's way of naming a member, answered without reading the roster. Adapters override this to
     * read an index; an adapter's index may lag a save by a moment (DynamoDB's global indexes are eventually
     * consistent).
     */
    default List<Member> withAddress(String address) {
        String key = Member.addressKey(address);
        return all().stream().filter(m -> Member.addressKey(m.email()).equals(key)).toList();
    }

    /**
     * Puts every stored member into the address index that is not in it yet (members stored before the index
     * existed) and says how many; 0 when there were none or the adapter keeps no index. Reads the roster whole:
     * the roster import, which reads it whole anyway, runs it.
     */
    default int indexAddresses() {
        return 0;
    }

    /**
     * One page of a part of the roster, for a round that works through it across invocations and workers: the
     * members of part {@code part} of {@code parts} (disjoint, together the whole roster) that come after
     * {@code after} (null: from the start), at most {@code limit}. {@code after} is a position, not an item: a member
     * since removed still marks where the part stands, and the page starts at the next one. {@link Page#last} says
     * whether the part has nothing after this page. Adapters override this to read one page, not the roster.
     */
    default Page page(int part, int parts, String after, int limit) {
        Page.check(part, parts, limit);
        List<Member> in = all().stream()
                .filter(m -> Math.floorMod(m.id().hashCode(), parts) == part)
                .filter(m -> after == null || m.id().compareTo(after) > 0)
                .sorted(java.util.Comparator.comparing(Member::id))
                .toList();
        return new Page(in.subList(0, Math.min(limit, in.size())), in.size() <= limit);
    }

    /** A page of a part of the roster, in the part's order; {@code last}: nothing of the part comes after it. */
    record Page(List<Member> members, boolean last) {
        public Page {
            members = List.copyOf(members);
        }

        public static void check(int part, int parts, int limit) {
            if (parts < 1 || part < 0 || part >= parts) throw new IllegalArgumentException("part " + part + " of " + parts);
            if (limit < 1) throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }

    /**
     * Saves many members (a roster import). Adapters whose writes are round trips override this to write them in
     * batches; each member is written whole or not at all, the set as a whole is not atomic (a retry converges).
     */
    default void saveAll(List<Member> members) {
        for (Member m : members) save(m);
    }
}
