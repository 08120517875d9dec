package org.appban.ports;

import java.util.List;
import java.util.Optional;
import org.appban.domain.Member;

/** The roster as stored: members are marked inactive, never deleted. */
public interface MemberStore {
    Optional<Member> find(String id);

    List<Member> all();

    void save(Member member);
}
