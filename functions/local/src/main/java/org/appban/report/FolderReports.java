package org.appban.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reports as files under a folder: the rehearsal's output folder. */
public final class FolderReports implements Reports {
    private final Path root;

    public FolderReports(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String put(String key, String contentType, byte[] content) {
        Path file = root.resolve(Reports.checkKey(key)).normalize();
        if (!file.startsWith(root)) throw new IllegalArgumentException("report key leaves the folder: " + key);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + file, e);
        }
        return file.toString();
    }
}
