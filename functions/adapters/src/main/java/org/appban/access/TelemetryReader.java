package org.appban.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.appban.domain.MacAddress;
import org.appban.input.InputProblem;
import org.appban.input.StrictObject;
import org.appban.json.Json;

/**
 * Reads a telemetry log object line by line (it may be large: nothing but the current line is held), handing each
 * valid record on and collecting the problems of the others with their line numbers, so one bad line costs only
 * itself.
 */
public final class TelemetryReader {
    public enum Format {
        /** One JSON object per line ({@code .jsonl}, {@code .ndjson}, {@code .json}, {@code .log}). */
        JSON_LINES,
        /** Comma-separated with the header {@code log,time,mac,ip,name} ({@code .csv}). */
        CSV
    }

    private static final List<String> CSV_COLUMNS = List.of("log", "time", "mac", "ip", "name");

    /** The format a log object's key names (a trailing {@code .gz} aside), or null when it names none we read. */
    public static Format formatOf(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".gz")) k = k.substring(0, k.length() - 3);
        if (k.endsWith(".csv")) return Format.CSV;
        for (String ext : Set.of(".jsonl", ".ndjson", ".json", ".log")) if (k.endsWith(ext)) return Format.JSON_LINES;
        return null;
    }

    /** A log object read as it streams, in the format its key names. */
    public static TelemetryLog log(BufferedReader in, Format format) {
        return (sink, problems) -> new TelemetryReader().read(in, format, sink, problems);
    }

    /** The {@code records} array of a telemetry event, each element in the JSON-lines form. */
    public static TelemetryLog records(JsonNode records) {
        return (sink, problems) -> {
            for (int i = 0; i < records.size(); i++) accept(records.get(i), "records[" + i + "]", sink, problems);
        };
    }

    public void read(BufferedReader in, Format format, Consumer<TelemetryRecord> sink, TelemetryProblems problems) {
        try {
            if (format == Format.CSV) readCsv(in, sink, problems);
            else readJsonLines(in, sink, problems);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the log object failed: " + e.getMessage(), e);
        }
    }

    private void readJsonLines(BufferedReader in, Consumer<TelemetryRecord> sink, TelemetryProblems problems) throws IOException {
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank()) continue;
            JsonNode node;
            try {
                node = Json.parse(line);
            } catch (JsonProcessingException e) {
                problems.add("line " + n + ": not valid JSON: " + e.getOriginalMessage());
                continue;
            }
            accept(node, "line " + n, sink, problems);
        }
    }

    private void readCsv(BufferedReader in, Consumer<TelemetryRecord> sink, TelemetryProblems problems) throws IOException {
        String header = in.readLine();
        if (header == null) return;
        List<String> columns = splitCsv(header).stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
        if (!columns.equals(CSV_COLUMNS)) {
            problems.add("line 1: the header must be " + String.join(",", CSV_COLUMNS) + ", found " + header);
            return;
        }
        String line;
        int n = 1;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank()) continue;
            List<String> cells = splitCsv(line);
            if (cells.size() != CSV_COLUMNS.size()) {
                problems.add("line " + n + ": expected " + CSV_COLUMNS.size() + " columns, found " + cells.size());
                continue;
            }
            ObjectNode o = Json.object();
            o.put("log", cells.get(0).trim()).put("time", cells.get(1).trim()).put("mac", cells.get(2).trim());
            if (!cells.get(3).isBlank()) o.put("ip", cells.get(3).trim());
            String log = cells.get(0).trim();
            o.put(log.equals("firewall") ? "sni" : "query", cells.get(4).trim());
            accept(o, "line " + n, sink, problems);
        }
    }

    /** Splits one CSV line: fields may be quoted, with "" for a quote inside (RFC 4180; no line breaks in fields). */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString());
        return out;
    }

    /** Validates one record (a line, a CSV row, an event element) and hands it on or files its problems. */
    public static void accept(JsonNode node, String where, Consumer<TelemetryRecord> sink, TelemetryProblems problems) {
        StrictObject.Problems p = new StrictObject.Problems(where);
        TelemetryRecord r = record(StrictObject.root(node, p));
        if (r != null) {
            sink.accept(r);
            return;
        }
        problems.add(p.list().stream().map((InputProblem ip) -> where + ": " + ip).toArray(String[]::new));
    }

    /** Reads one record strictly; null when it has problems (recorded in {@code o}'s problems). */
    static TelemetryRecord record(StrictObject o) {
        Sighting.Via log = o.parsed("log", true, "dns or firewall", Sighting.Via::parse);
        Instant time = o.instant("time", true);
        String rawMac = o.text("mac");
        MacAddress mac = null;
        try {
            if (rawMac != null) mac = MacAddress.parse(rawMac);
        } catch (MacAddress.Malformed e) {
            o.problem("mac", e.getMessage());
        }
        String ip = o.optionalText("ip").orElse(null);
        String name = null;
        if (log == Sighting.Via.DNS) {
            name = o.text("query");
            o.optionalText("qtype");
            o.optionalText("rcode");
        } else if (log == Sighting.Via.FIREWALL) {
            String sni = o.optionalText("sni").orElse(null);
            String host = o.optionalText("host").orElse(null);
            name = sni != null ? sni : host;
            if (name == null) o.problem(null, "a firewall record needs sni or host");
            o.optionalText("dst");
            o.integer("port", 0);
            o.optionalText("proto");
            o.optionalText("action");
        }
        o.rejectUnknownFields();
        if (!o.problems().isEmpty() || log == null || time == null || mac == null || name == null) return null;
        return new TelemetryRecord(log, time, mac, ip, name);
    }
}
