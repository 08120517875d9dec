package org.appban.domain;

import java.util.Locale;
import java.util.Objects;

/**
 * Who or what caused a decision: a schedule, an event, or a named administrator.
 *
 * @param id the schedule name, the event id, or the administrator's identity from the invocation context
 */
public record Actor(Kind kind, String id) {
    public enum Kind {
        SCHEDULE, EVENT, ADMINISTRATOR, SYSTEM;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String text) {
            return Kind.valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
    }

    public Actor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static Actor schedule(String name) {
        return new Actor(Kind.SCHEDULE, name);
    }

    public static Actor event(String id) {
        return new Actor(Kind.EVENT, id);
    }

    public static Actor administrator(String identity) {
        return new Actor(Kind.ADMINISTRATOR, identity);
    }

    @Override
    public String toString() {
        return kind.wireName() + ":" + id;
    }
}
