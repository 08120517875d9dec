package org.appban.mail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The rehearsal's window on its outbox: {@code index.html} lists every email {@link OutboxMailer} wrote, by day
 * (in the policy's zone) and member, each linking to a browser view of the message. Beside each
 * {@code NNNNN-stage-member.eml} it writes {@code NNNNN-stage-member.html}: the message's HTML part exactly as
 * the member's mail client gets it. Everything taken from a message (names, subjects, addresses, tags) is
 * HTML-escaped in the index; file links are percent-encoded.
 *
 * <pre>{@code
 * OutboxMailer outbox = new OutboxMailer(out.resolve("outbox"));
 * ... run the campaign ...
 * Path index = new OutboxIndex(policy.zone(), "Rehearsal of " + policy.title()).write(outbox.folder(), outbox.entries());
 * }</pre>
 */
public final class OutboxIndex {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss zzz", Locale.ENGLISH);

    private final ZoneId zone;
    private final String title;

    public OutboxIndex(ZoneId zone, String title) {
        this.zone = Objects.requireNonNull(zone, "zone");
        this.title = Objects.requireNonNull(title, "title");
    }

    /** One email as the index lists it. */
    public record Listed(ZonedDateTime sentAt, String member, String name, String address, String stage, String kind,
                         String subject, String emlFile, String htmlFile) {
    }

    /** Writes the index, each message's .html, and returns the index's path; when each was sent is its Date header. */
    public Path write(Path folder, List<OutboxMailer.Entry> entries) {
        return write(folder, entries, null);
    }

    /**
     * @param sentAt when each entry was sent (say, the rehearsal's clock at the send); null to use each message's
     *               Date header, which the composer sets to the instant it composed the message
     */
    public Path write(Path folder, List<OutboxMailer.Entry> entries, Function<OutboxMailer.Entry, Instant> sentAt) {
        List<Listed> listed = new ArrayList<>();
        for (OutboxMailer.Entry e : entries) listed.add(render(e, sentAt));
        listed.sort(Comparator.comparing(Listed::sentAt).thenComparing(l -> l.member() == null ? "" : l.member())
                .thenComparing(Listed::emlFile));
        Path index = folder.resolve("index.html");
        writeAtomically(index, page(listed));
        return index;
    }

    private Listed render(OutboxMailer.Entry e, Function<OutboxMailer.Entry, Instant> sentAt) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(e.file());
        } catch (IOException x) {
            throw new UncheckedIOException("cannot read " + e.file(), x);
        }
        EmlReader.Message m = EmlReader.read(bytes);
        String eml = e.file().getFileName().toString();
        String base = eml.endsWith(".eml") ? eml.substring(0, eml.length() - 4) : eml;
        String html = base + ".html";
        String content = m.html() != null ? m.html()
                : "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><pre>" + escape(m.text() == null ? "" : m.text())
                  + "</pre></body></html>";
        writeAtomically(e.file().resolveSibling(html), content);
        Instant at = sentAt != null ? sentAt.apply(e) : m.date() == null ? null : m.date().toInstant();
        if (at == null) throw new IllegalArgumentException(eml + " has no readable Date header and no send instant was given");
        Map<String, String> tags = e.tags();
        return new Listed(at.atZone(zone), tags.get("member"), displayName(m.header("to")), e.recipient(), tags.get("stage"),
                tags.get("kind"), m.subject() == null ? "(no subject)" : m.subject(), eml, html);
    }

    private String page(List<Listed> listed) {
        StringBuilder b = new StringBuilder(8192);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .append("<title>").append(escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#1a1a1a}")
                .append("table{border-collapse:collapse;width:100%;margin-bottom:24px}")
                .append("th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #ddd;vertical-align:top}")
                .append("th{background:#f4f4f4}td.k{white-space:nowrap}.raw{font-size:12px;color:#555}\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
        Map<LocalDate, List<Listed>> byDay = new TreeMap<>();
        for (Listed l : listed) byDay.computeIfAbsent(l.sentAt().toLocalDate(), d -> new ArrayList<>()).add(l);
        Map<String, Integer> kinds = new TreeMap<>();
        listed.forEach(l -> kinds.merge(l.kind() == null ? "(none)" : l.kind(), 1, Integer::sum));
        b.append("<p>").append(listed.size()).append(" emails on ").append(byDay.size()).append(" days (times in ")
                .append(escape(zone.getId())).append(").");
        kinds.forEach((k, n) -> b.append(' ').append(escape(k)).append(": ").append(n).append('.'));
        b.append("</p>\n");
        for (Map.Entry<LocalDate, List<Listed>> day : byDay.entrySet()) {
            b.append("<h2 id=\"").append(day.getKey()).append("\">").append(escape(DAY.format(day.getKey())))
                    .append(" <small>(").append(day.getValue().size()).append(")</small></h2>\n<table>\n")
                    .append("<tr><th>Member</th><th>Name</th><th>Address</th><th>Stage</th><th>Kind</th><th>Subject</th><th>Sent</th></tr>\n");
            List<Listed> rows = new ArrayList<>(day.getValue());
            rows.sort(Comparator.comparing((Listed l) -> l.member() == null ? "" : l.member()).thenComparing(Listed::sentAt));
            for (Listed l : rows) {
                b.append("<tr><td class=\"k\">").append(escape(l.member())).append("</td><td>").append(escape(l.name()))
                        .append("</td><td>").append(escape(l.address())).append("</td><td class=\"k\">").append(escape(l.stage()))
                        .append("</td><td class=\"k\">").append(escape(l.kind())).append("</td><td><a href=\"")
                        .append(href(l.htmlFile())).append("\">").append(escape(l.subject())).append("</a> <a class=\"raw\" href=\"")
                        .append(href(l.emlFile())).append("\">.eml</a></td><td class=\"k\">").append(escape(TIME.format(l.sentAt())))
                        .append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        return b.append("</body>\n</html>\n").toString();
    }

    /** The display name of {@code "Name" <addr>} or {@code Name <addr>}, unquoted; empty when there is none. */
    static String displayName(String mailbox) {
        if (mailbox == null) return "";
        int lt = mailbox.lastIndexOf('<');
        if (lt <= 0) return "";
        String name = mailbox.substring(0, lt).strip();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return name;
    }

    /** Escapes the five characters that matter in HTML text and attribute values. */
    public static String escape(String s) {
        return org.appban.report.Html.escape(s);
    }

    private static String href(String fileName) {
        return escape(URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private static void writeAtomically(Path target, String content) {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
