package org.appban.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.Device;
import org.appban.domain.LedgerEntry;

/**
 * A device's network access as the network-access function last left it, e.g. {@code quarantined} or
 * {@code allowed}; empty when unknown. The status report and page show it per device.
 */
@FunctionalInterface
public interface NetworkAccessLookup {
    Optional<String> accessOf(Device device, List<LedgerEntry> memberChain);

    static NetworkAccessLookup unknown() {
        return (device, chain) -> Optional.empty();
    }

    /**
     * From the member's ledger chain: the latest entry about the device whose action is a key of
     * {@code stateByAction} (e.g. {@code "network.quarantined" -> "quarantined"}, {@code "network.released" ->
     * "allowed"}), dry runs and failures left out.
     */
    static NetworkAccessLookup fromLedger(Map<String, String> stateByAction) {
        Map<String, String> states = Map.copyOf(stateByAction);
        return (device, chain) -> {
            String state = null;
            for (LedgerEntry e : chain) {
                var r = e.record();
                if (!device.id().equals(r.device()) || r.dryRun() || "failed".equals(r.outcome())) continue;
                String s = states.get(r.action());
                if (s != null) state = s;
            }
            return Optional.ofNullable(state);
        };
    }
}
