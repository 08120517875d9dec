package org.appban.alerts;

/**
 * Tells the administrators something they must act on (an address that bounced, a complaint). On AWS an SNS
 * topic they subscribe to ({@link SnsAdminAlerts}); in tests and the rehearsal a list ({@link InMemoryAdminAlerts}).
 */
@FunctionalInterface
public interface AdminAlerts {
    void alert(AdminAlert alert);
}
