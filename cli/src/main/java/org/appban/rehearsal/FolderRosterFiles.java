package org.appban.rehearsal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.appban.roster.RosterFiles;

/** The rehearsal's roster bucket: a folder; the content tag is a hash, as S3's ETag is for a simple upload. */
final class FolderRosterFiles implements RosterFiles {
    private final Path root;

    FolderRosterFiles(Path root) {
        this.root = root;
    }

    @Override
    public RosterFile read(String bucket, String key) {
        try {
            byte[] bytes = Files.readAllBytes(root.resolve(bucket).resolve(key));
            return new RosterFile(bytes, HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)));
        } catch (java.nio.file.NoSuchFileException e) {
            // As S3RosterFiles: a roster deleted before its import is the uploader's to fix, not a stack trace.
            throw new org.appban.input.InvalidInputException(bucket + "/" + key, "", "no such object: it was deleted or renamed"
                    + " after the upload that triggered this import; upload the roster again");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
