package org.appban.sim.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.appban.sim.world.SimDevice;
import org.appban.sim.world.SimWorld;
import org.appban.sim.world.WorldEntry;

/**
 * The network's DNS log, made from the simulated world's truth: in every hour of a window, each present device with
 * a MAC that carried one of the given apps during that hour and was on the network looks up the app's domains a
 * few times. Devices without the app generate nothing (their other traffic is of no interest and would be dropped
 * anyway). Deterministic for a seed.
 *
 * <p>Lines are in the network-access function's telemetry format:
 * {@code {"log":"dns","time":...,"mac":...,"ip":...,"query":...,"qtype":"A"}}.
 *
 * <p>Whether a device carried an app at the moment of each lookup is reconstructed from the world's history (owner
 * removals and installs, MDM uninstalls); whether it is on the network is asked of {@code onNetwork} when the window
 * is made, so make each window just after it has passed, as the rehearsal's clock moves on. Whether a quarantined
 * device still shows up is the caller's choice: a NAC quarantine usually still lets the device resolve names
 * through the organisation's (logged) resolvers, to reach the remediation portal, so {@code mac -> true} is the
 * realistic default; {@code mac -> nac.policyOf(mac) == null} models a quarantine that cuts DNS too.
 */
public final class TelemetryGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PREFIXES = List.of("", "www.", "api16-normal-c-alisg.", "log16-normal-c-useast1a.", "p16-sign-va.", "v16m.");

    private final SimWorld world;
    private final Set<String> apps;
    private final List<String> domains;
    private final Random random;

    public TelemetryGenerator(SimWorld world, Collection<String> appIdentifiers, Collection<String> appDomains, long seed) {
        this.world = world;
        this.apps = Set.copyOf(appIdentifiers);
        this.domains = List.copyOf(appDomains);
        this.random = new Random(seed);
        if (domains.isEmpty()) throw new IllegalArgumentException("the app needs at least one domain");
    }

    /** DNS lookups in {@code [from, to)}, in time order, one JSON object per line. */
    public List<String> dns(Instant from, Instant to, Predicate<String> onNetwork) {
        List<Line> lines = new ArrayList<>();
        // Only changes after the window's start can undo today's apps at a lookup's time: those, by device, so a
        // lookup reads its own device's few entries instead of the whole fleet's history.
        java.util.Map<String, List<WorldEntry>> later = new java.util.HashMap<>();
        for (WorldEntry e : world.history()) {
            if (e.at().isAfter(from)) later.computeIfAbsent(e.device(), k -> new ArrayList<>()).add(e);
        }
        for (SimDevice d : world.devices()) {
            List<WorldEntry> history = later.getOrDefault(d.id(), List.of());
            String mac = d.spec().mac();
            if (!d.present() || mac == null || !onNetwork.test(mac)) continue;
            for (Instant hour = from; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
                int lookups = 1 + random.nextInt(3);
                for (int i = 0; i < lookups; i++) {
                    Instant at = hour.plusMillis((long) random.nextInt(3_600_000));
                    // The app looks its domains up only while it is on the device: checked at the lookup's own time.
                    if (!at.isBefore(to) || !carriesAnApp(d, at, history)) continue;
                    String name = PREFIXES.get(random.nextInt(PREFIXES.size())) + domains.get(random.nextInt(domains.size()));
                    String line = JSON.createObjectNode().put("log", "dns").put("time", at.toString()).put("mac", mac)
                            .put("ip", "10.20." + Math.floorMod(mac.hashCode(), 250) + "." + (1 + Math.floorMod(d.id().hashCode(), 250)))
                            .put("query", name).put("qtype", "A").toString();
                    lines.add(new Line(at, line));
                }
            }
        }
        lines.sort((a, b) -> a.at().compareTo(b.at()));
        return lines.stream().map(Line::text).toList();
    }

    private record Line(Instant at, String text) {
    }

    /** Whether the device had one of the apps at {@code t}: today's apps, with every later change undone. */
    boolean carriesAnApp(SimDevice d, Instant t, List<WorldEntry> history) {
        for (String app : apps) {
            boolean present = d.apps().contains(app);
            for (int i = history.size() - 1; i >= 0; i--) {
                WorldEntry e = history.get(i);
                if (!e.device().equals(d.id()) || !e.at().isAfter(t) || !concerns(e, app)) continue;
                switch (e.what()) {
                    case "app-removed-by-owner", "app-uninstalled-by-mdm" -> present = true;
                    case "app-installed-by-owner" -> present = false;
                    default -> {
                    }
                }
            }
            if (present) return true;
        }
        return false;
    }

    private static boolean concerns(WorldEntry e, String app) {
        String detail = e.detail() == null ? "" : e.detail();
        return detail.equals(app) || detail.endsWith(": " + app);
    }
}
