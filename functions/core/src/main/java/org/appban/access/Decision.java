package org.appban.access;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the access rules decided for one device, the standing it rests on, and the evidence: the deciding piece
 * first, then every other piece considered.
 */
public record Decision(String device, Action action, Standing standing, List<Evidence> evidence, String reason) {
    public enum Action {
        /** Cut the device's network access (NAC quarantine), tell its owner. */
        QUARANTINE,
        /** Lift this function's quarantine, tell the owner. */
        RELEASE,
        /** Quarantined by this function and still not compliant: nothing to do. */
        KEEP_QUARANTINED,
        /** Not quarantined and nothing against it (or exempt): nothing to do. */
        LEAVE,
        /** Something speaks against the device, but the grace period after the deadline has not ended. */
        WAIT_FOR_GRACE,
        /** It would be quarantined, but it cannot be told apart on the network: reported, never acted on. */
        REPORT_IDENTITY,
        /** Not a device this function acts on (retired from its MDM). */
        NOT_IN_SCOPE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** True when carrying it out changes the network. */
        public boolean changesNetwork() {
            return this == QUARANTINE || this == RELEASE;
        }
    }

    public enum Standing {
        /** The latest evidence says the app is there. */
        CARRIES_APP,
        /** The latest evidence says the app is gone (MDM compliant, or attested with nothing newer against it). */
        CLEAN,
        /** Nothing is known either way and the member has not attested. */
        UNCONFIRMED,
        /** Covered by a granted exemption. */
        EXEMPT;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public Decision {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(standing, "standing");
        evidence = List.copyOf(evidence);
    }

    /** The evidence that decided, or null when the decision rests on none (out of scope). */
    public Evidence deciding() {
        return evidence.isEmpty() ? null : evidence.get(0);
    }
}
