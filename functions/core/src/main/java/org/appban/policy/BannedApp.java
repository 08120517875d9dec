package org.appban.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.domain.Platform;

/**
 * The app the policy bans, as each system knows it.
 *
 * @param identifiers  bundle ids / package names per platform (the MDM's and the store's identity of the app)
 * @param displayNames names as MDM inventories report them (Intune's detectedApps has no bundle id)
 * @param storeUrls    store listing per platform, used by compliance rules that need one
 * @param domains      network domains the app contacts, matched in DNS or firewall telemetry
 */
public record BannedApp(
        String name,
        Map<Platform, List<String>> identifiers,
        List<String> displayNames,
        Map<Platform, String> storeUrls,
        List<String> domains) {

    public Set<Platform> platforms() {
        return identifiers.keySet();
    }

    public List<String> identifiersFor(Platform platform) {
        return identifiers.getOrDefault(platform, List.of());
    }

    public boolean matchesDisplayName(String displayName) {
        return displayName != null && displayNames.stream().anyMatch(n -> n.equalsIgnoreCase(displayName.trim()));
    }

    /** True when {@code host} is one of the app's domains or a subdomain of one. */
    public boolean matchesDomain(String host) {
        if (host == null) return false;
        String h = host.trim().toLowerCase(java.util.Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        for (String d : domains) {
            if (h.equals(d) || h.endsWith("." + d)) return true;
        }
        return false;
    }
}
