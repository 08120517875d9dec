package org.appban.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Digests as files: {@code <folder>/digests/*.json}, as {@code ledger.export} writes them next to the exported
 * ledger and as an auditor keeps them. Every {@code .json} file under {@code digests/} is read, whatever its name, so
 * a file that does not belong is named by the check rather than skipped.
 */
public final class FolderDigestStore implements DigestStore {
    private final Path folder;

    /** @param folder the folder holding {@code digests/} (or the {@code digests} folder itself) */
    public FolderDigestStore(Path folder) {
        this.folder = folder.getFileName() != null && folder.getFileName().toString().equals("digests") ? folder.getParent() : folder;
    }

    /** The first file name in order (names count down): only that file is read. */
    @Override
    public Optional<Stored> newest() {
        Path dir = folder.resolve("digests");
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> files = Files.list(dir)) {
            Optional<Path> first = files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .min(Comparator.comparing((Path p) -> p.getFileName().toString()));
            return first.isEmpty() ? Optional.empty() : Optional.of(new Stored("digests/" + first.get().getFileName(), Files.readAllBytes(first.get())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the digests in " + dir, e);
        }
    }

    @Override
    public List<Stored> all() {
        return read(null);
    }

    /** Only the files from {@code key} to the newest are read. */
    @Override
    public List<Stored> since(String key) {
        return read(key);
    }

    private List<Stored> read(String downTo) {
        Path dir = folder.resolve("digests");
        if (!Files.isDirectory(dir)) return List.of();
        List<Stored> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> downTo == null || ("digests/" + p.getFileName()).compareTo(downTo) <= 0)
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList()) {
                all.add(new Stored("digests/" + f.getFileName(), Files.readAllBytes(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the digests in " + dir, e);
        }
        return all;
    }

    @Override
    public boolean create(String key, byte[] bytes) {
        Path file = folder.resolve(key);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
