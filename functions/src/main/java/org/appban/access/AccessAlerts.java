package org.appban.access;

import java.util.Map;

/**
 * Tells the administrators about something this function will not decide alone: a device it cannot identify
 * unambiguously on the network, a quarantine capped by the blast radius or stopped by the kill switch, a quarantine
 * lifted on the NAC behind its back. A minimal port of this package: the lead may adapt it to the project's
 * administrator alerts; until then {@link LoggedAccessAlerts} writes one structured line to the function's log.
 *
 * @see LoggedAccessAlerts
 */
@FunctionalInterface
public interface AccessAlerts {
    void alert(String subject, String body, Map<String, String> facts);

    static AccessAlerts none() {
        return (subject, body, facts) -> {
        };
    }
}
