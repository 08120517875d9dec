package org.appban.inventory;

import java.util.List;

/** Where inventory sync announces device changes (EventBridge on AWS; a list the rehearsal reads). */
public interface DeviceEvents {
    void publish(List<DeviceStatusChanged> changes);
}
