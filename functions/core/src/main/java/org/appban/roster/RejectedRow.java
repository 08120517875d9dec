package org.appban.roster;

/** A roster row that was not imported, with where it is in the file and why. */
public record RejectedRow(int line, String id, String reason) {
    @Override
    public String toString() {
        return "line " + line + (id == null ? "" : " (id " + id + ")") + ": " + reason;
    }
}
