package org.appban.domain;

import java.util.Locale;

/** Operating system family of a device, as the ban policy names app identifiers per platform. */
public enum Platform {
    IOS, ANDROID, WINDOWS, MACOS, OTHER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String displayName() {
        return switch (this) {
            case IOS -> "iOS";
            case ANDROID -> "Android";
            case WINDOWS -> "Windows";
            case MACOS -> "macOS";
            case OTHER -> "other";
        };
    }

    public static Platform parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Platform p : values()) if (p.wireName().equals(t)) return p;
        throw new IllegalArgumentException("unknown platform '" + text + "' (expected one of ios, android, windows, macos, other)");
    }
}
