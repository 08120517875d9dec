package org.appban.enforce;

import org.appban.domain.WireNamed;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.appban.input.StrictObject;

/**
 * What a run is asked to do. Schedules send {@code {"trigger":"deadline"}} and {@code {"trigger":"reconcile"}};
 * administrators send manual requests, dry-run unless they say {@code "dryRun": false}:
 * <pre>
 * {"request":"enforce", "members":["m01"] | "devices":["intune:..."] | "all":true, "dryRun":false, "confirm":12}
 * {"request":"reconcile-device", "device":"intune:...", "dryRun":false}
 * </pre>
 * {@code confirm: N} is the administrator's explicit go-ahead for a run that would start removal on up to N devices
 * when that is over the policy's blast-radius cap. Schedules may carry one too (set when the stack is deployed).
 *
 * @param inline act on the devices within this invocation (few, listed devices) instead of fanning out
 */
public record EnforceRequest(Trigger trigger, EnforcementScope scope, boolean dryRun, Integer confirm, boolean inline) {

    public enum Trigger implements WireNamed {
        DEADLINE, RECONCILE, ENFORCE, RECONCILE_DEVICE;

        @Override
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public boolean scheduled() {
            return this == DEADLINE || this == RECONCILE;
        }
    }

    public static EnforceRequest deadline() {
        return new EnforceRequest(Trigger.DEADLINE, EnforcementScope.ALL, false, null, false);
    }

    public static EnforceRequest reconcile() {
        return new EnforceRequest(Trigger.RECONCILE, EnforcementScope.ALL, false, null, false);
    }

    public EnforceRequest confirmed(int devices) {
        return new EnforceRequest(trigger, scope, dryRun, devices, inline);
    }

    public EnforceRequest asDryRun() {
        return new EnforceRequest(trigger, scope, true, confirm, inline);
    }

    public static EnforceRequest enforceAll(boolean dryRun, Integer confirm) {
        return new EnforceRequest(Trigger.ENFORCE, EnforcementScope.ALL, dryRun, confirm, false);
    }

    public static EnforceRequest enforce(EnforcementScope scope, boolean dryRun, Integer confirm) {
        return new EnforceRequest(Trigger.ENFORCE, scope, dryRun, confirm, !scope.all());
    }

    public static EnforceRequest reconcileDevice(String deviceId, boolean dryRun, Integer confirm) {
        return new EnforceRequest(Trigger.RECONCILE_DEVICE, EnforcementScope.devices(java.util.Set.of(deviceId)), dryRun, confirm, true);
    }

    /** A schedule's event: {@code {"trigger": "deadline"|"reconcile", "confirm"?: N}}. */
    public static EnforceRequest parseTrigger(JsonNode event) {
        StrictObject.Problems problems = new StrictObject.Problems("enforce-removal schedule event");
        StrictObject o = StrictObject.root(event, problems);
        String trigger = o.text("trigger");
        Integer confirm = confirm(o);
        o.rejectUnknownFields();
        EnforceRequest r = null;
        if ("deadline".equals(trigger)) r = deadline();
        else if ("reconcile".equals(trigger)) r = reconcile();
        else if (trigger != null) o.problem("trigger", "must be deadline or reconcile, found '" + trigger + "'");
        problems.throwIfAny();
        return confirm == null ? r : r.confirmed(confirm);
    }

    /** An administrator's request (see the class comment); every problem is named at once. */
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
                r = enforceAll(dryRun, confirm);
            } else if (hasMembers) {
                if (members.isEmpty()) o.problem("members", "must name at least one member");
                r = enforce(EnforcementScope.members(new LinkedHashSet<>(members)), dryRun, confirm);
            } else {
                if (devices.isEmpty()) o.problem("devices", "must name at least one device");
                r = enforce(EnforcementScope.devices(new LinkedHashSet<>(devices)), dryRun, confirm);
            }
        } else if ("reconcile-device".equals(request)) {
            String device = o.text("device");
            if (device != null) r = reconcileDevice(device, dryRun, confirm);
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
