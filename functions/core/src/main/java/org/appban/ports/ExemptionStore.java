package org.appban.ports;

import java.util.List;
import java.util.Optional;
import org.appban.domain.Exemption;

/** Exemptions in every state: they are decisions on record, so none is ever deleted. */
public interface ExemptionStore {
    Optional<Exemption> find(String id);

    List<Exemption> ofMember(String memberId);

    List<Exemption> all();

    /** Stores a new exemption; fails with {@link IllegalStateException} if one with that id exists. */
    void create(Exemption exemption);

    /**
     * Replaces {@code expected} by {@code updated} only if the stored one still equals {@code expected}'s status;
     * returns false when someone else changed it first.
     */
    boolean transition(Exemption expected, Exemption updated);
}
