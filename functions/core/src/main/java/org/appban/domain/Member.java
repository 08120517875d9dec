package org.appban.domain;

import java.util.Objects;

/**
 * A person on the roster: a member of the organisation or one of its staff.
 *
 * @param mailBlocked set once SES reports a bounce or complaint for the address: no further mail goes to it
 * @param language    the language tag the roster gives for their notices ({@code fr}, {@code mi}), or null: the
 *                    policy's default language (as is a language the policy ships no template set for)
 */
public record Member(String id, String name, String email, Role role, boolean active, boolean mailBlocked, String language) {
    public Member {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(role, "role");
    }

    /** A member the roster gives no language: the policy's default. */
    public Member(String id, String name, String email, Role role, boolean active, boolean mailBlocked) {
        this(id, name, email, role, active, mailBlocked, null);
    }

    /**
     * The form in which an address names a member when something outside the roster names one (a bounce, an MDM's
     * user): trimmed, lower case. Mail systems treat addresses without regard to case, and so do the lookups.
     */
    public static String addressKey(String address) {
        return address.strip().toLowerCase(java.util.Locale.ROOT);
    }

    public static Member active(String id, String name, String email, Role role) {
        return new Member(id, name, email, role, true, false);
    }

    public Member deactivated() {
        return new Member(id, name, email, role, false, mailBlocked, language);
    }

    /** The same person under {@code id} (a roster row naming a stored member in another letter case). */
    public Member withId(String id) {
        return new Member(id, name, email, role, active, mailBlocked, language);
    }

    public Member withMailBlocked(boolean blocked) {
        return new Member(id, name, email, role, active, blocked, language);
    }

    public Member withLanguage(String language) {
        return new Member(id, name, email, role, active, mailBlocked, language);
    }
}
