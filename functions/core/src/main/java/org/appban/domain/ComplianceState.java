package org.appban.domain;

import java.util.Locale;

/** The MDM's verdict on a device against the policy's restricted-app rule. */
public enum ComplianceState {
    COMPLIANT, NONCOMPLIANT, IN_GRACE_PERIOD, UNKNOWN, NOT_ENROLLED;

    /** Maps Intune's complianceState values (compliant, noncompliant, inGracePeriod, ...) and our own names. */
    public static ComplianceState parse(String text) {
        if (text == null) return UNKNOWN;
        return switch (text.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")) {
            case "compliant" -> COMPLIANT;
            case "noncompliant" -> NONCOMPLIANT;
            case "ingraceperiod" -> IN_GRACE_PERIOD;
            case "notenrolled" -> NOT_ENROLLED;
            default -> UNKNOWN;
        };
    }
}
