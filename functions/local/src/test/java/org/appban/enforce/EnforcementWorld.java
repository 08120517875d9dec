package org.appban.enforce;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.appban.domain.Actor;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerEntry;
import org.appban.domain.MdmKind;
import org.appban.fleet.FleetEnforcement;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.fleet.SimulatedFleet;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphEnforcement;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProEnforcement;
import org.appban.fleet.jamf.JamfProInventory;
import org.appban.notice.NoticeRequest;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.Secret;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.fleet.FleetExemption;
import org.appban.sim.fleet.FleetMember;
import org.appban.sim.http.RecordedRequest;
import org.appban.sim.http.SimServer;
import org.appban.sim.world.SimDevice;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;

/**
 * A whole enforcement setup on embedded adapters: the simulators over a fleet (real HTTP), the real Intune and Jamf
 * adapters, in-memory stores filled the way inventory sync fills them, and the service with its in-process queue.
 * Time is the simulators' clock.
 */
final class EnforcementWorld implements AutoCloseable {
    static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    static final Instant DEADLINE = POLICY.deadlineInstant();

    final SimulatedFleet fleet;
    final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    final InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
    final InMemoryLedger ledger = new InMemoryLedger();
    final InMemoryClaims claims = new InMemoryClaims();
    final InMemoryKillSwitch killSwitch = new InMemoryKillSwitch();
    final List<NoticeRequest> notices = new CopyOnWriteArrayList<>();
    final FleetEnforcement intune;
    final FleetEnforcement jamf;
    final EmbeddedEnforcement enforcement;
    private final List<FleetInventory> inventories;
    private final AtomicInteger runs = new AtomicInteger();

    EnforcementWorld(SimulatedFleet fleet, UnaryOperator<Exemption> exemptionEdit) {
        this.fleet = fleet;
        IntuneConnection graph = new IntuneConnection(fleet.sims.intune().baseUri(), fleet.sims.intune().baseUri(), Simulators.TENANT,
                Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET));
        IntuneGraphClient graphClient = new IntuneGraphClient(graph, fleet.options);
        JamfProClient jamfClient = new JamfProClient(JamfConnection.apiClient(fleet.sims.jamf().baseUri(), Simulators.JAMF_CLIENT_ID,
                new Secret(Simulators.JAMF_CLIENT_SECRET)), fleet.options);
        this.intune = new IntuneGraphEnforcement(graphClient, "appban");
        this.jamf = new JamfProEnforcement(jamfClient, "appban");
        this.inventories = List.of(new IntuneGraphInventory(graphClient), new JamfProInventory(jamfClient));
        refreshInventory();
        for (FleetExemption e : fleet.sims.world().fleet().exemptions()) {
            Exemption ex = exemptionEdit.apply(exemption(e));
            if (ex != null) exemptions.create(ex);
        }
        this.enforcement = EmbeddedEnforcement.of(POLICY, devices, exemptions, ledger, claims, killSwitch,
                Map.of(MdmKind.INTUNE, intune, MdmKind.JAMF, jamf), notices::add, fleet.sims.clock());
        fleet.sims.intune().requests().clear();
        fleet.sims.jamf().requests().clear();
    }

    static EnforcementWorld sample() {
        return new EnforcementWorld(SimulatedFleet.sample(), e -> e);
    }

    /** What inventory sync does: the device store as the MDMs report the fleet now. */
    void refreshInventory() {
        Map<String, String> byEmail = new HashMap<>();
        for (FleetMember m : fleet.sims.world().fleet().members()) byEmail.put(m.email().toLowerCase(Locale.ROOT), m.id());
        Instant now = fleet.sims.clock().instant();
        for (FleetInventory inventory : inventories) {
            for (InventoriedDevice d : inventory.devices(SimulatedFleet.APP).toList()) {
                String owner = d.ownerEmail() == null ? "unknown" : byEmail.getOrDefault(d.ownerEmail().toLowerCase(Locale.ROOT), d.ownerEmail());
                devices.save(d.toDevice(owner, now));
            }
        }
    }

    /** The device store's id of a fleet device (the MDM's kind and id). */
    String id(String fleetDeviceId) {
        SimDevice d = fleet.device(fleetDeviceId);
        String mdm = d.spec().mdm() == FleetDevice.Mdm.JAMF ? "jamf" : "intune";
        return mdm + ":" + SimulatedFleet.mdmId(d);
    }

    private Exemption exemption(FleetExemption e) {
        Instant start = fleet.sims.clock().instant();
        ExemptionStatus status = ExemptionStatus.valueOf(e.status().toUpperCase(Locale.ROOT));
        String device = e.device() == null ? null : fleet.device(e.device()).spec().mdm() == FleetDevice.Mdm.NONE ? e.device() : id(e.device());
        boolean decided = status != ExemptionStatus.REQUESTED;
        return new Exemption(e.id(), e.member(), device, e.reason(), status, e.requestedBy(), start.minus(Duration.ofDays(2)),
                decided ? e.approvedBy() : null, decided ? start.minus(Duration.ofDays(1)) : null, e.expires(),
                status == ExemptionStatus.REVOKED ? e.approvedBy() : null, status == ExemptionStatus.REVOKED ? start : null);
    }

    void at(String offsetDateTime) {
        fleet.sims.clock().set(OffsetDateTime.parse(offsetDateTime).toInstant());
    }

    EmbeddedEnforcement.Result run(EnforceRequest request) {
        return enforcement.run(request, Actor.schedule(request.trigger().wireName()), "run-" + runs.incrementAndGet());
    }

    /** Requests that change something: non-GET ones, counting a batch's inner requests rather than the batch itself. */
    static long writes(SimServer server) {
        return server.requests().count(EnforcementWorld::isWrite);
    }

    static boolean isWrite(RecordedRequest r) {
        if (r.method().equals("GET")) return false;
        if (r.path().contains("token") || r.path().contains("/auth/")) return false;
        return r.inner() || !r.path().endsWith("$batch");
    }

    long writes() {
        return writes(fleet.sims.intune()) + writes(fleet.sims.jamf());
    }

    long requests() {
        return fleet.sims.intune().requests().all().size() + fleet.sims.jamf().requests().all().size();
    }

    boolean hasApp(String fleetDeviceId) {
        return fleet.device(fleetDeviceId).apps().contains("com.zhiliaoapp.musically") || fleet.device(fleetDeviceId).apps().contains("com.ss.android.ugc.trill");
    }

    List<LedgerEntry> ledgerEntries(String action) {
        List<LedgerEntry> out = new ArrayList<>();
        for (String chain : ledger.chains()) for (LedgerEntry e : ledger.chain(chain)) if (e.record().action().equals(action)) out.add(e);
        return out;
    }

    Device stored(String fleetDeviceId) {
        return devices.find(id(fleetDeviceId)).orElseThrow();
    }

    @Override
    public void close() {
        fleet.close();
    }
}
