package org.appban.notice;

/** Where a member stands against the ban, which decides the notices they get. */
public enum MemberStanding {
    /** A device not covered by an exemption carries the app: personal notices listing the devices. */
    ACTION_NEEDED,
    /** No device known to carry the app, but private devices nobody can check: asked to confirm they are clean. */
    CONFIRM_NEEDED,
    /** No device known at all: the announcement asks them to confirm any private device is clean; no reminders. */
    NO_KNOWN_DEVICE,
    /** Complied (corporate without the app, private compliant or attested) or everything left is exempt: no reminders. */
    NOTHING_TO_DO;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
