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
 */
public record SyncReport(
        String status,
        boolean dryRun,
        Map<String, Integer> perMdm,
        Map<String, Integer> changes,
        int saved,
        List<UnknownOwner> unknownOwners,
        List<String> failures) {

    public record UnknownOwner(String device, String reportedOwner) {
    }
}
