package org.appban.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.appban.exemption.ExemptionView;
import org.appban.report.PageTemplates;

/**
 * {@code status.html}: the campaign's status as an administrator reads it, one row per member (role, devices with
 * their state and network access, notices sent, exemptions), totals and the campaign's charts above
 * ({@link CampaignCharts}). One self-contained file: inline CSS, no
 * scripts, no external resources, rendered from {@code pages/status/page.html.mustache} by {@link PageTemplates}, so
 * every value is HTML-escaped by default (names and reasons come from people). Times are shown in the policy's zone.
 */
public final class StatusPage {
    public static final String FILE = "status.html";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm zzz", Locale.ENGLISH);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    private final ZoneId zone;

    public StatusPage(ZoneId zone) {
        this.zone = zone;
    }

    /** Builds the report and the campaign's history from a snapshot and writes {@code folder/status.html}; returns the file. */
    public static Path write(Path folder, FleetSnapshot snapshot, NetworkAccessLookup network) {
        StatusReport report = new CampaignStatus(network).build(snapshot);
        return new StatusPage(snapshot.policy().zone()).write(folder, report,
                new Charts(CampaignHistory.of(snapshot), snapshot.policy().deadlineInZone().toLocalDate(), snapshot.policy().app().name()));
    }

    /** What the page draws above the members' table: the history, the deadline's day, the app's name. */
    public record Charts(CampaignHistory.History history, java.time.LocalDate deadline, String appName) {
    }

    public Path write(Path folder, StatusReport report) {
        return write(folder, report, null);
    }

    public Path write(Path folder, StatusReport report, Charts charts) {
        Path file = folder.resolve(FILE);
        try {
            Files.createDirectories(folder);
            Files.writeString(file, render(report, charts), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    public String render(StatusReport r) {
        return render(r, null);
    }

    /**
     * The page, {@code pages/status/page.html.mustache}, every value escaped by the template engine; with
     * {@code charts}, the campaign day by day between the totals and the members' table (drawn by
     * {@link CampaignCharts}, which escapes its own labels).
     */
    public String render(StatusReport r, Charts charts) {
        Map<String, Object> model = new HashMap<>();
        model.put("css", CSS + CampaignCharts.CSS);
        model.put("title", r.title());
        model.put("policy", r.policy());
        model.put("at", when(r.at()));
        model.put("deadline", when(r.deadline()));
        model.put("graceEnds", when(r.privateGraceEnds()));
        model.put("cards", cards(r.totals(), r.noticesNotSent()));
        model.put("charts", charts != null && !charts.history().days().isEmpty()
                ? CampaignCharts.section(charts.history(), charts.deadline(), charts.appName()) : "");
        model.put("members", r.members().stream().map(this::member).toList());
        return PageTemplates.render("status/page", model);
    }

    private static List<Map<String, Object>> cards(StatusReport.Totals t, List<String> notSent) {
        List<Map<String, Object>> cards = new ArrayList<>();
        cards.add(card("Members", t.members() + "", t.activeMembers() + " active"));
        cards.add(card("Devices", t.devices() + "", t.corporateDevices() + " corporate, " + t.privateDevices() + " private"));
        cards.add(card("Notices sent", t.noticesSent() + "", counts(t.noticesByStage())));
        if (!notSent.isEmpty()) {
            // The author's choice, shown so that nobody reads the silence as a fault (notices.notSent).
            cards.add(card("Notices this ban does not send", "", String.join(", ", notSent)));
        }
        cards.add(card("Device states", "", counts(t.devicesByState())));
        cards.add(card("Exemptions", t.exemptionsByState().values().stream().mapToInt(Integer::intValue).sum() + "", counts(t.exemptionsByState())));
        cards.add(card("Quarantined", t.quarantined() + "", "devices off the network, corporate or private"));
        return cards;
    }

    private static Map<String, Object> card(String heading, String figure, String detail) {
        return Map.of("heading", heading, "hasFigure", !figure.isEmpty(), "figure", figure, "detail", detail.isEmpty() ? "none" : detail);
    }

    private Map<String, Object> member(StatusReport.MemberStatus m) {
        Map<String, Object> row = new HashMap<>();
        row.put("active", m.active());
        row.put("onRoster", m.onRoster());
        row.put("name", m.name());
        row.put("id", m.id());
        row.put("role", m.role());
        row.put("hasDevices", !m.devices().isEmpty());
        row.put("devices", m.devices().stream().map(d -> {
            Map<String, Object> device = new HashMap<>();
            device.put("state", d.state());
            device.put("label", d.label());
            device.put("id", d.id());
            device.put("hasExemption", d.exemption() != null);
            device.put("exemptUntil", when(d.exemptUntil()));
            device.put("exemption", d.exemption());
            device.put("access", d.networkAccess() != null ? d.networkAccess() : "corporate".equals(d.ownership()) ? "managed" : "unknown");
            return device;
        }).toList());
        row.put("hasNotices", !m.notices().isEmpty());
        row.put("notices", m.notices().stream().map(n -> Map.of("stage", n.stage(), "day", day(n.at()))).toList());
        row.put("hasExemptions", !m.exemptions().isEmpty());
        row.put("exemptions", m.exemptions().stream().map(e -> {
            Map<String, Object> ex = new HashMap<>();
            ex.put("state", e.state());
            ex.put("what", e.device() == null ? "all devices" : e.device());
            ex.put("id", e.id());
            ex.put("hasExpiry", e.expires() != null);
            ex.put("untilWord", "revoked".equals(e.state()) ? "was until " : "until ");
            ex.put("expires", day(e.expires()));
            ex.put("reason", e.reason());
            return ex;
        }).toList());
        return row;
    }

    private static String counts(Map<String, Integer> counts) {
        StringBuilder b = new StringBuilder();
        counts.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
        return b.toString();
    }

    private String when(Instant i) {
        return i == null ? "" : WHEN.format(i.atZone(zone));
    }

    private String day(Instant i) {
        return i == null ? "" : DAY.format(i.atZone(zone));
    }

    private static final String CSS = """
            :root { --ink: #1d2733; --muted: #5b6775; --line: #d5dbe3; --bg: #f6f8fa; --ok: #1f7a3d; --warn: #9a5b00; --bad: #a1262b; --info: #1f5f99; }
            * { box-sizing: border-box; }
            body { margin: 0; padding: 24px 32px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
            header h1 { font-size: 22px; margin: 0 0 4px; }
            .meta { color: var(--muted); margin: 0 0 16px; }
            .totals { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 20px; }
            .card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 160px; max-width: 320px; background: var(--bg); }
            .card h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0; }
            .card p { margin: 2px 0 0; }
            .card .figure { font-size: 24px; font-weight: 600; }
            table.members { border-collapse: collapse; width: 100%; }
            caption { text-align: left; font-weight: 600; padding: 6px 0; }
            th, td { border-top: 1px solid var(--line); padding: 8px 10px; text-align: left; vertical-align: top; }
            thead th { background: var(--bg); border-bottom: 2px solid var(--line); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); position: sticky; top: 0; }
            tbody tr:nth-child(even) { background: #fbfcfd; }
            tr.inactive { color: var(--muted); }
            .name { font-weight: 600; }
            ul, ol { margin: 0; padding-left: 18px; }
            li { margin: 2px 0; }
            td.access li { white-space: nowrap; }
            code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--muted); }
            small { color: var(--muted); }
            .reason { font-style: italic; }
            .none { color: var(--muted); }
            .badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; border: 1px solid var(--line); background: var(--bg); white-space: nowrap; }
            .badge.warn, .state-app-present, .state-member-must-remove, .state-non-compliant, .access-quarantined, .ex-refused, .ex-revoked { color: #fff; background: var(--bad); border-color: var(--bad); }
            .state-app-unchecked, .state-unknown, .state-not-enrolled, .ex-requested, .ex-expired, .access-unknown { color: var(--warn); border-color: var(--warn); background: #fff8ec; }
            .state-clean, .state-compliant, .access-allowed, .ex-active { color: var(--ok); border-color: var(--ok); background: #effaf2; }
            .state-exempt, .access-managed { color: var(--info); border-color: var(--info); background: #eef5fc; }
            .state-retired { color: var(--muted); }
            footer { margin-top: 20px; color: var(--muted); font-size: 12px; }
            @media print { body { padding: 0; } thead th { position: static; } }
            """;
}
