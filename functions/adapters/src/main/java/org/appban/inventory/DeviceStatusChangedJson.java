package org.appban.inventory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.input.StrictObject;
import org.appban.json.Json;

/** A {@link DeviceStatusChanged} as the {@code detail} of its EventBridge event: written, and read strictly. */
public final class DeviceStatusChangedJson {
    private DeviceStatusChangedJson() {
    }

    public static ObjectNode toDetail(DeviceStatusChanged c) {
        ObjectNode o = Json.object();
        o.put("policy", c.policy()).put("device", c.device()).put("member", c.member()).put("change", c.change().wireName()).put("at", c.at().toString());
        if (c.before() != null) state(o.putObject("before"), c.before());
        if (c.after() != null) state(o.putObject("after"), c.after());
        return o;
    }

    private static void state(ObjectNode o, DeviceStatusChanged.State s) {
        o.put("appPresence", s.appPresence().name().toLowerCase(Locale.ROOT));
        o.put("compliance", s.compliance().name().toLowerCase(Locale.ROOT));
    }

    /** Reads the {@code detail} of an EventBridge event strictly; problems are collected in {@code detail}'s Problems. */
    public static DeviceStatusChanged fromDetail(StrictObject d) {
        String policy = d.text("policy");
        String device = d.text("device");
        String member = d.text("member");
        DeviceStatusChanged.Change change = d.parsed("change", true, "a change (new-device, device-gone, app-appeared, app-disappeared, compliance-changed)", DeviceStatusChanged.Change::parse);
        Instant at = d.instant("at", true);
        DeviceStatusChanged.State before = state(d.object("before", false));
        DeviceStatusChanged.State after = state(d.object("after", false));
        d.rejectUnknownFields();
        return new DeviceStatusChanged(policy, device, member, change, at, before, after);
    }

    private static DeviceStatusChanged.State state(StrictObject s) {
        if (s == null) return null;
        AppPresence p = s.parsed("appPresence", true, "present, absent or unknown", v -> AppPresence.valueOf(v.toUpperCase(Locale.ROOT)));
        ComplianceState c = s.parsed("compliance", true, "a compliance state", v -> ComplianceState.valueOf(v.toUpperCase(Locale.ROOT)));
        s.rejectUnknownFields();
        return p == null || c == null ? null : new DeviceStatusChanged.State(p, c);
    }
}
