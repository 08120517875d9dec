package org.appban.notice;

/** What happens to one of the member's devices, as a notice tells it. Templates turn each into words. */
public enum DeviceFate {
    /** Corporate device with the app: the MDM removes it at the deadline. */
    REMOVED_BY_MDM,
    /**
     * Corporate device with the app that its MDM cannot clean (an unsupervised iPhone, say): the member must remove it
     * themselves; it loses network access at deadline + grace while the inventory still lists it.
     */
    REMOVE_YOURSELF,
    /** Corporate device the inventory has not reported on yet: if the app is there, the MDM removes it at the deadline. */
    CHECK_PENDING,
    /** Private device the MDM reports non-compliant: loses network access at deadline + grace unless the app is removed. */
    LOSES_ACCESS_UNLESS_REMOVED,
    /** Private device whose app list nobody knows (by design): the member is asked to confirm it is clean. */
    CONFIRM_CLEAN,
    /** Nothing to do: corporate without the app, private compliant, or private the member attested clean. */
    CLEAN,
    /** Covered by a granted exemption until its expiry: named as exempt, no removal pressure. */
    EXEMPT;

    public boolean needsAction() {
        return this == LOSES_ACCESS_UNLESS_REMOVED || this == CONFIRM_CLEAN || this == REMOVED_BY_MDM || this == REMOVE_YOURSELF;
    }
}
