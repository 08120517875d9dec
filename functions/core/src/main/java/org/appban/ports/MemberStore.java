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
     * Saves many members (a roster import). Adapters whose writes are round trips override this to write them in
     * batches; each member is written whole or not at all, the set as a whole is not atomic (a retry converges).
     */
    default void saveAll(List<Member> members) {
        for (Member m : members) save(m);
    }
}
