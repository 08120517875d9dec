package org.appban.admin;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import org.appban.domain.Ownership;
import org.appban.report.Html;

/**
 * The status page's charts of a {@link CampaignHistory}: inline SVG drawn here (no script, no font or anything else
 * fetched, so it prints and screenshots as it shows), each an image with a title and a description that says what
 * it shows in words, and beside it a table of every number it draws. Colours are told apart by lightness as well
 * as hue, and every series is named in a legend, so a grey print still reads.
 */
public final class CampaignCharts {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);
    private static final DateTimeFormatter LONG_DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);
    private static final int WIDTH = 640;
    private static final int HEIGHT = 230;
    private static final int LEFT = 40;
    private static final int RIGHT = 12;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;
    /** Dark to light, so neighbours in a stack differ in grey too. */
    private static final String[] PALETTE = {"#1f4e79", "#e69f00", "#2a9d8f", "#a1262b", "#9ecae1", "#6a3d9a", "#f4d35e", "#555555",
        "#b15928", "#cab2d6", "#33a02c", "#fb9a99"};

    private CampaignCharts() {
    }

    /** A named series: its colour and how to read it from a day. */
    record Series(String name, String colour, ToIntFunction<CampaignHistory.Day> value) {
    }

    /** The charts' section of the status page. */
    public static String section(CampaignHistory.History h, LocalDate deadline, String appName) {
        StringBuilder s = new StringBuilder(32_768);
        s.append("<section class=\"charts\" aria-labelledby=\"charts-title\">\n<h2 id=\"charts-title\">The campaign day by day</h2>\n");
        chart(s, "burndown", "Devices carrying " + appName,
                "Devices the inventory shows carrying " + appName + " at the end of each day, corporate and private stacked.",
                h, deadline, List.of(
                        new Series("corporate", PALETTE[0], d -> d.carrying(Ownership.CORPORATE)),
                        new Series("private", PALETTE[1], d -> d.carrying(Ownership.PRIVATE))), null);
        chart(s, "network", "Network access of private devices",
                "Private devices taken off the network and given access back each day (bars), and those off the network at the end of the day (line).",
                h, deadline, List.of(
                        new Series("taken off", PALETTE[3], CampaignHistory.Day::quarantined),
                        new Series("restored", PALETTE[2], CampaignHistory.Day::restored)),
                new Series("off the network", "#1d2733", CampaignHistory.Day::offNetwork));
        chart(s, "exemptions", "Exemptions in force",
                "Exemptions granted and neither revoked nor expired at the end of each day.",
                h, deadline, List.of(new Series("exemptions in force", PALETTE[5], CampaignHistory.Day::exemptionsActive)), null);
        List<Series> kinds = new ArrayList<>();
        for (int k = 0; k < h.noticeKinds().size(); k++) {
            String kind = h.noticeKinds().get(k);
            kinds.add(new Series(kind, PALETTE[k % PALETTE.length], d -> d.notices(kind)));
        }
        chart(s, "notices", "Notices sent", "Notices sent to members each day, by kind, stacked.", h, deadline, kinds, null);
        s.append("</section>\n");
        return s.toString();
    }

    private static void chart(StringBuilder s, String id, String title, String what, CampaignHistory.History h, LocalDate deadline,
                              List<Series> bars, Series line) {
        List<CampaignHistory.Day> days = h.days();
        int n = days.size();
        int max = 1;
        for (CampaignHistory.Day d : days) {
            int stack = 0;
            for (Series b : bars) stack += b.value().applyAsInt(d);
            max = Math.max(max, stack);
            if (line != null) max = Math.max(max, line.value().applyAsInt(d));
        }
        List<Series> all = new ArrayList<>(bars);
        if (line != null) all.add(line);
        // The legend wraps: each row 16 pixels more below the plot.
        List<double[]> legendAt = new ArrayList<>();
        double lx = LEFT;
        int rows = 1;
        for (Series b : all) {
            double w = 26 + 6.5 * b.name().length();
            if (lx > LEFT && lx + w > WIDTH - RIGHT) {
                lx = LEFT;
                rows++;
            }
            legendAt.add(new double[] {lx, rows});
            lx += w;
        }
        int height = HEIGHT + 16 * (rows - 1);
        int step = niceStep(max);
        int top = ((max + step - 1) / step) * step;
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        double slot = plotW / Math.max(1, n);
        double barW = Math.max(1, slot * 0.72);

        s.append("<figure class=\"chart\" id=\"chart-").append(id).append("\">\n<div class=\"chart-body\">\n");
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height).append("\" aria-labelledby=\"")
                .append(id).append("-title ").append(id).append("-desc\">\n");
        s.append("<title id=\"").append(id).append("-title\">").append(esc(title)).append("</title>\n");
        s.append("<desc id=\"").append(id).append("-desc\">").append(esc(what + " " + summary(days, bars, line))).append("</desc>\n");
        // Grid and the value axis.
        for (int v = 0; v <= top; v += step) {
            double y = TOP + plotH - plotH * v / top;
            s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(f(y)).append("\" y2=\"")
                    .append(f(y)).append("\" stroke=\"#d5dbe3\" stroke-width=\"1\"/>")
                    .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\">").append(v).append("</text>\n");
        }
        // The deadline.
        for (int i = 0; i < n; i++) {
            if (days.get(i).date().equals(deadline)) {
                double x = LEFT + slot * i;
                s.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"").append(TOP).append("\" y2=\"")
                        .append(f(TOP + plotH)).append("\" stroke=\"#a1262b\" stroke-dasharray=\"4 3\" stroke-width=\"1.5\"/>")
                        .append("<text x=\"").append(f(x)).append("\" y=\"").append(TOP - 6).append("\" text-anchor=\"middle\" class=\"mark\">deadline</text>\n");
            }
        }
        // Stacked bars.
        for (int i = 0; i < n; i++) {
            CampaignHistory.Day d = days.get(i);
            double base = 0;
            for (Series b : bars) {
                int v = b.value().applyAsInt(d);
                if (v == 0) continue;
                double y0 = TOP + plotH - plotH * base / top;
                double y1 = TOP + plotH - plotH * (base + v) / top;
                s.append("<rect x=\"").append(f(LEFT + slot * i + (slot - barW) / 2)).append("\" y=\"").append(f(y1)).append("\" width=\"")
                        .append(f(barW)).append("\" height=\"").append(f(y0 - y1)).append("\" fill=\"").append(b.colour()).append("\"><title>")
                        .append(esc(DAY.format(d.date()) + ": " + b.name() + " " + v)).append("</title></rect>\n");
                base += v;
            }
        }
        if (line != null) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < n; i++) {
                double x = LEFT + slot * i + slot / 2;
                double y = TOP + plotH - plotH * line.value().applyAsInt(days.get(i)) / top;
                points.append(points.isEmpty() ? "" : " ").append(f(x)).append(',').append(f(y));
            }
            s.append("<polyline points=\"").append(points).append("\" fill=\"none\" stroke=\"").append(line.colour())
                    .append("\" stroke-width=\"2\"/>\n");
        }
        // Day labels: at most about ten.
        int every = Math.max(1, (int) Math.ceil(n / 10.0));
        for (int i = 0; i < n; i += every) {
            double x = LEFT + slot * i + slot / 2;
            s.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(TOP + plotH + 14)).append("\" text-anchor=\"middle\">")
                    .append(esc(DAY.format(days.get(i).date()))).append("</text>\n");
        }
        s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(f(TOP + plotH))
                .append("\" y2=\"").append(f(TOP + plotH)).append("\" stroke=\"#5b6775\" stroke-width=\"1\"/>\n");
        // Legend.
        for (int k = 0; k < all.size(); k++) {
            Series b = all.get(k);
            lx = legendAt.get(k)[0];
            double ly = HEIGHT - 8 + 16 * (legendAt.get(k)[1] - 1);
            if (b == line) {
                s.append("<line x1=\"").append(f(lx)).append("\" x2=\"").append(f(lx + 14)).append("\" y1=\"").append(f(ly - 4))
                        .append("\" y2=\"").append(f(ly - 4)).append("\" stroke=\"").append(b.colour()).append("\" stroke-width=\"2\"/>");
            } else {
                s.append("<rect x=\"").append(f(lx)).append("\" y=\"").append(f(ly - 9)).append("\" width=\"10\" height=\"10\" fill=\"")
                        .append(b.colour()).append("\"/>");
            }
            s.append("<text x=\"").append(f(lx + 18)).append("\" y=\"").append(f(ly)).append("\">").append(esc(b.name())).append("</text>\n");
        }
        s.append("</svg>\n");
        table(s, id, title, days, all);
        s.append("</div>\n<figcaption>").append(esc(title)).append(": ").append(esc(what)).append("</figcaption>\n</figure>\n");
    }

    /** Every number the chart draws, one row a day. */
    private static void table(StringBuilder s, String id, String title, List<CampaignHistory.Day> days, List<Series> series) {
        s.append("<div class=\"chart-table\" tabindex=\"0\" role=\"region\" aria-label=\"").append(esc(title + ", the numbers"))
                .append("\">\n<table>\n<caption>").append(esc(title)).append(", by day</caption>\n<thead><tr><th scope=\"col\">Day</th>");
        for (Series x : series) s.append("<th scope=\"col\">").append(esc(x.name())).append("</th>");
        s.append("</tr></thead>\n<tbody>\n");
        for (CampaignHistory.Day d : days) {
            s.append("<tr><th scope=\"row\">").append(esc(DAY.format(d.date()))).append("</th>");
            for (Series x : series) s.append("<td>").append(x.value().applyAsInt(d)).append("</td>");
            s.append("</tr>\n");
        }
        s.append("</tbody>\n</table>\n</div>\n");
    }

    /** The chart in words: the first and last day's values and the highest. */
    static String summary(List<CampaignHistory.Day> days, List<Series> bars, Series line) {
        if (days.isEmpty()) return "No days to show.";
        CampaignHistory.Day first = days.get(0);
        CampaignHistory.Day last = days.get(days.size() - 1);
        List<Series> all = new ArrayList<>(bars);
        if (line != null) all.add(line);
        StringBuilder b = new StringBuilder("From ").append(LONG_DAY.format(first.date())).append(" to ").append(LONG_DAY.format(last.date())).append(':');
        for (Series x : all) {
            int highest = 0;
            LocalDate when = first.date();
            for (CampaignHistory.Day d : days) {
                int v = x.value().applyAsInt(d);
                if (v > highest) {
                    highest = v;
                    when = d.date();
                }
            }
            b.append(' ').append(x.name()).append(' ').append(x.value().applyAsInt(first)).append(" on the first day, ")
                    .append(x.value().applyAsInt(last)).append(" on the last, highest ").append(highest);
            if (highest > 0) b.append(" on ").append(DAY.format(when));
            b.append('.');
        }
        return b.toString();
    }

    static int niceStep(int max) {
        int[] steps = {1, 2, 5};
        int magnitude = 1;
        while (true) {
            for (int st : steps) if (max / (st * magnitude) <= 5) return st * magnitude;
            magnitude *= 10;
        }
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(String s) {
        return Html.escape(s);
    }

    /** The charts' styles, for the status page's style sheet. */
    public static final String CSS = """
            .charts { margin: 8px 0 24px; }
            .charts h2 { font-size: 16px; margin: 0 0 8px; }
            figure.chart { margin: 0 0 18px; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; break-inside: avoid; page-break-inside: avoid; }
            .chart-body { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
            .chart svg { max-width: 100%; height: auto; font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; fill: #1d2733; }
            .chart svg text.mark { fill: #a1262b; }
            .chart-table { max-height: 230px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
            .chart-table table { border-collapse: collapse; font-size: 12px; }
            .chart-table caption { font-size: 12px; padding: 4px 8px; }
            .chart-table th, .chart-table td { padding: 2px 8px; border-top: 1px solid var(--line); text-align: right; }
            .chart-table th[scope=row] { text-align: left; white-space: nowrap; }
            .chart-table thead th { position: sticky; top: 0; background: var(--bg); font-size: 11px; text-transform: none; letter-spacing: 0; }
            figcaption { color: var(--muted); font-size: 12px; margin-top: 6px; }
            @media print { .chart-table { max-height: none; overflow: visible; } }
            """;
}
