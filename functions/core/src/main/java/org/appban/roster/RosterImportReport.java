package org.appban.roster;

import java.util.List;

/**
 * What a roster import did.
 *
 * @param status    {@code imported}, {@code rejected} (the file as a whole could not be read),
 *                  {@code nothing-imported} (no valid row: nothing deactivated either) or {@code needs-confirmation}
 *                  (additions and updates applied; more members would be deactivated than one import may without
 *                  an administrator's {@code confirm}) or {@code continuing} (the invocation's time ran out; the rest
 *                  is handed on and continues)
 * @param deactivated ids of members missing from the roster, now marked inactive
 * @param held        ids of members missing from the roster whose deactivation waits for confirmation
 * @param error       why the file was rejected, or what the administrator must confirm
 * @param warnings    rows imported with a field left out, each with its line and why (an unknown language)
 */
public record RosterImportReport(
        String status,
        String source,
        int rows,
        List<String> created,
        List<String> updated,
        int unchanged,
        List<String> deactivated,
        List<String> held,
        List<RejectedRow> rejected,
        String error,
        boolean dryRun,
        int remaining,
        List<RejectedRow> warnings) {

    public RosterImportReport {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** @param remaining changes still to write when the status is {@code continuing} (the time ran out), else 0 */
    public RosterImportReport(String status, String source, int rows, List<String> created, List<String> updated, int unchanged,
                              List<String> deactivated, List<String> held, List<RejectedRow> rejected, String error, boolean dryRun,
                              int remaining) {
        this(status, source, rows, created, updated, unchanged, deactivated, held, rejected, error, dryRun, remaining, List.of());
    }

    public RosterImportReport(String status, String source, int rows, List<String> created, List<String> updated, int unchanged,
                              List<String> deactivated, List<String> held, List<RejectedRow> rejected, String error, boolean dryRun) {
        this(status, source, rows, created, updated, unchanged, deactivated, held, rejected, error, dryRun, 0);
    }

    /** The same report with the rows imported with a field left out ({@link ParsedRoster#warnings}). */
    public RosterImportReport withWarnings(List<RejectedRow> rows) {
        return new RosterImportReport(status, source, rows(), created, updated, unchanged, deactivated, held, rejected, error, dryRun,
                remaining, rows);
    }

    public static RosterImportReport failed(String source, String error) {
        return new RosterImportReport("rejected", source, 0, List.of(), List.of(), 0, List.of(), List.of(), List.of(), error, false);
    }
}
