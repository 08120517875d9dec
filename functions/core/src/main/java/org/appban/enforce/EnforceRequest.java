package org.appban.enforce;

import org.appban.domain.WireNamed;
import java.util.Locale;

/**
 * What a run is asked to do (read from its events by {@code EnforceRequestJson} in adapters). Schedules send {@code {"trigger":"deadline"}} and {@code {"trigger":"reconcile"}};
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
}
