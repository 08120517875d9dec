package org.appban.access;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One run of the network-access function: which devices it looks at, which way it may act, and whether for real.
 *
 * @param trigger what started it (for the report and the ledger): schedule, device-status-changed, telemetry,
 *                webhook, member-attested, manual
 * @param ids     device ids (scope DEVICES) or member ids (scope MEMBERS); empty for the whole fleet
 * @param confirm an administrator's explicit confirmation for this many quarantines over the blast-radius cap, or null
 */
public record AccessRequest(String trigger, Scope scope, List<String> ids, Mode mode, boolean dryRun, Integer confirm) {
    public enum Scope {
        FLEET, DEVICES, MEMBERS
    }

    /** Which of the rules' actions a run may carry out. */
    public enum Mode {
        /** Quarantine and release, as the rules say. */
        RECONCILE,
        /** Only the rules' quarantines (e.g. to act at once on new evidence). */
        QUARANTINE,
        /** Only the rules' releases (e.g. to restore at once after an exemption). */
        RELEASE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String text) {
            for (Mode m : values()) if (m.wireName().equals(text)) return m;
            throw new IllegalArgumentException("expected reconcile, quarantine or release");
        }

        boolean allows(Decision.Action action) {
            return switch (this) {
                case RECONCILE -> true;
                case QUARANTINE -> action != Decision.Action.RELEASE;
                case RELEASE -> action != Decision.Action.QUARANTINE;
            };
        }
    }

    public AccessRequest {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(mode, "mode");
        ids = List.copyOf(ids);
    }

    /** The daily run over the whole fleet. */
    public static AccessRequest schedule() {
        return new AccessRequest("schedule", Scope.FLEET, List.of(), Mode.RECONCILE, false, null);
    }

    public static AccessRequest devices(String trigger, Collection<String> deviceIds) {
        return new AccessRequest(trigger, Scope.DEVICES, List.copyOf(deviceIds), Mode.RECONCILE, false, null);
    }

    public static AccessRequest members(String trigger, Collection<String> memberIds) {
        return new AccessRequest(trigger, Scope.MEMBERS, List.copyOf(memberIds), Mode.RECONCILE, false, null);
    }
}
