package org.appban.enforce;

import java.util.Set;
import org.appban.domain.Device;

/**
 * Which devices a run acts on device by device. The MDM's fleet-wide state (assignment, exclusions, block, rule)
 * is always reconciled for the whole fleet: assigning the uninstall to a subset would take it off the rest.
 */
public record EnforcementScope(Set<String> members, Set<String> devices) {
    public static final EnforcementScope ALL = new EnforcementScope(null, null);

    public EnforcementScope {
        members = members == null ? null : Set.copyOf(members);
        devices = devices == null ? null : Set.copyOf(devices);
    }

    public static EnforcementScope members(Set<String> ids) {
        return new EnforcementScope(ids, null);
    }

    public static EnforcementScope devices(Set<String> ids) {
        return new EnforcementScope(null, ids);
    }

    public boolean all() {
        return members == null && devices == null;
    }

    public boolean includes(Device d) {
        if (all()) return true;
        return (members != null && members.contains(d.owner())) || (devices != null && devices.contains(d.id()));
    }
}
