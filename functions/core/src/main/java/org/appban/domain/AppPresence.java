package org.appban.domain;

/**
 * Whether the banned app is on a device. Private devices are always {@link #UNKNOWN}: the organisation never
 * collects the app list of a private device, it only sees their compliance state and network evidence.
 */
public enum AppPresence {
    PRESENT, ABSENT, UNKNOWN
}
