package org.appban.sim.world;

import java.time.Instant;

/** What an MDM does to the devices it manages as they check in, and what it stops users from doing. */
public interface MdmBehaviour {
    boolean manages(SimDevice device);

    /** The device checks in at {@code at}: pending commands apply, compliance is evaluated. Runs under the world lock. */
    void onCheckIn(SimDevice device, Instant at, SimWorld world);

    /** Why an install of {@code app} is refused on the device at {@code at}, or null when it is allowed. */
    String refusesInstall(SimDevice device, String app, Instant at);

    /** The check-in at {@code at} is complete: the MDM holds the device's new inventory. Runs under the world lock. */
    default void afterCheckIn(SimDevice device, Instant at, SimWorld world) {
    }

    /** The device enrolled ({@code true}) or unenrolled at {@code at}. Runs under the world lock. */
    default void onEnrollment(SimDevice device, boolean enrolled, Instant at, SimWorld world) {
    }
}
