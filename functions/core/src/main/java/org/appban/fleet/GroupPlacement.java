package org.appban.fleet;

import java.util.Locale;
import org.appban.domain.WireNamed;

/**
 * Where the ban wants one device in the groups appban keeps in its MDM, to which the fleet-wide objects (the
 * uninstall assignment, the reinstall block's and the compliance rule's exclusions) are assigned once. A device's
 * membership is changed one device at a time ({@link FleetEnforcement#place}), so no call has to name the whole fleet.
 */
public enum GroupPlacement implements WireNamed {
    /** A corporate device in scope and not exempt: the uninstall reaches it. */
    TARGET,
    /** An exempt device: excluded from the uninstall, the reinstall block and the compliance rule alike. */
    EXEMPT,
    /** Neither (retired, private and not exempt, a platform the policy names no app for): in no appban group. */
    NONE;

    @Override
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static GroupPlacement parse(String text) {
        for (GroupPlacement p : values()) if (p.wireName().equals(text)) return p;
        throw new IllegalArgumentException("unknown group placement '" + text + "' (expected target, exempt or none)");
    }
}
