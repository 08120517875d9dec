package org.appban.digest;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.appban.admin.CampaignHistory;
import org.appban.domain.Ownership;
import org.appban.policy.BanPolicy;
import org.appban.report.Html;

/**
 * The digest in words: an HTML part that mail clients show as it is meant (tables and inline styles only; the
 * burndown as bars made of table cells, since clients drop SVG, scripts and most CSS) and the same as plain text.
 * Every value is escaped in the HTML part; the status link is the policy's (https, checked at load) or the
 * deployment's.
 */
public final class DigestPage {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm zzz", Locale.ENGLISH);
    private static final int BAR_WIDTH = 300;
    private static final String CORPORATE = "#1f4e79";
    private static final String PRIVATE = "#e69f00";

    private final BanPolicy policy;
    private final ZoneId zone;

    public DigestPage(BanPolicy policy) {
        this.policy = policy;
        this.zone = policy.zone();
    }

    public String subject(DigestContent c) {
        int needs = c.attention().values().stream().mapToInt(List::size).sum();
        return policy.app().name() + " ban: daily digest for " + DAY.format(c.day())
                + (needs > 0 ? " (" + needs + " need" + (needs == 1 ? "s" : "") + " a person)" : "");
    }

    public String html(DigestContent c, String statusLink) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(subject(c)))
                .append("</title></head>\n<body style=\"margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1d2733;\">\n");
        h.append("<h1 style=\"font-size:18px;margin:0 0 4px;\">").append(esc(policy.title())).append("</h1>\n");
        h.append("<p style=\"color:#5b6775;margin:0 0 16px;\">Daily digest for the administrators, ").append(esc(WHEN.format(c.until().atZone(zone))))
                .append(". ").append(esc(window(c))).append(".</p>\n");

        h.append("<h2 style=\"font-size:15px;margin:16px 0 6px;\">Needs a person</h2>\n");
        if (!c.needsAttention()) h.append("<p>Nothing needs a person today.</p>\n");
        for (Map.Entry<String, List<String>> a : c.attention().entrySet()) {
            if (a.getValue().isEmpty()) continue;
            h.append("<p style=\"margin:8px 0 2px;\"><strong>").append(esc(a.getKey())).append(": ").append(a.getValue().size())
                    .append("</strong></p>\n<ul style=\"margin:0;padding-left:20px;\">");
            for (String line : a.getValue()) h.append("<li>").append(esc(line)).append("</li>");
            h.append("</ul>\n");
        }

        h.append("<h2 style=\"font-size:15px;margin:16px 0 6px;\">What changed</h2>\n")
                .append("<table role=\"presentation\" cellpadding=\"4\" cellspacing=\"0\" style=\"border-collapse:collapse;\">\n");
        for (Map.Entry<String, Integer> e : c.changes().entrySet()) {
            h.append("<tr><td style=\"border-bottom:1px solid #d5dbe3;\">").append(esc(capital(e.getKey())))
                    .append("</td><td align=\"right\" style=\"border-bottom:1px solid #d5dbe3;font-weight:bold;\">").append(e.getValue()).append("</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2 style=\"font-size:15px;margin:16px 0 6px;\">Devices carrying ").append(esc(policy.app().name()))
                .append(", the last ").append(c.burndown().size()).append(" days</h2>\n")
                .append("<p style=\"margin:0 0 6px;\"><span style=\"display:inline-block;width:10px;height:10px;background:").append(CORPORATE)
                .append(";\"></span> corporate &nbsp; <span style=\"display:inline-block;width:10px;height:10px;background:").append(PRIVATE)
                .append(";\"></span> private</p>\n")
                .append("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" style=\"border-collapse:collapse;\">\n");
        int max = Math.max(1, c.burndown().stream().mapToInt(CampaignHistory.Day::carryingTotal).max().orElse(1));
        for (CampaignHistory.Day d : c.burndown()) {
            int corporate = d.carrying(Ownership.CORPORATE);
            int priv = d.carrying(Ownership.PRIVATE);
            int wc = BAR_WIDTH * corporate / max;
            int wp = BAR_WIDTH * priv / max;
            h.append("<tr><td style=\"padding:2px 8px 2px 0;white-space:nowrap;font-size:12px;\">").append(esc(DAY.format(d.date()))).append("</td>")
                    .append("<td style=\"padding:2px 0;\"><table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\"><tr>");
            if (wc > 0) h.append("<td width=\"").append(wc).append("\" height=\"12\" bgcolor=\"").append(CORPORATE).append("\" style=\"background:")
                    .append(CORPORATE).append(";font-size:0;line-height:0;\">&nbsp;</td>");
            if (wp > 0) h.append("<td width=\"").append(wp).append("\" height=\"12\" bgcolor=\"").append(PRIVATE).append("\" style=\"background:")
                    .append(PRIVATE).append(";font-size:0;line-height:0;\">&nbsp;</td>");
            if (wc + wp == 0) h.append("<td width=\"1\" height=\"12\" style=\"font-size:0;line-height:0;\">&nbsp;</td>");
            h.append("</tr></table></td><td style=\"padding:2px 0 2px 8px;font-size:12px;white-space:nowrap;\">")
                    .append(d.carryingTotal()).append(" (").append(corporate).append(" corporate, ").append(priv).append(" private)</td></tr>\n");
        }
        h.append("</table>\n");
        if (!c.burndown().isEmpty()) {
            CampaignHistory.Day last = c.burndown().get(c.burndown().size() - 1);
            h.append("<p style=\"margin:8px 0 0;\">Off the network now: ").append(last.offNetwork()).append(" private device(s). Exemptions in force: ")
                    .append(last.exemptionsActive()).append(".</p>\n");
        }
        h.append("<p style=\"margin:16px 0 0;\">");
        if (statusLink != null) {
            h.append("The full status report, member by member: <a href=\"").append(esc(statusLink)).append("\">").append(esc(statusLink)).append("</a>");
        } else {
            h.append("The full status report, member by member: the admin function's <code>status</code> operation.");
        }
        h.append("</p>\n<p style=\"color:#5b6775;font-size:12px;margin:16px 0 0;\">Sent by appban once a day to the administrators the policy names.</p>\n")
                .append("</body></html>\n");
        return h.toString();
    }

    public String text(DigestContent c, String statusLink) {
        StringBuilder t = new StringBuilder(2048);
        t.append(policy.title()).append("\nDaily digest for the administrators, ").append(WHEN.format(c.until().atZone(zone)))
                .append(".\n").append(window(c)).append(".\n\nNEEDS A PERSON\n");
        if (!c.needsAttention()) t.append("Nothing needs a person today.\n");
        for (Map.Entry<String, List<String>> a : c.attention().entrySet()) {
            if (a.getValue().isEmpty()) continue;
            t.append(a.getKey()).append(": ").append(a.getValue().size()).append('\n');
            for (String line : a.getValue()) t.append("  * ").append(line).append('\n');
        }
        t.append("\nWHAT CHANGED\n");
        c.changes().forEach((k, v) -> t.append(String.format(Locale.ROOT, "  %-22s %5d%n", capital(k), v)));
        t.append("\nDEVICES CARRYING ").append(policy.app().name().toUpperCase(Locale.ROOT)).append(" (corporate + private)\n");
        int max = Math.max(1, c.burndown().stream().mapToInt(CampaignHistory.Day::carryingTotal).max().orElse(1));
        for (CampaignHistory.Day d : c.burndown()) {
            int n = 30 * d.carryingTotal() / max;
            t.append(String.format(Locale.ROOT, "  %-10s %-30s %d (%d + %d)%n", DAY.format(d.date()), "#".repeat(n), d.carryingTotal(),
                    d.carrying(Ownership.CORPORATE), d.carrying(Ownership.PRIVATE)));
        }
        t.append("\nThe full status report: ").append(statusLink != null ? statusLink : "the admin function's status operation").append('\n');
        return t.toString();
    }

    /** The changes' window: from the previous digest's reading of the counters, or from when they began. */
    private String window(DigestContent c) {
        return c.since() == null ? "Changes since the campaign's counters began (no digest in the last week)"
                : "Changes since " + WHEN.format(c.since().atZone(zone));
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String esc(String s) {
        return Html.escape(s);
    }
}
