package org.appban.roster;

/**
 * Reads a roster file into members and rejected rows (the port the import reads through; the CSV and JSON reading
 * is {@code roster.RosterParser} in adapters). One bad row never stops the good ones; a file that cannot be read as
 * a roster at all is refused as a whole, naming {@code source}.
 */
public interface RosterFormat {
    ParsedRoster parse(String source, byte[] content);
}
