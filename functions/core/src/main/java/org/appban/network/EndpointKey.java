package org.appban.network;

import org.appban.domain.Device;
import org.appban.domain.MacAddress;

/**
 * What the network knows a device by. Phones randomise their MAC per network, so a NAC that can key on the MDM's
 * device id (or a certificate) should prefer it; one that cannot uses the MAC and says so.
 */
public record EndpointKey(MacAddress macAddress, String mdmId) {
    public enum Kind {
        MAC, MDM_ID
    }

    public static EndpointKey of(Device device) {
        return new EndpointKey(device.macAddress(), device.mdmId());
    }

    public static EndpointKey mac(MacAddress mac) {
        return new EndpointKey(mac, null);
    }
}
