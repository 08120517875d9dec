package org.appban.sim.fleet;

import java.time.Instant;
import java.util.Locale;

/**
 * Something a device's owner does at a point in the scenario.
 *
 * @param app the app identifier, for remove-app and install-app; null otherwise
 */
public record FleetEvent(Instant at, String device, Action action, String app) {
    public enum Action {
        REMOVE_APP, INSTALL_APP, ENROLL, UNENROLL;

        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public boolean concernsApp() {
            return this == REMOVE_APP || this == INSTALL_APP;
        }
    }
}
