package org.appban.domain;

import java.util.Objects;

/**
 * A person on the roster: a member of the organisation or one of its staff.
 *
 * @param mailBlocked set once SES reports a bounce or complaint for the address: no further mail goes to it
 */
public record Member(String id, String name, String email, Role role, boolean active, boolean mailBlocked) {
    public Member {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(role, "role");
    }

    public static Member active(String id, String name, String email, Role role) {
        return new Member(id, name, email, role, true, false);
    }

    public Member deactivated() {
        return new Member(id, name, email, role, false, mailBlocked);
    }

    public Member withMailBlocked(boolean blocked) {
        return new Member(id, name, email, role, active, blocked);
    }
}
