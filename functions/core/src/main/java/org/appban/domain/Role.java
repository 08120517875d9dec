package org.appban.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a person on the roster is to the organisation. */
public enum Role {
    MEMBER, STAFF, CONTRACTOR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String text) {
        if (text == null) return Optional.empty();
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.wireName().equals(wanted)).findFirst();
    }
}
