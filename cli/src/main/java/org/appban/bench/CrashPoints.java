package org.appban.bench;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.appban.domain.LedgerRecord;
import org.appban.fleet.EnforcementStep;
import org.appban.fleet.FleetEnforcement;
import org.appban.fleet.SyncOutcome;
import org.appban.inventory.DeviceEvents;
import org.appban.inventory.DeviceStatusChanged;
import org.appban.network.AccessChange;
import org.appban.network.EndpointKey;
import org.appban.network.EndpointState;
import org.appban.network.NetworkAccess;
import org.appban.notice.NoticeRequests;
import org.appban.policy.BannedApp;
import org.appban.ports.ForwardingLedger;
import org.appban.ports.Ledger;
import org.appban.mail.Mailer;
import org.appban.rehearsal.FaultSetup;
import org.appban.rehearsal.SimulatedCrash;

/**
 * Every point where a function has made a side effect (an email accepted, an MDM or NAC command, an event or notice
 * request published) and has not yet finished recording it (its ledger entry, its claim), with a crash injected
 * there: the process dies ({@link SimulatedCrash}) right after the side effect. Each point crashes at its
 * {@code first} occurrence, then again {@code every} occurrences after its last crash, at most {@code max} times,
 * so each is exercised in turn through the campaign and each crash is followed by the platform's retry.
 *
 * <p>Each crash leaves a check: after the run, the side effect it interrupted must have its ledger entry (a check
 * that fails is a lost entry). The accounting checks ({@link #mailCopies}, the NAC's request log) cover the
 * side effects whether or not a crash interrupted them.
 */
final class CrashPoints implements FaultSetup.Decorators {
    /** The one point where a repeat cannot be prevented (SES SendEmail has no idempotency token): documented in NoticeSender. */
    static final String SES_WINDOW = "notice: SES accepted, notice.sent not yet written";

    static final List<String> ALL = List.of(
            SES_WINDOW,
            "notice: notice.sent written, claim not completed",
            "mdm: uninstall assignment changed, not recorded",
            "mdm: reinstall block changed, not recorded",
            "mdm: compliance rule changed, not recorded",
            "mdm: check-in requested, not recorded",
            "mdm: mdm.sync-requested written, claim not completed",
            "enforce: enforce.escalated written, notice not requested",
            "enforce: escalation notice requested, item not acknowledged",
            "nac: quarantine applied, not recorded",
            "nac: nac.quarantined written, notice/record/claim not done",
            "nac: release applied, not recorded",
            "nac: nac.released written, notice/record/claim not done",
            "nac: revoked/restored notice requested, record/claim not done",
            "inventory: DeviceStatusChanged published, not recorded",
            "inventory: change recorded, device not saved",
            "admin: exemption notice requested, not acknowledged");

    /** Points inside a removal work item (a queue delivery, retried by redelivery rather than with the run). */
    static final Set<String> WORK_ITEM_POINTS = Set.of("mdm: check-in requested, not recorded",
            "mdm: mdm.sync-requested written, claim not completed", "enforce: enforce.escalated written, notice not requested",
            "enforce: escalation notice requested, item not acknowledged");

    /** A crash that happened, and how to tell that what it interrupted was recorded after all. */
    record Crash(String point, Instant at, String subject, Predicate<LedgerRecord> recordedBy) {
    }

    private final int first;
    private final int every;
    private final int max;
    private final Clock clock;
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private final Map<String, Integer> fired = new ConcurrentHashMap<>();
    final List<Crash> crashes = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Copies of each Message-ID the provider accepted. */
    final Map<String, Integer> mailCopies = new ConcurrentHashMap<>();
    /** Message-IDs whose send was interrupted by a crash in the SES window. */
    final Set<String> sesWindow = ConcurrentHashMap.newKeySet();

    private final int perTrigger;
    /** Occurrences of each point in a run without crashes (the clean reference run), when known. */
    private Map<String, Integer> expected = Map.of();

    /** A point's first crash: at its first occurrence, or its second when it is frequent (3 or more in a clean run). */
    private int firstAt(String point) {
        return expected.getOrDefault(point, 0) >= 3 ? Math.max(first, 2) : first;
    }

    /**
     * Tells the points how often each occurs in a clean run. A trigger can crash only as often as the platform retries
     * it, and one trigger may pass several points (the deadline run: uninstall, reinstall block, compliance rule,
     * each changed once in the whole campaign): frequent points then wait for their second occurrence, leaving that
     * trigger's crashes to the rare ones, and are crashed later.
     */
    CrashPoints expecting(Map<String, Integer> occurrences) {
        this.expected = Map.copyOf(occurrences);
        return this;
    }

    /** Points that only count occurrences (the clean reference run), never crashing. */
    static CrashPoints counting() {
        return new CrashPoints(1, 1, 0, 0, null);
    }

    CrashPoints(int first, int every, int max, int perTrigger, Clock clock) {
        this.perTrigger = perTrigger;
        this.first = first;
        this.every = every;
        this.max = max;
        this.clock = clock;
    }

    /**
     * Counts an occurrence of the point; true when the process is to die here: at the point's {@code first}
     * occurrence and {@code every} occurrences after its last crash, while armed. A point due while disarmed stays
     * due for its next occurrence, so rare points are not skipped.
     */
    private synchronized boolean due(String point) {
        int n = seen.merge(point, 1, Integer::sum);
        // The trigger's last crash is kept for a point never crashed yet, so points that come late in busy
        // triggers get their turn too.
        int limit = fired.getOrDefault(point, 0) == 0 ? perTrigger : perTrigger - 1;
        // A removal work item is an SQS delivery of its own, redelivered up to five times: not the run's budget.
        boolean ownBudget = WORK_ITEM_POINTS.contains(point) && perTrigger > 0;
        if (!ownBudget && (thisTrigger.size() >= limit || thisTrigger.contains(point))) return false;
        if (fired.getOrDefault(point, 0) >= max || n < nextAt.getOrDefault(point, firstAt(point))) return false;
        fired.merge(point, 1, Integer::sum);
        nextAt.put(point, n + every);
        if (!ownBudget) thisTrigger.add(point);
        return true;
    }

    /**
     * An invocation with its retries (a trigger, or one subscriber's delivery of an event within it): up to
     * {@code perTrigger} crashes in it (the retry budget), each at a different point, so that the retry after the
     * last one runs undisturbed; an invocation whose side effects pass several points (the deadline run: uninstall,
     * reinstall block, compliance rule) crashes at each in turn, one per attempt. An event delivered within a
     * trigger has a budget of its own, as it is retried on its own; the trigger's is restored after it.
     */
    @Override
    public Runnable invocation(String id, Runnable withRetries) {
        return () -> {
            Set<String> outer;
            synchronized (this) {
                outer = thisTrigger;
                thisTrigger = new java.util.HashSet<>();
            }
            try {
                withRetries.run();
            } finally {
                synchronized (this) {
                    thisTrigger = outer;
                }
            }
        };
    }

    private Set<String> thisTrigger = new java.util.HashSet<>();
    private final Map<String, Integer> nextAt = new ConcurrentHashMap<>();

    private void crash(String point, String subject, Predicate<LedgerRecord> recordedBy) {
        crashes.add(new Crash(point, clock.instant(), subject, recordedBy));
        throw new SimulatedCrash(point + " (" + subject + ")");
    }

    Map<String, Integer> fired() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String p : ALL) out.put(p, fired.getOrDefault(p, 0));
        return out;
    }

    Map<String, Integer> seen() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String p : ALL) out.put(p, seen.getOrDefault(p, 0));
        return out;
    }

    /** Crashes whose interrupted side effect has no ledger entry at the end of the run. */
    List<Crash> unrecorded(Collection<LedgerRecord> ledger) {
        List<Crash> out = new ArrayList<>();
        synchronized (crashes) {
            for (Crash c : crashes) {
                if (ledger.stream().noneMatch(r -> !r.dryRun() && !r.at().isBefore(c.at()) && c.recordedBy().test(r))) out.add(c);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------------------

    Mailer mailer(Mailer delegate) {
        return mail -> {
            String id = delegate.send(mail);
            String messageId = mail.mime().messageId();
            mailCopies.merge(messageId, 1, Integer::sum);
            if (due(SES_WINDOW)) {
                sesWindow.add(messageId);
                crash(SES_WINDOW, messageId, r -> (r.action().equals("notice.sent") || r.action().equals("digest.sent")) && messageId.equals(r.details().get("messageId")));
            }
            return id;
        };
    }

    Ledger ledger(Ledger ledger) {
        return new ForwardingLedger(ledger) {
            @Override
            public Appended append(LedgerRecord record) {
                Appended a = delegate.append(record);
                if (!a.written() || record.dryRun()) return a;
                String point = switch (record.action()) {
                    case "notice.sent" -> "notice: notice.sent written, claim not completed";
                    case "mdm.sync-requested" -> record.idempotencyKey() == null ? null : "mdm: mdm.sync-requested written, claim not completed";
                    case "enforce.escalated" -> "enforce: enforce.escalated written, notice not requested";
                    case "nac.quarantined" -> "nac: nac.quarantined written, notice/record/claim not done";
                    case "nac.released" -> "nac: nac.released written, notice/record/claim not done";
                    default -> record.action().startsWith("inventory.") && !record.action().equals("inventory.unknown-owner")
                            ? "inventory: change recorded, device not saved" : null;
                };
                if (point != null && due(point)) {
                    String key = record.idempotencyKey();
                    crash(point, key, r -> key != null && key.equals(r.idempotencyKey()));
                }
                return a;
            }
        };
    }

    @Override
    public NetworkAccess nac(NetworkAccess nac) {
        return new NetworkAccess() {
            @Override
            public EndpointState state(EndpointKey key) {
                return nac.state(key);
            }

            @Override
            public AccessChange quarantine(EndpointKey key) {
                return afterNac(nac.quarantine(key), key, "nac: quarantine applied, not recorded", "nac.quarantined");
            }

            @Override
            public AccessChange release(EndpointKey key) {
                return afterNac(nac.release(key), key, "nac: release applied, not recorded", "nac.released");
            }

            @Override
            public Optional<List<EndpointState>> quarantinedEndpoints() {
                return nac.quarantinedEndpoints();
            }

            @Override
            public Optional<String> ownPolicy() {
                return nac.ownPolicy();
            }
        };
    }

    /** A NAC command that changed the endpoint, then the process dies before the ledger has {@code action} for it. */
    private AccessChange afterNac(AccessChange c, EndpointKey key, String point, String action) {
        if (c.changed() && due(point)) {
            String mac = key.macAddress() == null ? "" : key.macAddress().toString();
            crash(point, mac, r -> r.action().equals(action) && r.outcome().equals("ok") && mac.equals(r.details().get("nac.key")));
        }
        return c;
    }

    /** A MAC as the ledger and the NAC's requests write it, or "" when there is none. */
    static String norm(String mac) {
        return mac == null || mac.isBlank() ? "" : org.appban.domain.MacAddress.parse(mac).toString();
    }

    @Override
    public FleetEnforcement mdm(FleetEnforcement mdm) {
        return new FleetEnforcement() {
            @Override
            public org.appban.domain.MdmKind mdm() {
                return mdm.mdm();
            }

            @Override
            public EnforcementStep ensureUninstall(BannedApp app, Set<String> targets, Set<String> exempt) {
                return step(mdm.ensureUninstall(app, targets, exempt), "mdm: uninstall assignment changed, not recorded", "mdm.uninstall-assigned");
            }

            @Override
            public EnforcementStep ensureReinstallBlock(BannedApp app, Set<String> exempt) {
                return step(mdm.ensureReinstallBlock(app, exempt), "mdm: reinstall block changed, not recorded", "mdm.reinstall-blocked");
            }

            @Override
            public EnforcementStep ensureComplianceRule(BannedApp app, Set<String> exempt) {
                return step(mdm.ensureComplianceRule(app, exempt), "mdm: compliance rule changed, not recorded", "mdm.compliance-rule");
            }

            @Override
            public EnforcementStep ensureAssigned(EnforcementStep.Step step, BannedApp app) {
                return mdm.ensureAssigned(step, app);
            }

            @Override
            public List<org.appban.fleet.Placed> place(BannedApp app, java.util.Map<String, org.appban.fleet.GroupPlacement> placements) {
                return mdm.place(app, placements);
            }

            private EnforcementStep step(EnforcementStep s, String point, String action) {
                if (s.outcome() == EnforcementStep.Outcome.CHANGED && due(point)) {
                    String kind = mdm.mdm().wireName();
                    // Recorded when an entry of the step says it changed, or that an interrupted attempt may have.
                    crash(point, kind, r -> r.action().equals(action) && kind.equals(r.details().get("mdm"))
                            && (r.outcome().equals("changed") || "true".equals(r.details().get("interruptedAttempt"))));
                }
                return s;
            }

            @Override
            public List<SyncOutcome> sync(Collection<String> mdmIds) {
                List<SyncOutcome> out = mdm.sync(mdmIds);
                String point = "mdm: check-in requested, not recorded";
                if (!out.isEmpty() && out.get(0).status() == SyncOutcome.Status.REQUESTED && due(point)) {
                    String id = out.get(0).mdmId();
                    crash(point, id, r -> r.action().equals("mdm.sync-requested") && id.equals(r.details().get("mdmId")));
                }
                return out;
            }
        };
    }

    @Override
    public NoticeRequests requests(String source, NoticeRequests requests) {
        String point = switch (source) {
            case "appban.enforce" -> "enforce: escalation notice requested, item not acknowledged";
            case "appban.network" -> "nac: revoked/restored notice requested, record/claim not done";
            default -> "admin: exemption notice requested, not acknowledged";
        };
        return r -> {
            requests.request(r);
            // What it interrupts (the caller's claim, record or acknowledgement) comes after an entry already written.
            if (due(point)) crash(point, r.occasion(), x -> true);
        };
    }

    @Override
    public DeviceEvents deviceEvents(DeviceEvents events) {
        String point = "inventory: DeviceStatusChanged published, not recorded";
        return changes -> {
            events.publish(changes);
            if (!changes.isEmpty() && due(point)) {
                DeviceStatusChanged c = changes.get(0);
                String action = "inventory." + c.change().wireName();
                crash(point, c.device(), r -> r.action().equals(action) && c.device().equals(r.device()));
            }
        };
    }
}
