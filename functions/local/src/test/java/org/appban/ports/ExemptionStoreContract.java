package org.appban.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.testing.Concurrently;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ExemptionStore} does. Subclasses supply an empty store per test. */
public abstract class ExemptionStoreContract {
    private static final Instant REQUESTED = Instant.parse("2023-03-21T01:00:00Z");
    private static final Instant DECIDED = Instant.parse("2023-03-22T02:30:00.5Z");
    private static final Instant EXPIRES = Instant.parse("2023-06-30T12:00:00Z");

    private ExemptionStore store;

    /** A new, empty store; called before each test. */
    protected abstract ExemptionStore newStore();

    @BeforeEach
    void freshStore() {
        store = newStore();
    }

    static Exemption requested(String id, String member) {
        return new Exemption(id, member, null, "needs the app to respond to constituents", ExemptionStatus.REQUESTED,
                "staff-7", REQUESTED, null, null, null, null, null);
    }

    static Exemption granted(Exemption e, String approver) {
        return new Exemption(e.id(), e.member(), e.device(), e.reason(), ExemptionStatus.GRANTED, e.requestedBy(),
                e.requestedAt(), approver, DECIDED, EXPIRES, null, null);
    }

    @Test
    void a_created_exemption_is_found_with_every_field() {
        Exemption e = new Exemption("x-1", "m-1", "d-1", "media liaison", ExemptionStatus.GRANTED, "staff-7", REQUESTED,
                "approver-1", DECIDED, EXPIRES, "approver-2", Instant.parse("2023-04-01T00:00:00Z"));
        store.create(e);
        assertEquals(Optional.of(e), store.find("x-1"));
    }

    @Test
    void a_request_with_nothing_decided_reads_back_with_those_fields_empty() {
        Exemption e = requested("x-1", "m-1");
        store.create(e);
        assertEquals(Optional.of(e), store.find("x-1"));
    }

    @Test
    void creating_an_existing_exemption_fails_and_keeps_the_first() {
        Exemption first = requested("x-1", "m-1");
        store.create(first);
        assertThrows(IllegalStateException.class, () -> store.create(granted(first, "approver-1")));
        assertEquals(Optional.of(first), store.find("x-1"));
    }

    @Test
    void a_transition_applies_when_the_stored_status_is_the_one_expected() {
        Exemption request = requested("x-1", "m-1");
        store.create(request);
        assertTrue(store.transition(request, granted(request, "approver-1")));
        assertEquals(Optional.of(granted(request, "approver-1")), store.find("x-1"));
    }

    @Test
    void a_transition_is_refused_when_someone_changed_the_status_first() {
        Exemption request = requested("x-1", "m-1");
        store.create(request);
        assertTrue(store.transition(request, granted(request, "approver-1")));
        assertFalse(store.transition(request, granted(request, "approver-2")));
        assertEquals("approver-1", store.find("x-1").orElseThrow().decidedBy());
    }

    @Test
    void a_transition_of_an_unknown_exemption_is_refused_and_creates_nothing() {
        Exemption request = requested("x-1", "m-1");
        assertFalse(store.transition(request, granted(request, "approver-1")));
        assertEquals(Optional.empty(), store.find("x-1"));
    }

    @Test
    void of_eight_approvers_deciding_at_once_exactly_one_succeeds() {
        Exemption request = requested("x-1", "m-1");
        store.create(request);
        List<Boolean> applied = Concurrently.run(8, i -> store.transition(request, granted(request, "approver-" + i)));
        assertEquals(1, applied.stream().filter(b -> b).count(), "transitions applied: " + applied);
        String winner = "approver-" + applied.indexOf(true);
        assertEquals(winner, store.find("x-1").orElseThrow().decidedBy());
    }

    @Test
    void a_members_exemptions_are_theirs_only_in_id_order() {
        store.create(requested("x-3", "m-1"));
        store.create(requested("x-1", "m-1"));
        store.create(requested("x-2", "m-2"));
        assertEquals(List.of("x-1", "x-3"), store.ofMember("m-1").stream().map(Exemption::id).toList());
        assertTrue(store.ofMember("m-9").isEmpty());
    }

    @Test
    void all_lists_every_exemption_in_every_state_in_id_order() {
        Exemption b = requested("x-b", "m-1");
        store.create(b);
        store.create(requested("x-a", "m-2"));
        store.transition(b, granted(b, "approver-1"));
        assertEquals(List.of("x-a", "x-b"), store.all().stream().map(Exemption::id).toList());
        assertEquals(ExemptionStatus.GRANTED, store.all().get(1).status());
    }

    @Test
    void a_grant_is_due_at_its_decision_in_order_of_when_and_a_page_resumes_after_its_last_position() {
        store.create(requested("x-req", "m-1"));
        store.create(granted(requested("x-b", "m-1"), "approver-1"));
        store.create(granted(requested("x-a", "m-2"), "approver-1"));
        Exemption later = granted(requested("x-c", "m-3"), "approver-1");
        store.create(later);
        store.noticeDueAt("x-c", EXPIRES);
        assertEquals(List.of(), store.noticesDue(DECIDED.minusSeconds(1), null, 10).pending(), "nothing is due before the grants");
        ExemptionStore.Page first = store.noticesDue(EXPIRES, null, 2);
        assertEquals(List.of("x-a", "x-b"), first.pending().stream().map(p -> p.exemption().id()).toList(), "by when, then by id; never the request");
        assertEquals(granted(requested("x-a", "m-2"), "approver-1"), first.pending().get(0).exemption());
        ExemptionStore.Page rest = store.noticesDue(EXPIRES, first.pending().get(1).position(), 2);
        assertEquals(List.of("x-c"), rest.pending().stream().map(p -> p.exemption().id()).toList());
        assertTrue(rest.last());
        assertEquals(List.of("x-a", "x-b"), store.noticesDue(EXPIRES.minusSeconds(1), null, 10).pending().stream().map(p -> p.exemption().id()).toList());
    }

    @Test
    void a_cleared_or_revoked_exemption_is_no_longer_due_and_an_unreadable_position_reads_from_the_first() {
        Exemption a = granted(requested("x-a", "m-1"), "approver-1");
        Exemption b = granted(requested("x-b", "m-1"), "approver-1");
        store.create(a);
        store.create(b);
        store.noticeDueAt("x-a", null);
        Exemption revoked = new Exemption(b.id(), b.member(), b.device(), b.reason(), ExemptionStatus.REVOKED, b.requestedBy(), b.requestedAt(),
                b.decidedBy(), b.decidedAt(), b.expires(), "approver-2", EXPIRES.minusSeconds(60));
        assertTrue(store.transition(b, revoked));
        assertEquals(List.of(), store.noticesDue(EXPIRES, null, 10).pending());
        store.noticeDueAt("x-a", DECIDED);
        store.noticeDueAt("x-none", DECIDED);
        assertEquals(Optional.empty(), store.find("x-none"), "scheduling an exemption that does not exist creates nothing");
        assertEquals(List.of("x-a"), store.noticesDue(EXPIRES, "not a position", 10).pending().stream().map(p -> p.exemption().id()).toList());
    }
}
