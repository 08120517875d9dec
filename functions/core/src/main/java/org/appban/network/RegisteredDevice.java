package org.appban.network;

import java.util.Locale;

/**
 * One endpoint of the NAC.
 *
 * @param mac        upper case, colon separated
 * @param portalUser who registered it through the NAC's device portal (an email address or user name), or null
 *                   when nobody did (corporate devices, profiled printers)
 * @param endpointId the NAC's id of the endpoint
 */
public record RegisteredDevice(String mac, String portalUser, String endpointId) {
    /** MAC in the one form the system compares: twelve lower-case hex digits, no separators. */
    public static String normalisedMac(String mac) {
        if (mac == null) return null;
        String hex = mac.trim().toLowerCase(Locale.ROOT).replaceAll("[^0-9a-f]", "");
        return hex.isEmpty() ? null : hex;
    }
}
