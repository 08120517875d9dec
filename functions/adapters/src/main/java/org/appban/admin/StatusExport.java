package org.appban.admin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.appban.json.Json;
import org.appban.report.Reports;

/**
 * Writes a {@link StatusReport} to the reports store as {@code status/<UTC stamp>/status.json} (the report as it
 * is) and {@code status.csv} (one row per device, members without a device on a row of their own, for a
 * spreadsheet). The admin service reaches it through the port {@link StatusReportExport}.
 */
public final class StatusExport implements StatusReportExport {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    static final List<String> CSV_COLUMNS = List.of("member", "name", "email", "role", "active", "device", "label",
            "ownership", "platform", "state", "appPresence", "compliance", "exemption", "exemptUntil", "networkAccess",
            "noticesSent", "lastNotice", "exemptions");

    private final Reports reports;

    public StatusExport(Reports reports) {
        this.reports = reports;
    }

    @Override
    public Map<String, String> export(StatusReport report) {
        String folder = "status/" + STAMP.format(report.at()) + "/";
        byte[] json = Json.pretty(report).getBytes(StandardCharsets.UTF_8);
        byte[] csv = csv(report).getBytes(StandardCharsets.UTF_8);
        // The two objects are written at once: each put is a round trip to the reports store, and neither needs the other.
        java.util.concurrent.CompletableFuture<String> csvAt = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> reports.put(folder + "status.csv", "text/csv; charset=utf-8", csv), StatusExport::onItsOwnThread);
        String jsonAt = reports.put(folder + "status.json", "application/json", json);
        try {
            return Map.of("json", jsonAt, "csv", csvAt.join());
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /** A daemon thread: it never keeps a function's JVM alive. */
    private static void onItsOwnThread(Runnable task) {
        Thread t = new Thread(task, "report-put");
        t.setDaemon(true);
        t.start();
    }

    public static String csv(StatusReport report) {
        StringBuilder out = new StringBuilder();
        row(out, CSV_COLUMNS);
        for (StatusReport.MemberStatus m : report.members()) {
            StatusReport.NoticeSent last = m.notices().isEmpty() ? null : m.notices().get(m.notices().size() - 1);
            String lastNotice = last == null ? "" : last.stage() + " " + text(last.at());
            String exemptions = m.exemptions().stream().map(e -> e.id() + " " + e.state()
                    + (e.device() == null ? "" : " " + e.device())).collect(Collectors.joining("; "));
            List<StatusReport.DeviceStatus> devices = m.devices().isEmpty() ? java.util.Collections.singletonList(null) : m.devices();
            for (StatusReport.DeviceStatus d : devices) {
                List<String> cells = new ArrayList<>(List.of(m.id(), m.name(), m.email(), m.role(), String.valueOf(m.active())));
                if (d == null) {
                    cells.addAll(List.of("", "", "", "", "no-known-device", "", "", "", "", ""));
                } else {
                    cells.addAll(List.of(d.id(), d.label(), d.ownership(), d.platform(), d.state(), d.appPresence(),
                            d.compliance(), nz(d.exemption()), text(d.exemptUntil()), nz(d.networkAccess())));
                }
                cells.addAll(List.of(String.valueOf(m.notices().size()), lastNotice, exemptions));
                row(out, cells);
            }
        }
        return out.toString();
    }

    private static void row(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) out.append(',');
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    /**
     * RFC 4180 quoting, and a leading apostrophe on text a spreadsheet would run as a formula ({@code = + - @}):
     * names and reasons come from people, and a report must not execute what they typed.
     */
    static String cell(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) v = "'" + v;
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    private static String text(Instant i) {
        return i == null ? "" : i.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
