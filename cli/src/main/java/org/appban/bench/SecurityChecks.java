package org.appban.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.appban.policy.BanPolicy;
import org.appban.rehearsal.Rehearsal;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetMember;

/**
 * A full rehearsal over a hostile copy of the fleet (one member's name carries a script tag, another's a CR/LF and a
 * Bcc header), then three scans of everything it wrote and printed: no secret (the simulators' credentials, their
 * Basic-auth forms, the rehearsal's link-signing key) in any line; no email header beyond the expected set; no raw
 * script tag in any HTML output.
 */
public final class SecurityChecks {
    public static final String SCRIPT = "<script>alert('appban')</script>";
    public static final String CRLF_NAME = "Eve Injected\r\nBcc: attacker@example.com";
    /** Header names a notice may carry; anything else in an .eml's header block is an injected or unexpected one. */
    static final Set<String> HEADERS = Set.of("from", "to", "subject", "date", "message-id", "mime-version", "content-type",
            "content-transfer-encoding", "reply-to", "list-unsubscribe", "list-unsubscribe-post", "auto-submitted", "cc",
            "x-appban-member", "x-appban-stage", "x-appban-notice", "x-ses-configuration-set", "x-appban-tags", "precedence",
            "content-language", "x-auto-response-suppress", "sender");

    public record Result(int linesScanned, List<String> secretLeaks, int emails, List<String> headerProblems, int htmlFiles,
                         List<String> unescaped, boolean scriptMemberImported) {
    }

    public static Fleet hostile(Fleet fleet) {
        List<FleetMember> members = new ArrayList<>(fleet.members());
        FleetMember a = members.get(0);
        FleetMember b = members.get(1);
        members.set(0, new FleetMember(a.id(), SCRIPT, a.email(), a.role(), a.leavesAt()));
        members.set(1, new FleetMember(b.id(), CRLF_NAME, b.email(), b.role(), b.leavesAt()));
        return new Fleet(fleet.source(), fleet.name(), fleet.startsAt(), fleet.catalog(), members, fleet.devices(), fleet.exemptions(),
                fleet.events(), fleet.attestations());
    }

    public static List<String> secrets() {
        List<String> s = new ArrayList<>(List.of(Simulators.GRAPH_CLIENT_SECRET, Simulators.JAMF_CLIENT_SECRET, Simulators.JAMF_PASSWORD,
                Simulators.ISE_PASSWORD,
                Base64.getEncoder().encodeToString((Simulators.ISE_USER + ":" + Simulators.ISE_PASSWORD).getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString((Simulators.JAMF_CLIENT_ID + ":" + Simulators.JAMF_CLIENT_SECRET).getBytes(StandardCharsets.UTF_8))));
        try {
            var f = org.appban.access.EmbeddedAccess.class.getDeclaredField("REHEARSAL_KEY");
            f.setAccessible(true);
            s.add(((org.appban.remote.Secret) f.get(null)).reveal());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the rehearsal's link key", e);
        }
        return s;
    }

    /** Runs the rehearsal on the hostile fleet into {@code out}, capturing stdout and stderr, and scans it all. */
    public static Result run(BanPolicy policy, Fleet fleet, Path out, java.time.Instant until) throws IOException {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(new Tee(oldOut, captured), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(oldErr, captured), true, StandardCharsets.UTF_8));
        try {
            new Rehearsal(new Rehearsal.Options(policy, hostile(fleet), out, until), new PrintStream(OutputStream.nullOutputStream())).run();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            tee.close();
        }
        return scan(out, captured.toString(StandardCharsets.UTF_8), List.of());
    }

    /** Scans a run's folder and captured output; {@code extraSecrets} adds the values a particular run knows. */
    public static Result scan(Path out, String capturedOutput, List<String> extraSecrets) throws IOException {
        List<String> secrets = new ArrayList<>(secrets());
        secrets.addAll(extraSecrets);
        List<String> leaks = new ArrayList<>();
        int lines = 0;
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("(stdout/stderr)", capturedOutput);
        try (Stream<Path> files = Files.walk(out)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) texts.put(out.relativize(p).toString(), Files.readString(p, StandardCharsets.ISO_8859_1));
        }
        for (var t : texts.entrySet()) {
            for (String line : t.getValue().lines().toList()) {
                lines++;
                for (String s : secrets) if (line.contains(s)) leaks.add(t.getKey() + ": " + s.substring(0, 3) + "...");
            }
        }
        int emails = 0;
        List<String> headerProblems = new ArrayList<>();
        int html = 0;
        List<String> unescaped = new ArrayList<>();
        for (var t : texts.entrySet()) {
            if (t.getKey().endsWith(".eml")) {
                emails++;
                for (String line : t.getValue().split("\r\n|\n", -1)) {
                    if (line.isEmpty()) break;
                    if (line.startsWith(" ") || line.startsWith("\t")) continue;
                    int colon = line.indexOf(':');
                    String name = colon < 0 ? line : line.substring(0, colon).toLowerCase();
                    if (!HEADERS.contains(name)) headerProblems.add(t.getKey() + ": " + line);
                }
                if (t.getValue().contains("\nBcc:") || t.getValue().contains("\rBcc:")) headerProblems.add(t.getKey() + ": Bcc line");
            }
            if (t.getKey().endsWith(".html")) {
                html++;
                if (t.getValue().contains(SCRIPT) || t.getValue().toLowerCase().contains("<script>alert")) unescaped.add(t.getKey());
            }
            // In an email only the HTML part must escape: the plain-text part and a quoted display name carry the
            // name as it is, which is correct there.
            int htmlPart = t.getValue().indexOf("Content-Type: text/html");
            if (t.getKey().endsWith(".eml") && htmlPart >= 0) {
                html++;
                if (t.getValue().substring(htmlPart).contains(SCRIPT)) unescaped.add(t.getKey() + " (HTML part)");
            }
        }
        boolean imported = texts.values().stream().anyMatch(v -> v.contains("&lt;script&gt;") || v.contains("&#x3C;script"));
        return new Result(lines, leaks, emails, headerProblems, html, unescaped, imported);
    }

    /** Writes to both: the console keeps its output while the check reads it. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
