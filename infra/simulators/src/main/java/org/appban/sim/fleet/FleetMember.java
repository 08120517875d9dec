package org.appban.sim.fleet;

import java.time.Instant;

/**
 * A person in the scenario.
 *
 * @param role     member, staff or contractor
 * @param leavesAt when the person leaves the organisation (the roster will mark them inactive), or null
 * @param language the language the roster gives for their notices ({@code fr}), or null: the policy's default
 */
public record FleetMember(String id, String name, String email, String role, Instant leavesAt, String language) {
    public FleetMember(String id, String name, String email, String role, Instant leavesAt) {
        this(id, name, email, role, leavesAt, null);
    }
}
