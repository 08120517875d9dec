package org.appban.roster;

import java.util.List;

/**
 * What a roster import did.
 *
 * @param status    {@code imported}, {@code rejected} (the file as a whole could not be read) or
 *                  {@code nothing-imported} (no valid row: nothing deactivated either)
 * @param deactivated ids of members missing from the roster, now marked inactive
 */
public record RosterImportReport(
        String status,
        String source,
        int rows,
        List<String> created,
        List<String> updated,
        int unchanged,
        List<String> deactivated,
        List<RejectedRow> rejected,
        String error,
        boolean dryRun) {

    public static RosterImportReport failed(String source, String error) {
        return new RosterImportReport("rejected", source, 0, List.of(), List.of(), 0, List.of(), List.of(), error, false);
    }
}
