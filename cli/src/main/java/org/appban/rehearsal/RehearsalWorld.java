package org.appban.rehearsal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.appban.domain.LedgerEntry;
import org.appban.admin.requests.Administration;
import org.appban.admin.NetworkAccessLookup;
import org.appban.admin.preview.CampaignPreview;
import org.appban.access.AccessAlerts;
import org.appban.access.AccessNotices;
import org.appban.access.EmbeddedAccess;
import org.appban.alerts.InMemoryAdminAlerts;
import org.appban.domain.MdmKind;
import org.appban.enforce.EmbeddedEnforcement;
import org.appban.notice.NoticeRequests;
import org.appban.store.memory.InMemoryEvidenceStore;
import org.appban.domain.Actor;
import org.appban.exemption.ExemptionNotices;
import org.appban.exemption.ExemptionService;
import org.appban.report.FolderReports;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.mdm.MdmAdapters;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.mail.MimeWriter;
import org.appban.mail.OutboxMailer;
import org.appban.network.NetworkAccess;
import org.appban.network.RegisteredDevices;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.notice.Attestations;
import org.appban.notice.NoticeComposer;
import org.appban.notice.NoticePlanner;
import org.appban.notice.NoticeSender;
import org.appban.notice.NotifyMembers;
import org.appban.policy.BanPolicy;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.sim.SimClock;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.http.SimSettings;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;

/**
 * Everything the functions talk to during a rehearsal, embedded: in-process stores, an outbox for email, and the
 * MDM and NAC simulators on loopback, all on one simulated clock. The functions' services are built on it exactly
 * as the composition root builds them on Lambda, with these adapters instead of the AWS ones.
 */
final class RehearsalWorld implements AutoCloseable {
    final BanPolicy policy;
    final Fleet fleet;
    final Simulators sims;
    final SimClock clock;
    final InMemoryMemberStore members = new InMemoryMemberStore();
    final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    final InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
    final InMemoryClaims claims = new InMemoryClaims();
    final InMemoryKillSwitch killSwitch = new InMemoryKillSwitch();
    final InMemoryAdminAlerts alerts = new InMemoryAdminAlerts();
    /** The rehearsal's keyed hashes of addresses (a fixed key: nothing here is secret, but nothing is in clear either). */
    final org.appban.ledger.Pseudonyms pseudonyms = org.appban.ledger.Pseudonyms.withKey("appban-rehearsal-pseudonym-key-0000000000");
    final RecordingLedger ledger;
    final OutboxMailer outbox;
    /**
     * The administrators' digest (notify-members' {@code admin-digest} schedule). Its link is the rehearsal's
     * status.html, relative to the outbox's pages, so two rehearsals in different folders write the same digest.
     */
    final org.appban.digest.AdminDigest digest;
    final RemoteOptions remote;
    final MdmAdapters.Mdm intune;
    final MdmAdapters.Mdm jamf;
    final NetworkAccess nac;
    /** The same ISE adapter read as the NAC's device registry (its endpoint store), for inventory sync. */
    final RegisteredDevices registry;
    final NotifyMembers notify;
    final InMemoryEvidenceStore evidence = new InMemoryEvidenceStore();
    final EmbeddedAccess access;
    final EmbeddedEnforcement enforcement;

    RehearsalWorld(BanPolicy policy, Fleet fleet, Instant start, Path out, Consumer<LedgerEntry> timeline) {
        this(policy, fleet, start, out, timeline, FaultSetup.NONE);
    }

    final FaultSetup faults;

    RehearsalWorld(BanPolicy policy, Fleet fleet, Instant start, Path out, Consumer<LedgerEntry> timeline, FaultSetup faults) {
        this.faults = faults;
        this.policy = policy;
        this.fleet = fleet;
        // Budgets on, as the real services publish them: the rehearsal exercises the throttle-aware clients too.
        this.sims = new Simulators(fleet, new SimClock(start), SimSettings.defaults().budgetScale(faults.budgetScale())).start();
        faults.simulators().accept(sims);
        this.clock = sims.clock();
        this.ledger = new RecordingLedger(faults.ledger().apply(new InMemoryLedger()), timeline);
        this.outbox = new OutboxMailer(out.resolve("outbox"));
        this.remote = faults.remote().apply(RemoteOptions.standard(clock).withTimeout(Duration.ofSeconds(10))
                .withBudgetScale(faults.budgetScale()));
        this.intune = MdmAdapters.intune(new IntuneConnection(sims.intune().baseUri(), sims.intune().baseUri(),
                Simulators.TENANT, Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET)), remote);
        this.jamf = MdmAdapters.jamf(JamfConnection.apiClient(sims.jamf().baseUri(), Simulators.JAMF_CLIENT_ID,
                new Secret(Simulators.JAMF_CLIENT_SECRET)), remote);
        CiscoIseNetworkAccess ise = new CiscoIseNetworkAccess(new IseConnection(sims.ise().baseUri(), Simulators.ISE_USER,
                new Secret(Simulators.ISE_PASSWORD), "Quarantine"), remote);
        this.nac = ise;
        this.registry = ise;
        NoticeComposer composer = new NoticeComposer(policy, org.appban.notice.NoticeLanguages.load(policy), new MimeWriter(),
                EmbeddedAccess.rehearsalLinks(policy), true);
        this.notify = new NotifyMembers(policy, members, devices, exemptions, claims, ledger, Attestations.fromLedger(ledger),
                new NoticePlanner(policy), composer, new NoticeSender(claims, ledger, faults.mailer().apply(outbox), clock, NoticeSender.DEFAULT_LEASE, pseudonyms), clock);
        this.digest = new org.appban.digest.AdminDigest(policy, devices, exemptions, ledger, claims, faults.mailer().apply(outbox),
                new org.appban.digest.DigestMail(policy, new MimeWriter(), "../" + org.appban.admin.StatusPage.FILE),
                org.appban.digest.FleetChainApprovals.of(policy, ledger), clock, NoticeSender.DEFAULT_LEASE);
        this.access = EmbeddedAccess.of(policy, members, devices, exemptions, ledger, claims, evidence, faults.decorators().nac(nac), killSwitch,
                AccessNotices.asRequests(noticeRequests("appban.network")), AccessAlerts.to(alerts), clock);
        this.enforcement = EmbeddedEnforcement.of(policy, devices, exemptions, ledger, claims, killSwitch,
                java.util.Map.of(MdmKind.INTUNE, faults.decorators().mdm(intune.enforcement()), MdmKind.JAMF, faults.decorators().mdm(jamf.enforcement())),
                noticeRequests("appban.enforce")::request, clock);
    }

    /**
     * What a NoticeRequested event from {@code source} does on AWS: the notify function sends the notice. Each delivery
     * is its own invocation with its own request id (the claim holder), kept when the platform retries it: here the
     * attempt of the invocation that asked (see {@link EventBus#attempt}), or a fresh id outside one. Two concurrent
     * deliveries of one request therefore exclude each other rather than both sending.
     */
    NoticeRequests noticeRequests(String source) {
        return faults.decorators().requests(source, r -> notify.request(r, Actor.event(source + ":NoticeRequested"),
                EventBus.attemptId().orElseGet(() -> java.util.UUID.randomUUID().toString()) + "/" + source + "/" + r.occasion()));
    }

    /** Exemption decisions; their notices go to the notify function, as NoticeRequested events would. */
    ExemptionService exemptionService() {
        return new ExemptionService(policy, members, devices, exemptions, ledger,
                ExemptionNotices.asRequests(noticeRequests("appban.admin")::request),
                clock);
    }

    Administration administration(Path reports) {
        return administration(reports, org.appban.admin.ManualRuns.unavailable());
    }

    /** @param runs where manual runs the admin function authorised are handed on (the embedded functions) */
    Administration administration(Path reports, org.appban.admin.ManualRuns runs) {
        FolderReports folder = new FolderReports(reports);
        return new Administration(policy, new org.appban.admin.AdminRequestJson(policy), members, devices, exemptions, ledger,
                exemptionService(), killSwitch, new org.appban.admin.StatusExport(folder),
                new org.appban.admin.LedgerAudit(ledger, folder, new org.appban.ledger.LedgerJson()),
                CampaignPreview.standard(policy), networkLookup(), runs, clock);
    }

    /** Network access of a device as the ledger records the network function's decisions. */
    NetworkAccessLookup networkLookup() {
        return NetworkAccessLookup.fromLedger(java.util.Map.of("nac.quarantined", "quarantined", "nac.released", "allowed"));
    }

    List<FleetInventory> inventories() {
        return List.of(intune.inventory(), jamf.inventory());
    }

    @Override
    public void close() {
        sims.close();
    }
}
