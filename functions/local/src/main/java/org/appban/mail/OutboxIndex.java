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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.appban.report.PageTemplates;

/**
 * The rehearsal's window on its outbox: {@code index.html} lists every email {@link OutboxMailer} wrote, by day
 * (in the policy's zone) and member, each linking to a browser view of the message. Beside each
 * {@code NNNNN-stage-member.eml} it writes {@code NNNNN-stage-member.html}: the message's HTML part exactly as
 * the member's mail client gets it. The index is rendered from {@code pages/outbox/index.html.mustache} by
 * {@link PageTemplates}, so everything taken from a message (names, subjects, addresses, tags) is HTML-escaped by
 * default; file links are percent-encoded.
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
        String content = m.html() != null ? m.html() : PageTemplates.render("outbox/text-message", Map.of("text", m.text() == null ? "" : m.text()));
        writeAtomically(e.file().resolveSibling(html), content);
        Instant at = sentAt != null ? sentAt.apply(e) : m.date() == null ? null : m.date().toInstant();
        if (at == null) throw new IllegalArgumentException(eml + " has no readable Date header and no send instant was given");
        Map<String, String> tags = e.tags();
        return new Listed(at.atZone(zone), tags.get("member"), displayName(m.header("to")), e.recipient(), tags.get("stage"),
                tags.get("kind"), m.subject() == null ? "(no subject)" : m.subject(), eml, html);
    }

    /** The index page, {@code pages/outbox/index.html.mustache}: every value escaped by the template engine. */
    private String page(List<Listed> listed) {
        Map<LocalDate, List<Listed>> byDay = new TreeMap<>();
        for (Listed l : listed) byDay.computeIfAbsent(l.sentAt().toLocalDate(), d -> new ArrayList<>()).add(l);
        Map<String, Integer> kinds = new TreeMap<>();
        listed.forEach(l -> kinds.merge(l.kind() == null ? "(none)" : l.kind(), 1, Integer::sum));
        List<Map<String, Object>> days = new ArrayList<>();
        for (Map.Entry<LocalDate, List<Listed>> day : byDay.entrySet()) {
            List<Listed> rows = new ArrayList<>(day.getValue());
            rows.sort(Comparator.comparing((Listed l) -> l.member() == null ? "" : l.member()).thenComparing(Listed::sentAt));
            List<Map<String, Object>> shown = new ArrayList<>();
            for (Listed l : rows) {
                Map<String, Object> row = new HashMap<>();
                row.put("member", l.member());
                row.put("name", l.name());
                row.put("address", l.address());
                row.put("stage", l.stage());
                row.put("kind", l.kind());
                row.put("subject", l.subject());
                row.put("htmlHref", href(l.htmlFile()));
                row.put("emlHref", href(l.emlFile()));
                row.put("sent", TIME.format(l.sentAt()));
                shown.add(row);
            }
            days.add(Map.of("date", day.getKey().toString(), "heading", DAY.format(day.getKey()), "size", day.getValue().size(), "rows", shown));
        }
        Map<String, Object> model = new HashMap<>();
        model.put("title", title);
        model.put("count", listed.size());
        model.put("dayCount", byDay.size());
        model.put("zone", zone.getId());
        model.put("kinds", kinds.entrySet().stream().map(k -> Map.of("kind", k.getKey(), "n", k.getValue())).toList());
        model.put("days", days);
        return PageTemplates.render("outbox/index", model);
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

    /** A file's link, percent-encoded (the template escapes it for the attribute). */
    private static String href(String fileName) {
        return URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
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
