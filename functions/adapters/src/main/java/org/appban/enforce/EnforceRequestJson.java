package org.appban.enforce;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import org.appban.input.StrictObject;

/** Reads an {@link EnforceRequest} from a schedule's event or an administrator's request, strictly. */
public final class EnforceRequestJson {
    private EnforceRequestJson() {
    }

    /** A schedule's event: {@code {"trigger": "deadline"|"reconcile", "confirm"?: N}}. */
    public static EnforceRequest parseTrigger(JsonNode event) {
        StrictObject.Problems problems = new StrictObject.Problems("enforce-removal schedule event");
        StrictObject o = StrictObject.root(event, problems);
        String trigger = o.text("trigger");
        Integer confirm = confirm(o);
        o.rejectUnknownFields();
        EnforceRequest r = null;
        if ("deadline".equals(trigger)) r = EnforceRequest.deadline();
        else if ("reconcile".equals(trigger)) r = EnforceRequest.reconcile();
        else if (trigger != null) o.problem("trigger", "must be deadline or reconcile, found '" + trigger + "'");
        problems.throwIfAny();
        return confirm == null ? r : r.confirmed(confirm);
    }

    /** An administrator's request (see {@link EnforceRequest}'s comment); every problem is named at once. */
    public static EnforceRequest parseManual(JsonNode event) {
        StrictObject.Problems problems = new StrictObject.Problems("enforce-removal request");
        StrictObject o = StrictObject.root(event, problems);
        String request = o.text("request");
        boolean dryRun = Boolean.TRUE.equals(o.bool("dryRun", true));
        Integer confirm = confirm(o);
        EnforceRequest r = null;
        if ("enforce".equals(request)) {
            boolean hasMembers = o.has("members");
            boolean hasDevices = o.has("devices");
            boolean all = Boolean.TRUE.equals(o.bool("all", false));
            List<String> members = hasMembers ? o.texts("members", true) : List.of();
            List<String> devices = hasDevices ? o.texts("devices", true) : List.of();
            int chosen = (hasMembers ? 1 : 0) + (hasDevices ? 1 : 0) + (all ? 1 : 0);
            if (chosen != 1) {
                o.problem(null, "say which devices: exactly one of \"members\": [...], \"devices\": [...] or \"all\": true");
            } else if (all) {
                r = EnforceRequest.enforceAll(dryRun, confirm);
            } else if (hasMembers) {
                if (members.isEmpty()) o.problem("members", "must name at least one member");
                r = EnforceRequest.enforce(EnforcementScope.members(new LinkedHashSet<>(members)), dryRun, confirm);
            } else {
                if (devices.isEmpty()) o.problem("devices", "must name at least one device");
                r = EnforceRequest.enforce(EnforcementScope.devices(new LinkedHashSet<>(devices)), dryRun, confirm);
            }
        } else if ("reconcile-device".equals(request)) {
            String device = o.text("device");
            if (device != null) r = EnforceRequest.reconcileDevice(device, dryRun, confirm);
        } else if (request != null) {
            o.problem("request", "must be enforce or reconcile-device, found '" + request + "'");
        }
        o.rejectUnknownFields();
        problems.throwIfAny();
        return r;
    }

    private static Integer confirm(StrictObject o) {
        if (!o.has("confirm")) return null;
        Integer n = o.integer("confirm");
        if (n != null && n < 1) {
            o.problem("confirm", "must be the number of devices confirmed (at least 1), found " + n);
            return null;
        }
        return n;
    }
}
