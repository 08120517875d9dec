package org.appban.network;

import java.util.Objects;
import org.appban.domain.MacAddress;

/**
 * One endpoint of the NAC.
 *
 * @param mac        the endpoint's MAC (an endpoint without a readable one is not a registered device: nothing can
 *                   be keyed on it)
 * @param portalUser who registered it through the NAC's device portal (an email address or user name), or null
 *                   when nobody did (corporate devices, profiled printers)
 * @param endpointId the NAC's id of the endpoint
 */
public record RegisteredDevice(MacAddress mac, String portalUser, String endpointId) {
    public RegisteredDevice {
        Objects.requireNonNull(mac, "mac");
    }
}
