package org.appban.alerts;

import java.util.ArrayList;
import java.util.List;

/** Keeps alerts in order, for tests and the rehearsal's report. */
public final class InMemoryAdminAlerts implements AdminAlerts {
    private final List<AdminAlert> alerts = new ArrayList<>();

    @Override
    public synchronized void alert(AdminAlert alert) {
        alerts.add(alert);
    }

    public synchronized List<AdminAlert> alerts() {
        return List.copyOf(alerts);
    }
}
