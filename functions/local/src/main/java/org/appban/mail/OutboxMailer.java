package org.appban.mail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The rehearsal's mail server: every message becomes an {@code .eml} file in a folder (any mail client opens
 * one), named {@code NNNNN-<stage>-<member>.eml} in sending order. Files are written whole or not at all
 * (written aside, then moved into place). The returned id is the message's own Message-ID.
 */
public final class OutboxMailer implements Mailer {
    private final Path folder;
    private final List<Entry> entries = new ArrayList<>();
    private int sequence;

    public OutboxMailer(Path folder) {
        this.folder = folder;
        try {
            Files.createDirectories(folder);
            try (Stream<Path> existing = Files.list(folder)) {
                sequence = (int) existing.filter(p -> p.getFileName().toString().endsWith(".eml")).count();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use outbox folder " + folder, e);
        }
    }

    @Override
    public synchronized String send(OutgoingMail mail) {
        sequence++;
        String name = String.format("%05d-%s-%s.eml", sequence, safe(mail.tags().getOrDefault("stage", "mail")),
                safe(mail.tags().getOrDefault("member", "unknown")));
        Path target = folder.resolve(name);
        Path temp = folder.resolve("." + name + ".tmp");
        try {
            Files.write(temp, mail.mime().bytes());
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
        entries.add(new Entry(target, mail.recipient().value(), mail.mime().messageId(), mail.tags()));
        return mail.mime().messageId();
    }

    /** What this mailer wrote, in order (for the rehearsal's index and report). */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public Path folder() {
        return folder;
    }

    private static String safe(String s) {
        String cleaned = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.length() > 60 ? cleaned.substring(0, 60) : cleaned;
    }

    public record Entry(Path file, String recipient, String messageId, Map<String, String> tags) {
    }
}
