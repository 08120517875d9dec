package org.appban.sim.fleet;

import java.time.Instant;

/**
 * A person in the scenario.
 *
 * @param role     member, staff or contractor
 * @param leavesAt when the person leaves the organisation (the roster will mark them inactive), or null
 */
public record FleetMember(String id, String name, String email, String role, Instant leavesAt) {
}
