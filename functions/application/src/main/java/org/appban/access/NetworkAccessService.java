package org.appban.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.appban.domain.Actor;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;
import org.appban.domain.Exemption;
import org.appban.domain.LedgerRecord;
import org.appban.network.AccessChange;
import org.appban.network.EndpointKey;
import org.appban.network.EndpointState;
import org.appban.network.NetworkAccess;
import org.appban.notice.Attestations;
import org.appban.policy.BanPolicy;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.remote.RemoteFailure;
import org.appban.safety.BlastRadius;
import org.appban.safety.KillSwitch;
import org.appban.work.PartSlots;

/**
 * The network-access function's work: load each device's facts through the ports (private and corporate alike), ask
 * {@link AccessRules}, and carry out the quarantines and releases due, with the safety rails:
 * <ul>
 *   <li>dry run: decides and reports, records the would-do in the ledger, changes nothing;</li>
 *   <li>kill switch, read at the start of every run: when engaged no quarantine happens (releases still do: they
 *       only give access back);</li>
 *   <li>blast-radius cap (policy {@code enforcement}): more quarantines in one run than the cap allows need the
 *       request's explicit {@code confirm}; until then none happens, and the administrators are told;</li>
 *   <li>each NAC command is guarded by a claim ({@code nac/quarantine/<device>/<episode>},
 *       {@code nac/release/<device>/<episode>}), so a retry, a duplicate event or a concurrent run never repeats it;
 *       the NAC state is read before each change, and "already so" counts as success;</li>
 *   <li>every action lands in the device owner's ledger chain with the evidence that decided it.</li>
 * </ul>
 * Order within one action, for crash safety: claim, read NAC state, change NAC, append to the ledger (idempotent
 * on the claim key), ask for the notice (once-only on the same key), save this function's record, complete the
 * claim. A crash anywhere in between leaves the record unchanged and a claim whose lease runs out; the next run
 * decides the same action under the same key, takes the claim over, reads the NAC state, finds the change made,
 * and finishes the rest. A retry of the same run (the platform's, under the same request id) re-enters its own
 * unfinished claim and is treated alike: the NAC is read, the change is not sent again, and the entry recording it is
 * written with {@code interruptedAttempt=true}, so every change the NAC accepted has its ledger entry.
 */
public final class NetworkAccessService {
    /** Longer than the function's timeout, so a live run's claims are never taken over. */
    public static final Duration CLAIM_LEASE = Duration.ofMinutes(16);
    /** Runs acting on more devices than this read the NAC in one listing rather than per device. */
    static final int LISTING_THRESHOLD = 20;
    /** Consecutive NAC failures (unreachable, throttled, refusing our credentials) after which a run stops. */
    static final int MAX_CONSECUTIVE_NAC_FAILURES = 3;

    private final BanPolicy policy;
    private final AccessRules rules;
    private final DeviceStore devices;
    private final ExemptionStore exemptions;
    private final Attestations attestations;
    private final EvidenceStore evidence;
    private final NetworkAccess nac;
    private final KillSwitch killSwitch;
    private final Claims claims;
    private final Ledger ledger;
    private final AccessNotices notices;
    private final AccessAlerts alerts;
    private final Clock clock;

    public NetworkAccessService(BanPolicy policy, DeviceStore devices, ExemptionStore exemptions, Attestations attestations,
                                EvidenceStore evidence, NetworkAccess nac, KillSwitch killSwitch, Claims claims, Ledger ledger,
                                AccessNotices notices, AccessAlerts alerts, Clock clock) {
        this.policy = policy;
        this.rules = AccessRules.of(policy);
        this.devices = devices;
        this.exemptions = exemptions;
        this.attestations = attestations;
        this.evidence = evidence;
        this.nac = nac;
        this.killSwitch = killSwitch;
        this.claims = claims;
        this.ledger = ledger;
        this.notices = notices;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** Records and returns the refusal of a direct request that needs a proven caller ({@link org.appban.identity.DirectInvocation}). */
    public org.appban.input.InvalidInputException refuseUnproven(String request, String instead) {
        return org.appban.identity.DirectInvocation.refuse(ledger, clock.instant(), "network-access", request, instead);
    }

    /** The manual run an administrator authorised through the admin function URL ({@link org.appban.identity.AuthorisedRuns}). */
    public org.appban.identity.AuthorisedRuns.Redeemed redeem(String authorisation, String eventId) {
        return org.appban.identity.AuthorisedRuns.redeem(ledger, clock.instant(), "network-access", authorisation, eventId);
    }

    public AccessRules rules() {
        return rules;
    }

    public String policyId() {
        return policy.id();
    }

    public AccessReport run(AccessRequest request, Actor actor, String runId) {
        return run(request, actor, runId, () -> true);
    }

    /**
     * @param timeLeft false once the run should start no further action (the Lambda's remaining time is short)
     */
    public AccessReport run(AccessRequest request, Actor actor, String runId, BooleanSupplier timeLeft) {
        return run(request, actor, runId, timeLeft, null, null, () -> { });
    }

    /**
     * A run over devices the caller has read already (the MDM webhook's one device, as it is about to save it), with the
     * reads {@link #start} began for their ids. {@code beforeActing} runs once the devices are decided, before the
     * run's first action or ledger entry: the caller's own writes, overlapped with the run's reads, end there.
     */
    public AccessReport run(AccessRequest request, Actor actor, String runId, List<Device> read, Started started, Runnable beforeActing) {
        if (request.scope() != AccessRequest.Scope.DEVICES || request.ids().size() > LISTING_THRESHOLD) {
            throw new IllegalArgumentException("devices read by the caller are for a run over at most " + LISTING_THRESHOLD + " devices by id");
        }
        return run(request, actor, runId, () -> true, read, started, beforeActing);
    }

    private AccessReport run(AccessRequest request, Actor actor, String runId, BooleanSupplier timeLeft, List<Device> read, Started started,
                             Runnable beforeActing) {
        Instant now = clock.instant();
        List<String> notFound = new ArrayList<>();
        // A run over a few devices or members (a webhook's one device) reads theirs and the devices sharing their MACs,
        // not the inventory whole as a fleet run does, and overlaps its reads (Facts#few).
        boolean few = request.scope() != AccessRequest.Scope.FLEET && request.ids().size() <= LISTING_THRESHOLD;
        List<Device> all = few ? null : devices.all();
        Facts known = few ? Facts.few(this, request, notFound, read, started) : Facts.fleet(this, request, all, notFound);
        KillSwitch.State kill = known.kill();
        List<Device> scope = known.scope();
        Map<String, NetworkIdentity> identities = known.identities();
        Map<String, AccessRecord> records = known.records();
        Map<String, Sighting> sightings = known.sightings();
        Map<String, List<Exemption>> exemptionsByMember = known.exemptions();
        Map<String, Instant> attested = known.attested();

        List<Decision> decisions = new ArrayList<>();
        Map<String, DeviceFacts> facts = new HashMap<>();
        for (Device d : scope) {
            Exemption protecting = exemptionsByMember.getOrDefault(d.owner(), List.of()).stream()
                    .filter(e -> e.protects(d, now)).findFirst().orElse(null);
            Instant attestedAt = d.isPrivate() ? attested.get(d.owner()) : null;
            DeviceFacts f = new DeviceFacts(d, protecting, identities.get(d.id()), attestedAt, sightings.get(d.id()), records.get(d.id()));
            facts.put(d.id(), f);
            decisions.add(rules.decide(f, now));
        }
        Map<String, Integer> counts = new TreeMap<>();
        decisions.forEach(dd -> counts.merge(dd.action().wireName(), 1, Integer::sum));
        beforeActing.run();

        Run run = new Run(request, actor, runId, now, facts, timeLeft);
        List<Decision> quarantines = decisions.stream().filter(dd -> dd.action() == Decision.Action.QUARANTINE && request.mode().allows(dd.action())).toList();
        List<Decision> releases = decisions.stream().filter(dd -> dd.action() == Decision.Action.RELEASE && request.mode().allows(dd.action())).toList();
        List<Decision> unresolvable = decisions.stream().filter(dd -> dd.action() == Decision.Action.REPORT_IDENTITY).toList();
        List<Decision> kept = decisions.stream().filter(dd -> dd.action() == Decision.Action.KEEP_QUARANTINED).toList();

        String capVerdict = null;
        boolean quarantinesAllowed = true;
        String hold = null;
        if (!quarantines.isEmpty()) {
            // The share is of the whole fleet, which a run over a few devices reads only now that it would quarantine.
            int inScope = (int) (all != null ? all : devices.all()).stream().filter(d -> !d.retired()).count();
            BlastRadius.Verdict v = new BlastRadius(policy.enforcement().maxDevicesPerRun(), policy.enforcement().maxFleetShare())
                    .check(quarantines.size(), inScope, request.confirm() != null && request.confirm() >= quarantines.size());
            capVerdict = v.reason();
            if (!v.allowed()) {
                quarantinesAllowed = false;
                hold = "held-by-cap";
                run.fleetEvent("nac.quarantine-capped", "held", "nac/capped/" + runId, Map.of("reason", v.reason(), "quarantines", Integer.toString(quarantines.size())));
                if (!request.dryRun()) alerts.alert("Network quarantines held back by the blast-radius cap",
                        v.reason() + ". Nothing was quarantined in run " + runId + ".", Map.of("run", runId, "quarantines", Integer.toString(quarantines.size())));
            } else if (kill.engaged()) {
                quarantinesAllowed = false;
                hold = "held-by-kill-switch";
                run.fleetEvent("nac.quarantine-stopped", "held", "nac/kill-switch/" + runId,
                        Map.of("reason", "kill switch engaged" + (kill.by() == null ? "" : " by " + kill.by()) + (kill.reason() == null ? "" : ": " + kill.reason()),
                                "quarantines", Integer.toString(quarantines.size())));
            }
        }

        int changes = releases.size() + (quarantinesAllowed ? quarantines.size() : 0);
        NacView view = request.dryRun() && changes == 0 ? NacView.live(nac)
                : request.scope() == AccessRequest.Scope.FLEET || changes > LISTING_THRESHOLD ? NacView.listed(nac) : NacView.live(nac);

        // Releases first: they give access back, and a run that stops early should have done those.
        for (Decision dd : releases) run.release(dd, view);
        for (Decision dd : quarantines) {
            if (!quarantinesAllowed) run.held(dd, hold);
            else run.quarantine(dd, view);
        }
        for (Decision dd : unresolvable) run.unresolved(dd);
        List<String> drift = new ArrayList<>();
        if (view.isListing()) {
            for (Decision dd : kept) {
                AccessRecord r = facts.get(dd.device()).record();
                if (!view.state(EndpointKey.mac(MacAddress.parse(r.key()))).quarantined()) {
                    drift.add(dd.device());
                    run.drift(dd, r);
                }
            }
        }
        String status = run.stopped == null ? "done" : "stopped";
        return new AccessReport(status, request.trigger(), runId, request.dryRun(), now.toString(), scope.size(), counts, run.actions,
                run.unresolved, drift, notFound, kill.engaged() ? describe(kill) : null, capVerdict, run.stopped);
    }

    /**
     * The reads of a run over these devices that need nothing but their ids (the kill switch; this function's records
     * of them and their latest sightings, in one request), started now, beside what the caller does next: the MDM
     * webhook starts them with its delivery's claim and its read of the device.
     */
    public Started start(List<String> deviceIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(deviceIds));
        return new Started(ids, Alongside.start(killSwitch::read), Alongside.start(() -> evidence.read(ids, ids)));
    }

    /** Reads {@link #start} began; {@link #settle} them when their run does not happen after all. */
    public static final class Started {
        private final List<String> ids;
        private final Alongside<KillSwitch.State> kill;
        private final Alongside<EvidenceStore.Read> evidence;

        private Started(List<String> ids, Alongside<KillSwitch.State> kill, Alongside<EvidenceStore.Read> evidence) {
            this.ids = ids;
            this.kill = kill;
            this.evidence = evidence;
        }

        /** Waits for the reads to end, whatever they found: nothing stays in flight after the request's answer. */
        public void settle() {
            kill.settle();
            evidence.settle();
        }
    }

    /** What a run decides by: the kill switch, its devices, and each one's facts. */
    private record Facts(KillSwitch.State kill, List<Device> scope, Map<String, NetworkIdentity> identities, Map<String, AccessRecord> records,
                         Map<String, Sighting> sightings, Map<String, List<Exemption>> exemptions, Map<String, Instant> attested) {
        /**
         * The fleet's (or many devices' or members'), read one after another: a scheduled run, where a few round trips
         * more are nothing beside the inventory's pages.
         */
        static Facts fleet(NetworkAccessService s, AccessRequest request, List<Device> all, List<String> notFound) {
            KillSwitch.State kill = s.killSwitch.read();
            List<Device> scope = s.scope(request, all, notFound);
            // Every device is judged, whoever owns it; telemetry and attestations speak about private devices only (a
            // corporate device's word is its MDM inventory).
            List<String> ids = scope.stream().map(Device::id).toList();
            Map<String, AccessRecord> records = ids.isEmpty() ? Map.of() : s.evidence.records(ids);
            List<String> privateIds = scope.stream().filter(Device::isPrivate).map(Device::id).toList();
            Map<String, Sighting> sightings = privateIds.isEmpty() ? Map.of() : s.evidence.latestSightings(privateIds);
            Map<String, List<Exemption>> exemptions = s.exemptions(request, scope);
            // Attestations are read from each owner's ledger chain: together, not one round trip after another.
            Map<String, Instant> attested = s.attestations.privateDevicesCleanSince(
                    scope.stream().filter(Device::isPrivate).map(Device::owner).distinct().toList());
            return new Facts(kill, scope, NetworkIdentity.of(all), records, sightings, exemptions, attested);
        }

        /**
         * A few devices' or members' (a webhook's one device), the same facts in overlapped rounds rather than a round
         * trip each: first the kill switch, the devices (unless the caller read them) and, where their ids are known
         * (a run by device), their records and sightings (one request); then what the devices name (their owners' exemptions and
         * attestations, the devices sharing their MACs, and a run by member's records and sightings). The answers are
         * those of the reads one after another, so the decisions are too.
         */
        static Facts few(NetworkAccessService s, AccessRequest request, List<String> notFound, List<Device> read, Started started) {
            List<Alongside<?>> inFlight = new ArrayList<>();
            try {
                boolean byId = request.scope() == AccessRequest.Scope.DEVICES;
                Started first = started != null ? started : byId ? s.start(request.ids()) : null;
                if (first != null && !first.ids.containsAll(new LinkedHashSet<>(request.ids()))) {
                    throw new IllegalArgumentException("reads started for " + first.ids + ", not for the run's devices " + request.ids());
                }
                if (first != null) inFlight.addAll(List.of(first.kill, first.evidence));
                Alongside<KillSwitch.State> kill = first != null ? first.kill : Alongside.start(s.killSwitch::read);
                inFlight.add(kill);
                List<Device> scope = read != null ? inRequestOrder(request, read, notFound) : s.scoped(request, notFound);
                List<String> ids = scope.stream().map(Device::id).toList();
                Set<String> privateIds = new LinkedHashSet<>(scope.stream().filter(Device::isPrivate).map(Device::id).toList());
                Alongside<EvidenceStore.Read> evidence = first != null ? first.evidence
                        : Alongside.start(() -> s.evidence.read(ids, privateIds));
                inFlight.add(evidence);
                Alongside<Map<String, List<Exemption>>> exemptions = Alongside.start(() -> s.exemptions(request, scope));
                inFlight.add(exemptions);
                List<String> owners = scope.stream().filter(Device::isPrivate).map(Device::owner).distinct().toList();
                Alongside<Map<String, Instant>> attested = Alongside.start(() -> s.attestations.privateDevicesCleanSince(owners));
                inFlight.add(attested);
                Map<String, NetworkIdentity> identities = s.identitiesOf(scope);
                // Sightings speak about private devices only: a corporate device's, read by id beside the others, is left out.
                EvidenceStore.Read found = evidence.join();
                Map<String, Sighting> seen = new HashMap<>(found.sightings());
                seen.keySet().retainAll(privateIds);
                return new Facts(kill.join(), scope, identities, found.records(), seen, exemptions.join(), attested.join());
            } catch (RuntimeException e) {
                inFlight.forEach(Alongside::settle);
                if (started != null) started.settle();
                throw e;
            }
        }

        /** The devices the caller read, in the order of the request's ids (as {@link #scoped} gives them); the others not found. */
        private static List<Device> inRequestOrder(AccessRequest request, List<Device> read, List<String> notFound) {
            Map<String, Device> byId = new HashMap<>();
            read.forEach(d -> byId.put(d.id(), d));
            List<Device> out = new ArrayList<>();
            for (String id : new LinkedHashSet<>(request.ids())) {
                Device d = byId.get(id);
                if (d == null) notFound.add(id);
                else out.add(d);
            }
            return out;
        }
    }

    private static String describe(KillSwitch.State kill) {
        return "engaged" + (kill.by() == null ? "" : " by " + kill.by()) + (kill.reason() == null ? "" : ": " + kill.reason());
    }

    private List<Device> scope(AccessRequest request, List<Device> all, List<String> notFound) {
        return switch (request.scope()) {
            case FLEET -> all;
            case DEVICES -> {
                Map<String, Device> byId = new HashMap<>();
                all.forEach(d -> byId.put(d.id(), d));
                List<Device> out = new ArrayList<>();
                for (String id : new LinkedHashSet<>(request.ids())) {
                    Device d = byId.get(id);
                    if (d == null) notFound.add(id);
                    else out.add(d);
                }
                yield out;
            }
            case MEMBERS -> {
                Set<String> wanted = new LinkedHashSet<>(request.ids());
                Set<String> seen = new LinkedHashSet<>();
                List<Device> out = new ArrayList<>();
                for (Device d : all) {
                    if (wanted.contains(d.owner())) {
                        out.add(d);
                        seen.add(d.owner());
                    }
                }
                wanted.stream().filter(m -> !seen.contains(m)).forEach(m -> notFound.add(m));
                yield out;
            }
        };
    }

    /** The scope of a run over a few devices (read by key) or members (read by owner), in the order a fleet read gives. */
    private List<Device> scoped(AccessRequest request, List<String> notFound) {
        List<Device> out = new ArrayList<>();
        if (request.scope() == AccessRequest.Scope.DEVICES) {
            Set<String> ids = new LinkedHashSet<>(request.ids());
            Map<String, Device> byId = ids.isEmpty() ? Map.of() : devices.findAll(ids);
            for (String id : ids) {
                Device d = byId.get(id);
                if (d == null) notFound.add(id);
                else out.add(d);
            }
            return out;
        }
        for (String member : new LinkedHashSet<>(request.ids())) {
            List<Device> theirs = devices.ofOwner(member);
            if (theirs.isEmpty()) notFound.add(member);
            out.addAll(theirs);
        }
        out.sort(java.util.Comparator.comparing(Device::id));
        return out;
    }

    /**
     * The network identities of a few devices without reading the fleet: the devices holding each one's MAC are read
     * too (found by the MAC), so that each is judged against the same devices a fleet run judges it against.
     */
    private Map<String, NetworkIdentity> identitiesOf(List<Device> scope) {
        Map<String, Device> judged = new LinkedHashMap<>();
        scope.forEach(d -> judged.put(d.id(), d));
        Set<String> others = new LinkedHashSet<>();
        scope.stream().map(Device::macAddress).filter(java.util.Objects::nonNull).distinct()
                .forEach(mac -> devices.idsWithMac(mac).stream().filter(id -> !judged.containsKey(id)).forEach(others::add));
        if (!others.isEmpty()) judged.putAll(devices.findAll(others));
        return NetworkIdentity.of(judged.values());
    }

    private Map<String, List<Exemption>> exemptions(AccessRequest request, Collection<Device> scope) {
        Map<String, List<Exemption>> out = new HashMap<>();
        if (request.scope() == AccessRequest.Scope.FLEET) {
            for (Exemption e : exemptions.all()) out.computeIfAbsent(e.member(), k -> new ArrayList<>()).add(e);
            return out;
        }
        for (Device d : scope) out.computeIfAbsent(d.owner(), exemptions::ofMember);
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The daily run as a round of queued steps (AccessRound): parts of the fleet, a page at a time
    // ---------------------------------------------------------------------------------------------------------

    /** Devices a round's step reads at a time (one Scan page of its part). */
    public static final int ROUND_PAGE = 100;

    /**
     * What one step of a part did.
     *
     * @param cursor      the last device the step finished: the next step starts after it (null: none yet)
     * @param quarantines survey: quarantines due among the devices read; act: the next quarantine slot to try, less one
     * @param inScope     devices read that are not retired (the fleet the cap's share is of)
     * @param stoppedBy   why the part ended before its last device (the NAC failing): tomorrow's round goes on
     */
    public record PartStep(boolean finished, String cursor, int devices, long quarantines, long inScope, String stoppedBy,
                           AccessReport report) {
    }

    /**
     * The round's cap, decided once all its parts were surveyed: the quarantines due across the whole fleet against the
     * blast radius, as one run's. Held, no part quarantines anything; allowed, each part may make at most the
     * quarantines its survey counted ({@code allowance}), so the round as a whole never exceeds what was checked.
     */
    public record RoundCap(boolean allowed, String reason, long quarantines, long inScope) {
    }

    /** The cap verdict for a round whose survey counted {@code quarantines} due among {@code inScope} devices. */
    public RoundCap roundCap(long quarantines, long inScope) {
        BlastRadius.Verdict v = new BlastRadius(policy.enforcement().maxDevicesPerRun(), policy.enforcement().maxFleetShare())
                .check((int) Math.min(Integer.MAX_VALUE, quarantines), (int) Math.min(Integer.MAX_VALUE, inScope), false);
        return new RoundCap(v.allowed(), v.reason(), quarantines, inScope);
    }

    /**
     * Records (once per round: the entry's key names it) and tells the administrators that a round's quarantines are
     * held by the cap; nothing of the round is quarantined.
     */
    public void roundHeld(String round, RoundCap cap, Actor actor, String runId) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("reason", cap.reason());
        details.put("quarantines", Long.toString(cap.quarantines()));
        details.put("trigger", "schedule");
        details.put("run", runId);
        details.put("round", round);
        boolean first = ledger.append(new LedgerRecord(clock.instant(), actor, null, null, "nac.quarantine-capped", "held", false,
                "nac/capped/" + round, details)).written();
        if (first) alerts.alert("Network quarantines held back by the blast-radius cap",
                cap.reason() + ". Nothing was quarantined in round " + round + ".", Map.of("run", round, "quarantines", Long.toString(cap.quarantines())));
    }

    /**
     * A survey step: decides the devices of a part, page by page, changing nothing and recording nothing, and counts
     * the quarantines due and the devices in scope. The round's cap is checked on the whole fleet's counts before any
     * part acts.
     */
    public PartStep survey(int part, int parts, String after, BooleanSupplier timeLeft) {
        Instant now = clock.instant();
        String cursor = after;
        int read = 0;
        long due = 0;
        long inScope = 0;
        // At least one page a step, whatever the clock says: a step always moves its part on.
        do {
            DeviceStore.Page page = devices.page(part, parts, cursor, ROUND_PAGE);
            Map<String, DeviceFacts> facts = pageFacts(page.devices(), now);
            for (Device d : page.devices()) {
                if (resolved(d, facts, now).action() == Decision.Action.QUARANTINE) due++;
                if (!d.retired()) inScope++;
                read++;
            }
            if (!page.devices().isEmpty()) cursor = page.devices().get(page.devices().size() - 1).id();
            if (page.last()) return new PartStep(true, cursor, read, due, inScope, null, null);
        } while (timeLeft.getAsBoolean());
        return new PartStep(false, cursor, read, due, inScope, null, null);
    }

    /**
     * An act step: the part's devices page by page in the part's order, each decided afresh and acted on as a run
     * would (releases, quarantines, identity reports, quarantines lifted elsewhere), under the round's rails: the kill
     * switch read at the start of the step, the round's cap, and at most {@code allowance} quarantines for the part.
     * Each quarantine first takes one of the part's numbered slots (a claim), so the part's count survives a step
     * that dies half-way: however often a step runs again, the part never quarantines more than its allowance.
     *
     * @param slotsTaken the slots taken by earlier steps of the part (where to look for a free one; a hint, the claims decide)
     */
    public PartStep act(String round, int part, int parts, String after, RoundCap cap, long allowance, long slotsTaken,
                        Actor actor, String runId, BooleanSupplier timeLeft) {
        Instant now = clock.instant();
        KillSwitch.State kill = killSwitch.read();
        AccessRequest request = AccessRequest.schedule();
        Map<String, DeviceFacts> facts = new HashMap<>();
        // The time is checked between devices, here, never inside one: a device's command, ledger entry and record go
        // together (the reserve covers one), and the first device of a step is always done, so every step moves on.
        Run run = new Run(request, actor, runId, now, facts, () -> true);
        NacView view = NacView.live(nac);
        Map<String, Integer> counts = new TreeMap<>();
        List<String> drift = new ArrayList<>();
        PartSlots slots = new PartSlots(claims, clock, CLAIM_LEASE, "nac/round-slot/" + round + "/" + part, allowance, slotsTaken);
        String cursor = after;
        int read = 0;
        boolean finished = false;
        pages:
        while (true) {
            if (read > 0 && !timeLeft.getAsBoolean()) break;
            DeviceStore.Page page = devices.page(part, parts, cursor, ROUND_PAGE);
            facts.putAll(pageFacts(page.devices(), now));
            for (Device device : page.devices()) {
                // Whole devices only: the cursor is the last device done, so a step out of time stops between two.
                if (read > 0 && !timeLeft.getAsBoolean()) break pages;
                Decision dd = resolved(device, facts, now);
                counts.merge(dd.action().wireName(), 1, Integer::sum);
                switch (dd.action()) {
                    case RELEASE -> run.release(dd, view);
                    case QUARANTINE -> {
                        if (!cap.allowed()) run.held(dd, "held-by-cap");
                        else if (kill.engaged()) {
                            run.held(dd, "held-by-kill-switch");
                            run.fleetEvent("nac.quarantine-stopped", "held", "nac/kill-switch/" + round,
                                    Map.of("reason", "kill switch engaged" + (kill.by() == null ? "" : " by " + kill.by())
                                            + (kill.reason() == null ? "" : ": " + kill.reason()), "round", round));
                        } else if (!slots.take(device.id(), runId)) {
                            // Due since the round counted (a device judged afresh): left to tomorrow's round, whose
                            // count includes it, rather than over the count the cap was checked against.
                            run.held(dd, "held-by-cap");
                        } else run.quarantine(dd, view);
                    }
                    case REPORT_IDENTITY -> run.unresolved(dd);
                    case KEEP_QUARANTINED -> {
                        AccessRecord r = facts.get(dd.device()).record();
                        try {
                            if (!view.state(EndpointKey.mac(MacAddress.parse(r.key()))).quarantined()) {
                                drift.add(dd.device());
                                run.drift(dd, r);
                            }
                        } catch (RemoteFailure e) {
                            // Tomorrow's round looks again; a failing NAC stops the part through the actions' own count.
                        }
                    }
                    default -> {
                    }
                }
                if (run.stopped != null && !run.stopped.startsWith("out of time")) {
                    // The NAC failing: the part ends for today (the administrators were told), as a run stops.
                    cursor = device.id();
                    read++;
                    return new PartStep(true, cursor, read, slots.taken(), 0, run.stopped, stepReport(run, request, runId, now, read, counts, drift, kill, cap));
                }
                cursor = device.id();
                read++;
            }
            if (page.last()) {
                finished = true;
                break;
            }
        }
        return new PartStep(finished, cursor, read, slots.taken(), 0, null, stepReport(run, request, runId, now, read, counts, drift, kill, cap));
    }

    private AccessReport stepReport(Run run, AccessRequest request, String runId, Instant now, int read, Map<String, Integer> counts,
                                    List<String> drift, KillSwitch.State kill, RoundCap cap) {
        return new AccessReport(run.stopped == null ? "done" : "stopped", request.trigger(), runId, false, now.toString(), read, counts,
                run.actions, run.unresolved, drift, List.of(), kill.engaged() ? describe(kill) : null, cap.reason(), run.stopped);
    }

    /**
     * The facts of a page of devices, read for the page as a whole: this function's records and the private devices'
     * sightings by key, the owners' exemptions by member and their attestations from their chains. The network identity
     * is the page's own view (no MAC, or a MAC shared within the page); {@link #resolved} checks a quarantine's MAC
     * against the whole inventory by the MAC's index before it counts.
     */
    private Map<String, DeviceFacts> pageFacts(List<Device> page, Instant now) {
        Map<String, DeviceFacts> facts = new HashMap<>();
        if (page.isEmpty()) return facts;
        List<String> ids = page.stream().map(Device::id).toList();
        Map<String, AccessRecord> records = evidence.records(ids);
        List<String> privateIds = page.stream().filter(Device::isPrivate).map(Device::id).toList();
        Map<String, Sighting> sightings = privateIds.isEmpty() ? Map.of() : evidence.latestSightings(privateIds);
        Map<String, List<Exemption>> byMember = new HashMap<>();
        for (Device d : page) byMember.computeIfAbsent(d.owner(), exemptions::ofMember);
        List<String> privateOwners = page.stream().filter(Device::isPrivate).map(Device::owner).distinct().toList();
        Map<String, Instant> attested = privateOwners.isEmpty() ? Map.of() : attestations.privateDevicesCleanSince(privateOwners);
        Map<String, NetworkIdentity> identities = NetworkIdentity.of(page);
        for (Device d : page) {
            Exemption protecting = byMember.getOrDefault(d.owner(), List.of()).stream().filter(e -> e.protects(d, now)).findFirst().orElse(null);
            facts.put(d.id(), new DeviceFacts(d, protecting, identities.get(d.id()), d.isPrivate() ? attested.get(d.owner()) : null,
                    sightings.get(d.id()), records.get(d.id())));
        }
        return facts;
    }

    /**
     * The rules' decision, with a quarantine's MAC checked against every device holding it (the MAC's index, then
     * those devices by key): only a device about to be quarantined needs to know its MAC is its own.
     */
    private Decision resolved(Device d, Map<String, DeviceFacts> facts, Instant now) {
        DeviceFacts f = facts.get(d.id());
        Decision decision = rules.decide(f, now);
        if (decision.action() != Decision.Action.QUARANTINE || d.macAddress() == null) return decision;
        Set<String> others = new LinkedHashSet<>(devices.idsWithMac(d.macAddress()));
        others.remove(d.id());
        if (others.isEmpty()) return decision;
        List<Device> judged = new ArrayList<>(devices.findAll(others).values());
        judged.add(d);
        NetworkIdentity identity = NetworkIdentity.of(judged).get(d.id());
        if (identity.equals(f.identity())) return decision;
        DeviceFacts g = new DeviceFacts(d, f.exemption(), identity, f.attestedAt(), f.latestSighting(), f.record());
        facts.put(d.id(), g);
        return rules.decide(g, now);
    }

    /** One run's actions, with what it has done so far. */
    private final class Run {
        final AccessRequest request;
        final Actor actor;
        final String runId;
        final Instant started;
        final Map<String, DeviceFacts> facts;
        final BooleanSupplier timeLeft;
        final List<AccessReport.Action> actions = new ArrayList<>();
        final List<AccessReport.Unresolved> unresolved = new ArrayList<>();
        int consecutiveFailures;
        String stopped;

        Run(AccessRequest request, Actor actor, String runId, Instant started, Map<String, DeviceFacts> facts, BooleanSupplier timeLeft) {
            this.request = request;
            this.actor = actor;
            this.runId = runId;
            this.started = started;
            this.facts = facts;
            this.timeLeft = timeLeft;
        }

        boolean canAct() {
            if (stopped == null && !timeLeft.getAsBoolean()) stopped = "out of time: the next run continues where this one stopped";
            return stopped == null;
        }

        void quarantine(Decision d, NacView view) {
            DeviceFacts f = facts.get(d.device());
            Device device = f.device();
            MacAddress address = f.identity().mac();
            String mac = address.toString();
            AccessRecord before = f.record();
            int episode = before == null ? 1 : before.episode() + 1;
            String key = "nac/quarantine/" + device.id() + "/" + episode;
            Optional<Boolean> resumedOrNot = claimToAct(d, device, "quarantine", "nac.quarantined", mac, key);
            if (resumedOrNot.isEmpty()) return;
            boolean resumed = resumedOrNot.get();
            boolean touched = false;
            try {
                EndpointKey endpoint = new EndpointKey(address, device.mdmId());
                EndpointState state = view.state(endpoint);
                String outcome;
                String policyName;
                String keyUsed = mac;
                // Set when this entry records the change an interrupted attempt of this very claim made (this run's,
                // retried, or one whose lease ran out): the NAC already shows it, so the command is not sent again.
                boolean adopted;
                if (resumed && state.quarantined() && nac.ownPolicy().filter(state.policy()::equals).isPresent()) {
                    // Only under our own policy: a quarantine someone else applied meanwhile is never adopted.
                    outcome = "quarantined";
                    policyName = state.policy();
                    adopted = true;
                } else {
                    touched = true;
                    // Clear: apply. Already under a quarantine policy: ask the NAC to apply ours anyway, so that it
                    // says whether that policy is ours ("already", success) or another one (a failure: a quarantine
                    // someone else applied is never taken over, so never lifted by this function either). When the
                    // adapter cannot name our policy, a resumed attempt learns it here: "already" under ours is the
                    // interrupted attempt's change.
                    AccessChange change = nac.quarantine(endpoint);
                    adopted = resumed && !change.changed();
                    outcome = change.changed() || adopted ? "quarantined" : "already-quarantined";
                    policyName = change.policy();
                    keyUsed = change.key() == null ? mac : change.key();
                    view.changed(mac, policyName);
                }
                consecutiveFailures = 0;
                Instant at = clock.instant();
                Map<String, String> nacFacts = new LinkedHashMap<>();
                nacFacts.put("nac.key", keyUsed);
                nacFacts.put("nac.keyKind", EndpointKey.Kind.MAC.name());
                nacFacts.put("nac.policy", String.valueOf(policyName));
                nacFacts.put("nac.stateBefore", adopted ? "clear before an earlier attempt applied it" : state.quarantined() ? state.policy() : "clear");
                if (adopted) nacFacts.put("interruptedAttempt", "true");
                nacFacts.put("episode", Integer.toString(episode));
                record(device, "nac.quarantined", outcome.equals("quarantined") ? "ok" : "already", key, d, nacFacts);
                notices.revoked(device.owner(), device.id(), at, AccessNotices.occasion(key));
                // The record last: until it says quarantined, a rerun decides to quarantine again under the same
                // key, takes the claim over, finds the NAC done, and finishes the ledger entry and the notice.
                evidence.saveRecord(new AccessRecord(device.id(), AccessRecord.State.QUARANTINED, episode, keyUsed, policyName, at, d.reason()));
                claims.complete(key, runId, outcome, clock.instant());
                actions.add(action(d, "quarantine", outcome, keyUsed, null));
            } catch (RemoteFailure e) {
                failed(d, "quarantine", key, mac, e);
            } catch (RuntimeException e) {
                // Given back only while the NAC is untouched; after a change the claim stays as the mark of an
                // unrecorded change, for the retry (or the run after the lease) to find and record.
                if (!touched) claims.release(key, runId);
                throw e;
            }
        }

        /**
         * What comes before a NAC command, the same for quarantine and release: a dry run records what it would do, a
         * stopped run leaves the device, and the command's claim decides who acts. Empty when this run must not send
         * the command; otherwise whether it resumes an interrupted attempt of this very claim (this run's, retried by
         * the platform, or one whose lease ran out).
         */
        private Optional<Boolean> claimToAct(Decision d, Device device, String verb, String entry, String mac, String key) {
            if (request.dryRun()) {
                record(device, entry, "would-do", null, d, Map.of("nac.key", mac));
                actions.add(action(d, verb, "would-" + verb, mac, null));
                return Optional.empty();
            }
            if (!canAct()) {
                actions.add(action(d, verb, "not-attempted", mac, stopped));
                return Optional.empty();
            }
            boolean interrupted = interruptedHere(key);
            Claims.Outcome claim = claims.claim(key, runId, clock.instant(), CLAIM_LEASE);
            if (claim == Claims.Outcome.ALREADY_DONE || claim == Claims.Outcome.HELD_ELSEWHERE) {
                actions.add(action(d, verb, "already-handled", mac, "claim " + key + " " + claim.name().toLowerCase(java.util.Locale.ROOT)));
                return Optional.empty();
            }
            return Optional.of(interrupted || claim == Claims.Outcome.TAKEN_OVER);
        }

        /** An attempt of this run claimed the key before and did not complete it: the platform is retrying us. */
        private boolean interruptedHere(String key) {
            return claims.state(key).filter(st -> !st.completed() && st.holder().equals(runId)).isPresent();
        }

        void release(Decision d, NacView view) {
            DeviceFacts f = facts.get(d.device());
            Device device = f.device();
            AccessRecord before = f.record();
            String mac = before.key();
            String key = "nac/release/" + device.id() + "/" + before.episode();
            Optional<Boolean> resumedOrNot = claimToAct(d, device, "release", "nac.released", mac, key);
            if (resumedOrNot.isEmpty()) return;
            boolean resumed = resumedOrNot.get();
            boolean touched = false;
            try {
                EndpointKey endpoint = new EndpointKey(MacAddress.parse(mac), device.mdmId());
                EndpointState state = view.state(endpoint);
                String outcome;
                if (!state.quarantined()) {
                    // Clear already. After an attempt that stopped mid-way, that attempt's release is recorded now.
                    outcome = resumed ? "released" : "already-clear";
                } else {
                    touched = true;
                    AccessChange change = nac.release(endpoint);
                    outcome = change.changed() ? "released" : "already-clear";
                    view.changed(mac, null);
                }
                consecutiveFailures = 0;
                Instant at = clock.instant();
                Map<String, String> nacFacts = new LinkedHashMap<>();
                nacFacts.put("nac.key", mac);
                nacFacts.put("nac.keyKind", EndpointKey.Kind.MAC.name());
                nacFacts.put("nac.stateBefore", !state.quarantined() && resumed ? "quarantined before an earlier attempt cleared it" : state.quarantined() ? state.policy() : "clear");
                if (resumed && !state.quarantined()) nacFacts.put("interruptedAttempt", "true");
                nacFacts.put("episode", Integer.toString(before.episode()));
                nacFacts.put("quarantinedSince", before.since().toString());
                record(device, "nac.released", outcome.equals("released") ? "ok" : "already", key, d, nacFacts);
                notices.restored(device.owner(), device.id(), at, AccessNotices.occasion(key));
                evidence.saveRecord(before.released(at, d.reason()));
                claims.complete(key, runId, outcome, clock.instant());
                actions.add(action(d, "release", outcome, mac, null));
            } catch (RemoteFailure e) {
                failed(d, "release", key, mac, e);
            } catch (RuntimeException e) {
                if (!touched) claims.release(key, runId);
                throw e;
            }
        }

        /**
         * A NAC command failed. Nothing changed, or the change is in doubt: either way the claim is given back,
         * because the next attempt reads the NAC state first and so cannot repeat a change that did happen.
         */
        private void failed(Decision d, String what, String key, String mac, RemoteFailure e) {
            claims.release(key, runId);
            DeviceFacts f = facts.get(d.device());
            Map<String, String> details = new LinkedHashMap<>();
            details.put("nac.key", String.valueOf(mac));
            details.put("error", e.getMessage());
            details.put("errorKind", e.kind().name());
            record(f.device(), what.equals("quarantine") ? "nac.quarantine-failed" : "nac.release-failed", "failed", null, d, details);
            actions.add(action(d, what, "failed", mac, e.getMessage()));
            boolean systemic = e.retryable() || e.kind() == RemoteFailure.Kind.AUTH;
            consecutiveFailures = systemic ? consecutiveFailures + 1 : 0;
            if (consecutiveFailures >= MAX_CONSECUTIVE_NAC_FAILURES) {
                stopped = "the NAC failed " + consecutiveFailures + " times in a row (" + e.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + "): stopped; the next run continues";
                alerts.alert("Network access run stopped: the NAC is failing", stopped + ". Last error: " + e.getMessage(),
                        Map.of("run", runId, "errorKind", e.kind().name()));
            }
        }

        void held(Decision d, String why) {
            actions.add(action(d, "quarantine", why, java.util.Objects.toString(facts.get(d.device()).identity().mac(), null), null));
        }

        void unresolved(Decision d) {
            DeviceFacts f = facts.get(d.device());
            Device device = f.device();
            unresolved.add(new AccessReport.Unresolved(device.id(), device.owner(), f.identity().explain(), describe(d.evidence())));
            if (request.dryRun()) return;
            LocalDate day = LocalDate.ofInstant(started, policy.zone());
            Map<String, String> details = new LinkedHashMap<>();
            details.put("problem", f.identity().explain());
            details.put("standing", d.standing().wireName());
            boolean first = record(device, "nac.identity-unresolved", "reported", "nac/identity/" + device.id() + "/" + day, d, details);
            if (first) {
                alerts.alert("A device cannot be identified on the network and was not quarantined",
                        "Device " + device.id() + " of member " + device.owner() + " would lose network access (" + d.standing().wireName()
                                + "), but " + f.identity().explain() + ". Correct its network address in the inventory, or decide by hand.",
                        Map.of("device", device.id(), "member", device.owner(), "problem", f.identity().status().name()));
            }
        }

        void drift(Decision d, AccessRecord r) {
            if (request.dryRun()) return;
            Device device = facts.get(d.device()).device();
            LocalDate day = LocalDate.ofInstant(started, policy.zone());
            boolean first = record(device, "nac.quarantine-lifted-elsewhere", "reported", "nac/drift/" + device.id() + "/" + day, d,
                    Map.of("nac.key", r.key(), "quarantinedSince", r.since().toString()));
            if (first) {
                alerts.alert("A quarantine was lifted outside appban",
                        "Device " + device.id() + " of member " + device.owner() + " is quarantined by appban since " + r.since()
                                + ", but the NAC shows it clear. appban does not re-apply it; grant an exemption if that was intended, or quarantine it again by hand.",
                        Map.of("device", device.id(), "member", device.owner()));
            }
        }

        void fleetEvent(String action, String outcome, String key, Map<String, String> details) {
            Map<String, String> all = new LinkedHashMap<>(details);
            all.put("trigger", request.trigger());
            all.put("run", runId);
            ledger.append(new LedgerRecord(clock.instant(), actor, null, null, action, request.dryRun() ? "would-do" : outcome,
                    request.dryRun(), request.dryRun() ? null : key, all));
        }

        /** Appends to the owner's chain; true when this call wrote the entry (false: recorded before under the key). */
        private boolean record(Device device, String action, String outcome, String key, Decision d, Map<String, String> extra) {
            Map<String, String> details = new LinkedHashMap<>(extra);
            details.put("decision", d.action().wireName());
            details.put("standing", d.standing().wireName());
            details.put("reason", d.reason());
            List<Evidence> ev = d.evidence();
            for (int i = 0; i < ev.size(); i++) details.put("evidence." + (i + 1), ev.get(i).describe());
            details.put("trigger", request.trigger());
            details.put("run", runId);
            boolean dry = request.dryRun();
            return ledger.append(new LedgerRecord(clock.instant(), actor, device.owner(), device.id(), action, dry ? "would-do" : outcome, dry,
                    dry ? null : key, details)).written();
        }

        private AccessReport.Action action(Decision d, String what, String outcome, String key, String error) {
            Device device = facts.get(d.device()).device();
            return new AccessReport.Action(device.id(), device.owner(), what, outcome, key, d.reason(), describe(d.evidence()), error);
        }

        private List<String> describe(List<Evidence> evidence) {
            return evidence.stream().map(Evidence::describe).toList();
        }
    }
}
