package org.appban.store.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.appban.domain.Member;
import org.appban.ports.MemberStore;

/** Embedded adapter for the rehearsal and unit tests. */
public final class InMemoryMemberStore implements MemberStore {
    private final Map<String, Member> members = new ConcurrentHashMap<>();

    @Override
    public Optional<Member> find(String id) {
        return Optional.ofNullable(members.get(id));
    }

    @Override
    public List<Member> all() {
        List<Member> list = new ArrayList<>(members.values());
        list.sort(Comparator.comparing(Member::id));
        return list;
    }

    @Override
    public void save(Member member) {
        members.put(member.id(), member);
    }
}
