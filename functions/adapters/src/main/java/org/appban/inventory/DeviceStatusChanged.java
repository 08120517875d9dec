package org.appban.inventory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.input.StrictObject;
import org.appban.json.Json;

/**
 * The event inventory sync publishes (EventBridge, source {@value #SOURCE}, detail-type {@value #DETAIL_TYPE}) for
 * each real change in a device's state; notify-members and network-access react to it.
 *
 * @param change what changed
 * @param before the device's app presence and compliance before (null for a new device)
 * @param after  the same after (null for a device gone from the MDM)
 */
public record DeviceStatusChanged(
        String policy,
        String device,
        String member,
        Change change,
        Instant at,
        State before,
        State after) {

    public static final String SOURCE = "appban.inventory";
    public static final String DETAIL_TYPE = "DeviceStatusChanged";

    public enum Change {
        NEW_DEVICE, DEVICE_GONE, APP_APPEARED, APP_DISAPPEARED, COMPLIANCE_CHANGED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Change parse(String s) {
            for (Change c : values()) if (c.wireName().equals(s)) return c;
            throw new IllegalArgumentException("unknown change '" + s + "'");
        }
    }

    public record State(AppPresence appPresence, ComplianceState compliance) {
    }

    public ObjectNode toDetail() {
        ObjectNode o = Json.object();
        o.put("policy", policy).put("device", device).put("member", member).put("change", change.wireName()).put("at", at.toString());
        if (before != null) state(o.putObject("before"), before);
        if (after != null) state(o.putObject("after"), after);
        return o;
    }

    private static void state(ObjectNode o, State s) {
        o.put("appPresence", s.appPresence().name().toLowerCase(Locale.ROOT));
        o.put("compliance", s.compliance().name().toLowerCase(Locale.ROOT));
    }

    /** Reads the {@code detail} of an EventBridge event strictly; problems are collected in {@code detail}'s Problems. */
    public static DeviceStatusChanged fromDetail(StrictObject d) {
        String policy = d.text("policy");
        String device = d.text("device");
        String member = d.text("member");
        Change change = d.parsed("change", true, "a change (new-device, device-gone, app-appeared, app-disappeared, compliance-changed)", Change::parse);
        Instant at = d.instant("at", true);
        State before = state(d.object("before", false));
        State after = state(d.object("after", false));
        d.rejectUnknownFields();
        return new DeviceStatusChanged(policy, device, member, change, at, before, after);
    }

    private static State state(StrictObject s) {
        if (s == null) return null;
        AppPresence p = s.parsed("appPresence", true, "present, absent or unknown", v -> AppPresence.valueOf(v.toUpperCase(Locale.ROOT)));
        ComplianceState c = s.parsed("compliance", true, "a compliance state", v -> ComplianceState.valueOf(v.toUpperCase(Locale.ROOT)));
        s.rejectUnknownFields();
        return p == null || c == null ? null : new State(p, c);
    }

}
