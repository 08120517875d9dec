package org.appban.roster;

/** Where roster files are read from (the roster bucket on AWS, a folder in the rehearsal). */
public interface RosterFiles {
    RosterFile read(String bucket, String key);

    /** A roster's bytes with a stable tag of its content (the object's ETag). */
    record RosterFile(byte[] content, String contentTag) {
    }
}
