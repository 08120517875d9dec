package org.appban.access;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import org.appban.json.Json;

/**
 * Administrator alerts as one JSON line each in the function's log ({@code "level":"WARN","alert":...}), which a
 * CloudWatch metric filter in template.yaml counts and an alarm watches. Facts are ids and reasons, never a
 * credential or a member's address.
 */
public final class LoggedAccessAlerts implements AccessAlerts {
    private final PrintStream out;

    public LoggedAccessAlerts(PrintStream out) {
        this.out = out;
    }

    @Override
    public void alert(String subject, String body, Map<String, String> facts) {
        ObjectNode line = Json.object().put("level", "WARN").put("alert", "appban.network-access")
                .put("subject", subject).put("body", body);
        ObjectNode f = line.putObject("facts");
        new TreeMap<>(facts).forEach(f::put);
        out.println(Json.write(line));
    }
}
