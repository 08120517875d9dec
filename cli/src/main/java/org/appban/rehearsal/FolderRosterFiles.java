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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
