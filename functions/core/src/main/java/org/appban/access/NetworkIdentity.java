package org.appban.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;

/**
 * How a device is known on the network, and whether that is unambiguous. The NAC keys endpoints by MAC address, so
 * a device without a usable MAC cannot be acted on, and a MAC two devices share would act on both: either is
 * reported to the administrators instead of guessed at.
 *
 * @param mac        the device's MAC, or null when it has none
 * @param sharedWith the other devices with the same MAC (empty unless SHARED)
 */
public record NetworkIdentity(Status status, MacAddress mac, List<String> sharedWith) {
    public enum Status {
        UNIQUE, NO_ADDRESS, SHARED
    }

    public NetworkIdentity {
        sharedWith = List.copyOf(sharedWith);
    }

    public boolean unique() {
        return status == Status.UNIQUE;
    }

    public String explain() {
        return switch (status) {
            case UNIQUE -> "known on the network as " + mac;
            case NO_ADDRESS -> "no usable network address (MAC) is known for it";
            case SHARED -> "its MAC " + mac + " is also the MAC of " + String.join(", ", sharedWith);
        };
    }

    /**
     * The identity of every device, judged against all the others: retired devices are left out of the
     * comparison (they no longer reach the network through their MDM's record), so a MAC reused after a device
     * left is not a collision.
     */
    public static Map<String, NetworkIdentity> of(Collection<Device> devices) {
        Map<MacAddress, List<String>> byMac = new HashMap<>();
        for (Device d : devices) {
            MacAddress mac = d.macAddress();
            if (mac != null && !d.retired()) byMac.computeIfAbsent(mac, k -> new ArrayList<>()).add(d.id());
        }
        Map<String, NetworkIdentity> out = new HashMap<>();
        for (Device d : devices) {
            MacAddress mac = d.macAddress();
            if (mac == null) {
                out.put(d.id(), new NetworkIdentity(Status.NO_ADDRESS, null, List.of()));
                continue;
            }
            List<String> others = byMac.getOrDefault(mac, List.of()).stream().filter(id -> !id.equals(d.id())).sorted().toList();
            out.put(d.id(), others.isEmpty() ? new NetworkIdentity(Status.UNIQUE, mac, List.of()) : new NetworkIdentity(Status.SHARED, mac, others));
        }
        return out;
    }
}
