package org.appban.domain;

import java.util.Locale;

/** Who owns a device decides what the organisation may do to it: manage it, or only keep it off the network. */
public enum Ownership {
    CORPORATE, PRIVATE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Ownership parse(String text) {
        for (Ownership o : values()) if (o.wireName().equalsIgnoreCase(text == null ? "" : text.trim())) return o;
        throw new IllegalArgumentException("unknown ownership '" + text + "' (expected corporate or private)");
    }
}
