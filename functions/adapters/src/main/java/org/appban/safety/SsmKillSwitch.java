package org.appban.safety;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import org.appban.json.Json;

/**
 * The kill switch as an SSM parameter (named by KILL_SWITCH_PARAMETER). Its value is JSON
 * {@code {"engaged": true, "by": "...", "reason": "..."}}; the plain words {@code on}/{@code off} also work, so an
 * administrator can flip it from the console in an emergency. Anything unreadable counts as engaged: when in doubt,
 * destructive actions stop.
 */
public final class SsmKillSwitch implements KillSwitch {
    private final Supplier<SsmClient> ssm;
    private final String parameter;

    public SsmKillSwitch(SsmClient ssm, String parameter) {
        this(() -> ssm, parameter);
    }

    /** With the client built on first use: a run that never calls Ssm never pays for building its client (cold start). */
    public SsmKillSwitch(Supplier<SsmClient> ssm, String parameter) {
        this.ssm = ssm;
        this.parameter = parameter;
    }

    @Override
    public State read() {
        String value;
        try {
            value = ssm.get().getParameter(r -> r.name(parameter)).parameter().value();
        } catch (ParameterNotFoundException e) {
            return State.OFF;
        }
        return parse(value);
    }

    static State parse(String value) {
        String v = value == null ? "" : value.trim();
        if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false") || v.isEmpty()) return State.OFF;
        if (v.equalsIgnoreCase("on") || v.equalsIgnoreCase("true")) return new State(true, null, null);
        try {
            JsonNode n = Json.parse(v);
            if (n != null && n.path("engaged").isBoolean()) {
                return new State(n.path("engaged").booleanValue(), n.path("by").asText(null), n.path("reason").asText(null));
            }
        } catch (java.io.IOException e) {
            // fall through: unreadable
        }
        return new State(true, null, "kill switch parameter is unreadable, treated as engaged");
    }

    @Override
    public void set(boolean engaged, String by, String reason) {
        ObjectNode o = Json.object().put("engaged", engaged).put("by", by).put("reason", reason);
        ssm.get().putParameter(r -> r.name(parameter).value(Json.write(o)).type(ParameterType.STRING).overwrite(true));
    }
}
