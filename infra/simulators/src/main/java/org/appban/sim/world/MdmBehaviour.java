package org.appban.sim.world;

import java.time.Instant;

/** What an MDM does to the devices it manages as they check in, and what it stops users from doing. */
public interface MdmBehaviour {
    boolean manages(SimDevice device);

    /** The device checks in at {@code at}: pending commands apply, compliance is evaluated. Runs under the world lock. */
    void onCheckIn(SimDevice device, Instant at, SimWorld world);

    /** Why an install of {@code app} is refused on the device at {@code at}, or null when it is allowed. */
    String refusesInstall(SimDevice device, String app, Instant at);
}
