package org.appban.access;

import java.time.Instant;
import java.util.Objects;
import org.appban.domain.MacAddress;

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
 * shows at once. The CSV form has the header {@code log,time,mac,ip,name}. Reading either form is
 * {@code TelemetryReader}'s (adapters): a record here is already valid.
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
}
