package org.appban.inventory;

import java.util.List;
import java.util.Map;

/**
 * What one inventory sync saw and did.
 *
 * @param perMdm        devices seen per MDM
 * @param changes       count of each kind of change published
 * @param unknownOwners devices whose owner is not a member (stored, reported, never dropped)
 * @param failures      MDMs whose listing failed part-way: their devices not yet seen are not marked gone
 * @param badInput      fields of an MDM's record that could not be read, naming the device (a malformed MAC): the
 *                      device is stored without the field, everything else it reported is kept
 */
public record SyncReport(
        String status,
        boolean dryRun,
        Map<String, Integer> perMdm,
        Map<String, Integer> changes,
        int saved,
        List<UnknownOwner> unknownOwners,
        List<String> failures,
        List<String> badInput) {

    public record UnknownOwner(String device, String reportedOwner) {
    }
}
