package org.appban.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link MemberStore} does. Subclasses supply an empty store per test. */
public abstract class MemberStoreContract {
    private MemberStore store;

    /** A new, empty store; called before each test. */
    protected abstract MemberStore newStore();

    @BeforeEach
    void freshStore() {
        store = newStore();
    }

    @Test
    void a_saved_member_is_found_by_id_with_every_field() {
        Member member = new Member("m-1", "Aroha Ngata", "aroha.ngata@example.org", Role.STAFF, false, true);
        store.save(member);
        assertEquals(Optional.of(member), store.find("m-1"));
    }

    @Test
    void an_unknown_id_finds_nothing() {
        assertEquals(Optional.empty(), store.find("nobody"));
    }

    @Test
    void saving_a_member_again_replaces_it() {
        Member member = Member.active("m-1", "Aroha Ngata", "aroha.ngata@example.org", Role.MEMBER);
        store.save(member);
        store.save(member.deactivated().withMailBlocked(true));
        assertEquals(Optional.of(member.deactivated().withMailBlocked(true)), store.find("m-1"));
        assertEquals(1, store.all().size());
    }

    @Test
    void all_lists_every_member_once_in_id_order() {
        for (String id : List.of("m-3", "m-1", "m-2")) store.save(Member.active(id, "Name " + id, id + "@example.org", Role.CONTRACTOR));
        assertEquals(List.of("m-1", "m-2", "m-3"), store.all().stream().map(Member::id).toList());
    }

    @Test
    void members_are_found_by_address_whatever_its_case_and_spacing_inactive_ones_too() {
        store.save(Member.active("m-1", "Aroha Ngata", "Aroha.Ngata@Example.org", Role.MEMBER));
        store.save(Member.active("m-2", "Shared Box", "aroha.ngata@example.org", Role.STAFF).deactivated());
        store.save(Member.active("m-3", "Someone Else", "someone@example.org", Role.STAFF));
        assertEquals(List.of("m-1", "m-2"), store.withAddress(" AROHA.NGATA@example.ORG ").stream().map(Member::id).toList());
        assertEquals(List.of(), store.withAddress("nobody@example.org"));
    }

    @Test
    void a_changed_address_finds_the_member_only_by_the_new_one() {
        Member member = Member.active("m-1", "Aroha Ngata", "old@example.org", Role.MEMBER);
        store.save(member);
        store.save(new Member("m-1", "Aroha Ngata", "new@example.org", Role.MEMBER, true, false));
        assertEquals(List.of(), store.withAddress("old@example.org"));
        assertEquals(List.of("m-1"), store.withAddress("new@example.org").stream().map(Member::id).toList());
    }

    @Test
    void an_empty_roster_lists_nothing() {
        assertTrue(store.all().isEmpty());
    }
}
