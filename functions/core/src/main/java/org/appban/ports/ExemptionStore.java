package org.appban.ports;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;

/** Exemptions in every state: they are decisions on record, so none is ever deleted. */
public interface ExemptionStore {
    Optional<Exemption> find(String id);

    List<Exemption> ofMember(String memberId);

    List<Exemption> all();

    /**
     * The requests waiting for an approver's decision ({@link ExemptionStatus#REQUESTED}), in id order: what the
     * administrators' digest lists. Adapters keep them in a sparse index, so the read follows the open requests, not
     * the decisions on record.
     */
    default List<Exemption> awaitingDecision() {
        return all().stream().filter(e -> e.status() == ExemptionStatus.REQUESTED).toList();
    }

    /** Stores a new exemption; fails with {@link IllegalStateException} if one with that id exists. */
    void create(Exemption exemption);

    /**
     * Replaces {@code expected} by {@code updated} only if the stored one still equals {@code expected}'s status;
     * returns false when someone else changed it first.
     */
    boolean transition(Exemption expected, Exemption updated);

    /**
     * The exemptions with a notice to ask for by {@code by}: those whose next notice (as {@link #noticeDueAt} last
     * set it) falls due by then, in that order, at most {@code limit} after the position {@code after} (a
     * {@link Pending#position}; null for the first page). What the daily sweep reads: the exemptions it has work for,
     * never the decisions on record, which only accumulate. A position that cannot be read starts from the first.
     */
    Page noticesDue(Instant by, String after, int limit);

    /**
     * Sets when the exemption's next notice falls due, or clears it ({@code null}: none is left to ask for). The
     * sweep moves it on once it has asked for what was due; {@link #create} and {@link #transition} set it to
     * {@link #firstNoticeDue} of what they store.
     */
    void noticeDueAt(String id, Instant at);

    /** An exemption with a notice to ask for, and its position in the order {@link #noticesDue} reads them. */
    record Pending(Exemption exemption, String position) {
    }

    /** @param last true when no exemption with a notice due comes after this page */
    record Page(List<Pending> pending, boolean last) {
    }

    /** When a stored exemption's first notice falls due: a grant's at its decision; nothing in any other state. */
    static Instant firstNoticeDue(Exemption e) {
        if (e.status() != ExemptionStatus.GRANTED) return null;
        return e.decidedAt() != null ? e.decidedAt() : e.expires();
    }
}
