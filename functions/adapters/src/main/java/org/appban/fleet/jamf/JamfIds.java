package org.appban.fleet.jamf;

import java.util.Optional;

/**
 * How appban names a Jamf Pro device in its store. Jamf Pro numbers its mobile devices and its computers in two
 * separate series (mobile device 7 and computer 7 are different devices, and a webhook's {@code jssID} is one or the
 * other by its event), so a mobile device keeps its bare id ({@code 7}, as stored before computers were inventoried)
 * and a computer is {@code computer-7}. A computer id must never reach a mobile device resource: it would name
 * whichever iPhone has that number.
 */
public final class JamfIds {
    private static final String COMPUTER = "computer-";

    private JamfIds() {
    }

    /** The mdm id of Jamf Pro computer {@code jssId}. */
    public static String computer(String jssId) {
        return COMPUTER + jssId;
    }

    /** Jamf's computer id, when {@code mdmId} names a computer. */
    public static Optional<String> computerId(String mdmId) {
        return mdmId != null && mdmId.startsWith(COMPUTER) ? Optional.of(mdmId.substring(COMPUTER.length())) : Optional.empty();
    }

    public static boolean isComputer(String mdmId) {
        return computerId(mdmId).isPresent();
    }
}
