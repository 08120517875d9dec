package org.appban.domain;

import java.util.Locale;

/** The MDM a device is enrolled in, or none. */
public enum MdmKind {
    INTUNE, JAMF, NONE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MdmKind parse(String text) {
        if (text == null || text.isBlank()) return NONE;
        for (MdmKind k : values()) if (k.wireName().equalsIgnoreCase(text.trim())) return k;
        throw new IllegalArgumentException("unknown mdm '" + text + "' (expected intune, jamf or none)");
    }
}
