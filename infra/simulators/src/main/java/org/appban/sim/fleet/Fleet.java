package org.appban.sim.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A scenario fleet: the people, their devices, the exemptions on record and what happens to the devices over time.
 * The simulators load it; the rehearsal and the tests drive it with a {@link org.appban.sim.SimClock}.
 *
 * @param startsAt     where the simulated clock starts when nobody says otherwise
 * @param catalog      display names of app identifiers, as an MDM's inventory reports them
 * @param attestations members confirming their private devices are clean, in time order (the rehearsal records
 *                     each through the attestation service when its time comes)
 * @param warnings     what the file said that was ignored, each with its field path (shown before a run starts)
 */
public record Fleet(
        String source,
        String name,
        Instant startsAt,
        List<CatalogApp> catalog,
        List<FleetMember> members,
        List<FleetDevice> devices,
        List<FleetExemption> exemptions,
        List<FleetEvent> events,
        List<FleetAttestation> attestations,
        List<String> warnings) {

    public Fleet {
        warnings = List.copyOf(warnings);
        catalog = List.copyOf(catalog);
        members = List.copyOf(members);
        devices = List.copyOf(devices);
        exemptions = List.copyOf(exemptions);
        events = List.copyOf(events);
        attestations = List.copyOf(attestations);
    }

    /** A fleet with nothing to warn about. */
    public Fleet(String source, String name, Instant startsAt, List<CatalogApp> catalog, List<FleetMember> members, List<FleetDevice> devices,
                 List<FleetExemption> exemptions, List<FleetEvent> events, List<FleetAttestation> attestations) {
        this(source, name, startsAt, catalog, members, devices, exemptions, events, attestations, List.of());
    }

    /**
     * This fleet with a banned app filled in where the file leaves it to the policy: an {@code install-app} event
     * without an app installs {@code identifiers}' first for the device's platform, a {@code remove-app} event without
     * one removes every identifier of it; and each of {@code identifiers} missing from the catalog is shown by MDM
     * inventories as {@code name}. A platform with no identifier leaves the event as it is (the caller refuses it).
     *
     * @param identifiers the app's identifiers by platform ({@link FleetDevice.Platform#wire()})
     */
    public Fleet forApp(String name, java.util.Map<String, List<String>> identifiers) {
        List<CatalogApp> names = new java.util.ArrayList<>(catalog);
        identifiers.values().stream().flatMap(List::stream).distinct()
                .filter(id -> catalogApp(id).isEmpty())
                .forEach(id -> names.add(new CatalogApp(id, name, null)));
        List<FleetEvent> resolved = new java.util.ArrayList<>();
        for (FleetEvent e : events) {
            List<String> ids = device(e.device()).map(d -> identifiers.getOrDefault(d.platform().wire(), List.of())).orElse(List.of());
            if (!e.action().concernsApp() || e.app() != null || ids.isEmpty()) {
                resolved.add(e);
            } else if (e.action() == FleetEvent.Action.INSTALL_APP) {
                resolved.add(new FleetEvent(e.at(), e.device(), e.action(), ids.get(0)));
            } else {
                ids.forEach(id -> resolved.add(new FleetEvent(e.at(), e.device(), e.action(), id)));
            }
        }
        return new Fleet(source, this.name, startsAt, names, members, devices, exemptions, resolved, attestations, warnings);
    }

    /** A fleet without attestations. */
    public Fleet(String source, String name, Instant startsAt, List<CatalogApp> catalog, List<FleetMember> members, List<FleetDevice> devices,
                 List<FleetExemption> exemptions, List<FleetEvent> events) {
        this(source, name, startsAt, catalog, members, devices, exemptions, events, List.of());
    }

    /** The attestations with {@code after < at <= until}: those due when the clock moves from {@code after} to {@code until}. */
    public List<FleetAttestation> attestationsBetween(Instant after, Instant until) {
        return attestations.stream().filter(a -> a.at().isAfter(after) && !a.at().isAfter(until)).toList();
    }

    public Optional<FleetMember> member(String id) {
        return members.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    public Optional<FleetDevice> device(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** The name an MDM inventory shows for an app identifier (the identifier itself when the catalog has none). */
    public String displayName(String identifier) {
        return catalog.stream().filter(a -> a.identifier().equals(identifier)).map(CatalogApp::name).findFirst().orElse(identifier);
    }

    public Optional<CatalogApp> catalogApp(String identifier) {
        return catalog.stream().filter(a -> a.identifier().equals(identifier)).findFirst();
    }

    /** True when the device joins the fleet only when an {@code enroll} event says so. */
    public boolean joinsLater(String deviceId) {
        return events.stream().anyMatch(e -> e.device().equals(deviceId) && e.action() == FleetEvent.Action.ENROLL);
    }
}
