package org.appban.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.appban.exemption.ExemptionView;
import org.appban.report.Html;

/**
 * {@code status.html}: the campaign's status as an administrator reads it, one row per member (role, devices with
 * their state and network access, notices sent, exemptions), totals and the campaign's charts above
 * ({@link CampaignCharts}). One self-contained file: inline CSS, no
 * scripts, no external resources, every value HTML-escaped (names and reasons come from people). Times are shown in
 * the policy's zone.
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

    /** The page; with {@code charts}, the campaign day by day between the totals and the members' table. */
    public String render(StatusReport r, Charts charts) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc("Campaign status: " + r.title())).append("</title>\n")
                .append("<style>\n").append(CSS).append(CampaignCharts.CSS).append("</style>\n</head>\n<body>\n");
        h.append("<header>\n<h1>").append(esc(r.title())).append("</h1>\n<p class=\"meta\">Policy <code>")
                .append(esc(r.policy())).append("</code> &middot; status at <strong>").append(esc(when(r.at())))
                .append("</strong> &middot; deadline ").append(esc(when(r.deadline())))
                .append(" &middot; private devices lose network access from ").append(esc(when(r.privateGraceEnds())))
                .append("</p>\n</header>\n");
        totals(h, r.totals(), r.noticesNotSent());
        if (charts != null && !charts.history().days().isEmpty()) {
            h.append(CampaignCharts.section(charts.history(), charts.deadline(), charts.appName()));
        }
        h.append("<table class=\"members\">\n<caption>Members, their devices, the notices sent to them and their exemptions</caption>\n")
                .append("<thead><tr><th scope=\"col\">Member</th><th scope=\"col\">Role</th><th scope=\"col\">Devices</th>")
                .append("<th scope=\"col\">Network access</th><th scope=\"col\">Notices sent</th><th scope=\"col\">Exemptions</th></tr></thead>\n<tbody>\n");
        for (StatusReport.MemberStatus m : r.members()) member(h, m);
        h.append("</tbody>\n</table>\n");
        h.append("<footer><p>Device states: <b>app-present</b> corporate device with the app (removed by the MDM at the deadline); ")
                .append("<b>member-must-remove</b> corporate device with the app that the MDM cannot remove (an unsupervised iPhone, say): its member must, and it loses network access after the grace period while it carries the app; <b>app-unchecked</b> corporate device not yet inventoried; <b>non-compliant</b> private device the MDM reports ")
                .append("carrying a restricted app; <b>exempt</b> protected by a granted exemption; <b>clean</b>/<b>compliant</b> nothing to do.</p>")
                .append("<p>Generated by appban from the roster, the inventory, the exemptions and the ledger.</p></footer>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private void totals(StringBuilder h, StatusReport.Totals t, List<String> notSent) {
        h.append("<section class=\"totals\" aria-label=\"Totals\">\n");
        card(h, "Members", t.members() + "", t.activeMembers() + " active");
        card(h, "Devices", t.devices() + "", t.corporateDevices() + " corporate, " + t.privateDevices() + " private");
        card(h, "Notices sent", t.noticesSent() + "", counts(t.noticesByStage()));
        if (!notSent.isEmpty()) {
            // The author's choice, shown so that nobody reads the silence as a fault (notices.notSent).
            card(h, "Notices this ban does not send", "", String.join(", ", notSent));
        }
        card(h, "Device states", "", counts(t.devicesByState()));
        card(h, "Exemptions", t.exemptionsByState().values().stream().mapToInt(Integer::intValue).sum() + "", counts(t.exemptionsByState()));
        card(h, "Quarantined", t.quarantined() + "", "devices off the network, corporate or private");
        h.append("</section>\n");
    }

    private static void card(StringBuilder h, String title, String figure, String detail) {
        h.append("<div class=\"card\"><h2>").append(esc(title)).append("</h2>");
        if (!figure.isEmpty()) h.append("<p class=\"figure\">").append(esc(figure)).append("</p>");
        h.append("<p>").append(esc(detail.isEmpty() ? "none" : detail)).append("</p></div>\n");
    }

    private void member(StringBuilder h, StatusReport.MemberStatus m) {
        h.append("<tr").append(m.active() ? "" : " class=\"inactive\"").append(">\n<th scope=\"row\"><span class=\"name\">")
                .append(esc(m.name())).append("</span><br><code>").append(esc(m.id())).append("</code>");
        if (!m.onRoster()) h.append(" <span class=\"badge warn\">not on roster</span>");
        else if (!m.active()) h.append(" <span class=\"badge\">inactive</span>");
        h.append("</th>\n<td>").append(esc(m.role())).append("</td>\n<td>");
        if (m.devices().isEmpty()) {
            h.append("<span class=\"none\">no known device</span>");
        } else {
            h.append("<ul>");
            for (StatusReport.DeviceStatus d : m.devices()) {
                h.append("<li><span class=\"badge state-").append(esc(d.state())).append("\">").append(esc(d.state()))
                        .append("</span> ").append(esc(d.label())).append(" <code>").append(esc(d.id())).append("</code>");
                if (d.exemption() != null) {
                    h.append("<br><small>exempt until ").append(esc(when(d.exemptUntil()))).append(" (")
                            .append(esc(d.exemption())).append(")</small>");
                }
                h.append("</li>");
            }
            h.append("</ul>");
        }
        h.append("</td>\n<td class=\"access\">");
        if (m.devices().isEmpty()) {
            h.append("<span class=\"none\">&ndash;</span>");
        } else {
            h.append("<ul>");
            for (StatusReport.DeviceStatus d : m.devices()) {
                String access = d.networkAccess() != null ? d.networkAccess() : "corporate".equals(d.ownership()) ? "managed" : "unknown";
                h.append("<li><code>").append(esc(d.id())).append("</code> <span class=\"badge access-").append(esc(access))
                        .append("\">").append(esc(access)).append("</span></li>");
            }
            h.append("</ul>");
        }
        h.append("</td>\n<td>");
        if (m.notices().isEmpty()) {
            h.append("<span class=\"none\">none</span>");
        } else {
            h.append("<ol>");
            for (StatusReport.NoticeSent n : m.notices()) {
                h.append("<li>").append(esc(n.stage())).append(" <small>").append(esc(day(n.at()))).append("</small></li>");
            }
            h.append("</ol>");
        }
        h.append("</td>\n<td>");
        if (m.exemptions().isEmpty()) {
            h.append("<span class=\"none\">none</span>");
        } else {
            h.append("<ul>");
            for (ExemptionView e : m.exemptions()) {
                h.append("<li><span class=\"badge ex-").append(esc(e.state())).append("\">").append(esc(e.state())).append("</span> ")
                        .append(esc(e.device() == null ? "all devices" : e.device())).append(" <code>").append(esc(e.id())).append("</code>");
                if (e.expires() != null) h.append("<br><small>").append("revoked".equals(e.state()) ? "was until " : "until ")
                        .append(esc(day(e.expires()))).append("</small>");
                h.append("<br><small class=\"reason\">").append(esc(e.reason())).append("</small></li>");
            }
            h.append("</ul>");
        }
        h.append("</td>\n</tr>\n");
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

    static String esc(String s) {
        return Html.escape(s);
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
