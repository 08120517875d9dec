package org.appban.access;

import java.util.Map;
import org.appban.alerts.AdminAlert;
import org.appban.alerts.AdminAlerts;

/**
 * Tells the administrators about something this function will not decide alone: a device it cannot identify
 * unambiguously on the network, quarantines held back by the blast-radius cap, a NAC that keeps failing, a
 * quarantine lifted on the NAC behind its back. A minimal port of this package: on AWS both a structured log line
 * ({@link LoggedAccessAlerts}, counted by an alarm) and the administrators' topic ({@link #to}).
 */
@FunctionalInterface
public interface AccessAlerts {
    void alert(String subject, String body, Map<String, String> facts);

    /** The project's administrator alerts (the SNS topic on AWS). */
    static AccessAlerts to(AdminAlerts alerts) {
        return (subject, body, facts) -> alerts.alert(new AdminAlert(subject, body, facts));
    }

    /**
     * Every alert to both, the second even when the first fails, and a failure of either never fails the run:
     * an alert is worth a try, not worth leaving a NAC change half recorded.
     */
    static AccessAlerts both(AccessAlerts first, AccessAlerts second) {
        return (subject, body, facts) -> {
            for (AccessAlerts a : new AccessAlerts[] {first, second}) {
                try {
                    a.alert(subject, body, facts);
                } catch (RuntimeException e) {
                    System.err.println("{\"level\":\"WARN\",\"message\":\"an administrator alert could not be sent\",\"error\":\""
                            + e.getClass().getSimpleName() + "\"}");
                }
            }
        };
    }

    static AccessAlerts none() {
        return (subject, body, facts) -> {
        };
    }
}
