package org.appban.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import org.appban.domain.MacAddress;
import org.appban.input.StrictObject;

/**
 * One DNS query or firewall connection as a log shipper delivers it, before matching. The wire format (one JSON
 * object per line of a log object, or per element of a telemetry event's {@code records}) is:
 * <pre>
 * {"log":"dns","time":"2023-04-08T09:15:02.123+12:00","mac":"02:AB:00:00:00:08","ip":"10.20.3.4",
 *  "query":"api16-normal-c-useast1a.tiktokv.com","qtype":"A"}
 * {"log":"firewall","time":"2023-04-08T09:15:03Z","mac":"02:AB:00:00:00:08","ip":"10.20.3.4",
 *  "sni":"www.tiktok.com","dst":"203.0.113.10","port":443,"action":"allow"}
 * </pre>
 * {@code log}, {@code time} (ISO-8601 with offset), {@code mac} (the client's MAC: joining the client's IP to its
 * MAC through DHCP or NAC sessions is the shipper's job) and the name ({@code query} for dns, {@code sni} or
 * {@code host} for firewall) are required; {@code ip}, {@code qtype}, {@code rcode}, {@code dst}, {@code port},
 * {@code proto} and {@code action} are optional and never kept. Anything else is rejected, so a shipper's mistake
 * shows at once. The CSV form has the header {@code log,time,mac,ip,name}.
 *
 * @param name the queried name (dns) or the TLS server name / HTTP host (firewall)
 */
public record TelemetryRecord(Sighting.Via log, Instant time, MacAddress mac, String ip, String name) {
    public TelemetryRecord {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(name, "name");
    }

    /** Reads one record strictly; null when it has problems (recorded in {@code o}'s problems). */
    public static TelemetryRecord read(StrictObject o) {
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

    /** For the CSV form, whose columns are strings. */
    public static TelemetryRecord read(JsonNode row, StrictObject.Problems problems) {
        return read(StrictObject.root(row, problems));
    }
}
