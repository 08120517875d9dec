package org.appban.exemption;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.appban.domain.Actor;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.identity.Principal;
import org.appban.identity.ProvenPrincipal;
import org.appban.input.InvalidInputException;
import org.appban.policy.BanPolicy;
import org.appban.policy.StageKind;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;

/**
 * The exemption lifecycle over the ports: loads what a step needs, asks {@link ExemptionRules}, stores the result
 * (conditionally on the state the decision saw), records it in the member's ledger chain and asks for its notice.
 *
 * <h2>Idempotent steps</h2>
 * Every step can be repeated: a request carries a request key that fixes its exemption ids, so a retried request
 * finds what it created; a decision repeated by the same approver finds the exemption already in the state it asks
 * for and only completes what a crash may have left undone (the ledger entry, the notice request). Ledger entries
 * carry idempotency keys {@code exemption/<id>/<step>}, so none is written twice.
 *
 * <h2>Notices never block a decision</h2>
 * A decision is stored and recorded first; then its notice is asked for. If asking fails, the report says so and
 * the next {@link #sweep} asks again: the ledger key {@code exemption/<id>/notice/<kind>} is only written once the
 * request was accepted.
 *
 * <h2>Effects</h2>
 * This service changes nothing on the MDM or the network. Enforcement and network access consult
 * {@link ExemptionCheck} before every action, so a grant shields the device(s) from their next run, and an
 * expiry or revocation exposes them to it again. Revocation releases nothing and quarantines nothing by itself.
 */
public final class ExemptionService {
    public static final String REQUESTED = "exemption.requested";
    public static final String GRANTED = "exemption.granted";
    public static final String REFUSED = "exemption.refused";
    public static final String REVOKED = "exemption.revoked";
    public static final String NOTICE_REQUESTED = "exemption.notice-requested";
    public static final String NOTICE_FAILED = "exemption.notice-failed";

    private final BanPolicy policy;
    private final MemberStore members;
    private final DeviceStore devices;
    private final ExemptionStore exemptions;
    private final Ledger ledger;
    private final ExemptionNotices notices;
    private final Clock clock;
    private final ExemptionRules rules;
    private final ExemptionNoticePlan plan;

    public ExemptionService(BanPolicy policy, MemberStore members, DeviceStore devices, ExemptionStore exemptions,
                            Ledger ledger, ExemptionNotices notices, Clock clock) {
        this.policy = policy;
        this.members = members;
        this.devices = devices;
        this.exemptions = exemptions;
        this.ledger = ledger;
        this.notices = notices;
        this.clock = clock;
        this.rules = new ExemptionRules(policy);
        this.plan = new ExemptionNoticePlan(policy);
    }

    public ExemptionRules rules() {
        return rules;
    }

    /**
     * An administrator asks on the member's behalf. The requester is the proven caller.
     *
     * @param devices    device ids (empty: the whole member)
     * @param requestKey fixes the new exemptions' ids: the same key gives the same exemptions (a retry)
     */
    public List<ExemptionOutcome> request(String memberId, List<String> devices, String reason, String requestKey, ProvenPrincipal requester) {
        return request("exemption.request", memberId, devices, reason, requestKey, requester.arn(), requester.actor());
    }

    /** The member asks, through the signed link in their notice (verified by the caller). */
    public List<ExemptionOutcome> requestAsMember(String memberId, List<String> devices, String reason, String requestKey) {
        return request("exemption link", memberId, devices, reason, requestKey, memberRequester(memberId),
                Actor.event("exemption-link:" + memberId));
    }

    /** The requester identity recorded for a member's own request. */
    public static String memberRequester(String memberId) {
        return "member:" + memberId;
    }

    private List<ExemptionOutcome> request(String source, String memberId, List<String> deviceIds, String reason,
                                           String requestKey, String requester, Actor actor) {
        Objects.requireNonNull(requestKey, "requestKey");
        Instant now = clock.instant();
        Member member = memberId == null ? null : members.find(memberId).orElse(null);
        List<Exemption> wanted = rules.request(source, memberId, member,
                member == null ? List.of() : devices.ofOwner(memberId), deviceIds, reason, requester, now,
                device -> id(memberId, device, requestKey));
        List<ExemptionOutcome> out = new ArrayList<>();
        for (Exemption e : wanted) {
            String result = "requested";
            Exemption stored = e;
            Optional<Exemption> existing = exemptions.find(e.id());
            if (existing.isPresent()) {
                stored = existing.get();
                if (!stored.member().equals(e.member()) || !Objects.equals(stored.device(), e.device())) {
                    throw new InvalidInputException(source, "requestId", "was already used for exemption " + stored.id()
                            + " of another member or device; use a new request id");
                }
                result = "already-requested";
            } else {
                try {
                    exemptions.create(e);
                } catch (IllegalStateException raced) {
                    stored = exemptions.find(e.id()).orElseThrow(() -> raced);
                    result = "already-requested";
                }
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("exemption", stored.id());
            details.put("scope", stored.coversWholeMember() ? "member" : "device");
            details.put("reason", stored.reason());
            details.put("requestedBy", stored.requestedBy());
            record(stored, stored.requestedAt(), actor, REQUESTED, "requested", details);
            out.add(new ExemptionOutcome(result, ExemptionView.of(stored, now), List.of()));
        }
        return out;
    }

    public ExemptionOutcome grant(String id, Instant expires, String note, ProvenPrincipal approver) {
        String source = "exemption.grant";
        Instant now = clock.instant();
        Exemption current = existing(source, id);
        Actor actor = approver.actor();
        Decided decided = decideOnce(source, current, "granted", e -> isRepeatedGrant(e, approver, expires),
                () -> rules.grant(source, current, member(current), approver, expires, now));
        Exemption granted = decided.exemption();
        String result = decided.result();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("exemption", granted.id());
        details.put("expires", granted.expires().toString());
        details.put("decidedBy", granted.decidedBy());
        if (note != null && !note.isBlank()) details.put("note", note);
        record(granted, granted.decidedAt(), actor, GRANTED, "granted", details);
        List<String> asked = new ArrayList<>();
        if (now.isBefore(granted.expires())) asked.add(ask(new ExemptionNoticePlan.Due(granted, StageKind.EXEMPTION_GRANTED, granted.decidedAt()), actor).describe());
        return new ExemptionOutcome(result, ExemptionView.of(granted, now), asked);
    }

    public ExemptionOutcome refuse(String id, String reason, ProvenPrincipal approver) {
        String source = "exemption.refuse";
        Instant now = clock.instant();
        Exemption current = existing(source, id);
        Actor actor = approver.actor();
        Decided decided = decideOnce(source, current, "refused",
                e -> e.status() == ExemptionStatus.REFUSED && Principal.samePerson(e.decidedBy(), approver.arn()),
                () -> rules.refuse(source, current, member(current), approver, reason, now));
        Exemption refused = decided.exemption();
        String result = decided.result();
        record(refused, refused.decidedAt(), actor, REFUSED, "refused",
                Map.of("exemption", refused.id(), "decidedBy", refused.decidedBy(), "reason", reason == null ? "" : reason));
        return new ExemptionOutcome(result, ExemptionView.of(refused, now), List.of());
    }

    public ExemptionOutcome revoke(String id, String reason, ProvenPrincipal by) {
        String source = "exemption.revoke";
        Instant now = clock.instant();
        Exemption current = existing(source, id);
        Actor actor = by.actor();
        Decided decided = decideOnce(source, current, "revoked",
                e -> e.status() == ExemptionStatus.REVOKED && Principal.samePerson(e.revokedBy(), by.arn()),
                () -> rules.revoke(source, current, by, reason, now));
        Exemption revoked = decided.exemption();
        String result = decided.result();
        record(revoked, revoked.revokedAt(), actor, REVOKED, "revoked",
                Map.of("exemption", revoked.id(), "revokedBy", revoked.revokedBy(), "reason", reason == null ? "" : reason,
                        "wouldHaveExpired", revoked.expires().toString()));
        return new ExemptionOutcome(result, ExemptionView.of(revoked, now), List.of());
    }

    /**
     * Exemptions, newest request first.
     *
     * @param memberId null for every member
     * @param state    null for any, else one of {@link ExemptionView#STATES}
     */
    public List<ExemptionView> list(String memberId, String state) {
        Instant now = clock.instant();
        List<Exemption> source = memberId == null ? exemptions.all() : exemptions.ofMember(memberId);
        return source.stream().map(e -> ExemptionView.of(e, now))
                .filter(v -> state == null || v.state().equals(state))
                .sorted(java.util.Comparator.comparing(ExemptionView::requestedAt, java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder()))
                        .thenComparing(ExemptionView::id))
                .toList();
    }

    /**
     * The administrators' whole-table sweep (manual, never daily): asks for every exemption notice due now and not
     * asked for yet (expiring and expired notices, and granted notices whose request failed at the grant), then
     * stores each grant's next notice time for the daily sweep's index ({@link ExemptionStore#noticeDueAt}). That
     * second part is what makes this the repair: a grant stored before the index existed, or whose time was lost,
     * is invisible to the daily sweep ({@link #sweepDue}) until it is scheduled, and one run of this schedules every
     * grant from what the ledger says was asked. A grant one of whose notices failed here keeps the time it had, so
     * the daily sweep reads it again and asks again.
     */
    public SweepReport sweep(Actor actor) {
        Instant now = clock.instant();
        List<Exemption> all = exemptions.all();
        List<Exemption> granted = all.stream().filter(e -> e.status() == ExemptionStatus.GRANTED).toList();
        java.util.Set<String> asked = new java.util.HashSet<>(ledger.usedKeys(granted.stream().flatMap(e -> noticeKeys(e).stream()).toList()));
        java.util.Set<String> failed = new java.util.HashSet<>();
        List<SweepReport.Item> items = new ArrayList<>();
        for (ExemptionNoticePlan.Due due : plan.due(all, now, key -> asked.contains(key) || ledger.byIdempotencyKey(key).isPresent())) {
            Asked a = ask(due, actor);
            items.add(new SweepReport.Item(due.exemption().id(), due.exemption().member(), due.kind().wireName(),
                    due.occurredAt(), a.ok() ? "requested" : "failed", a.error()));
            if (a.ok()) asked.add(due.key());
            else failed.add(due.exemption().id());
        }
        for (Exemption e : granted) {
            if (!failed.contains(e.id())) exemptions.noticeDueAt(e.id(), plan.nextDue(e, now, asked::contains).orElse(null));
        }
        // A request stored before the digest read open requests by index is put in it by a write of itself as it is
        // (a store writes whole items; the write applies only while it is still a request).
        for (Exemption e : all) if (e.status() == ExemptionStatus.REQUESTED) exemptions.transition(e, e);
        int active = (int) all.stream().filter(e -> "active".equals(ExemptionView.state(e, now))).count();
        return new SweepReport(now, active, items);
    }

    /** The idempotency keys of the three notices an exemption can have asked for. */
    private static List<String> noticeKeys(Exemption e) {
        return java.util.Arrays.stream(new StageKind[] {StageKind.EXEMPTION_GRANTED, StageKind.EXEMPTION_EXPIRING,
                StageKind.EXEMPTION_EXPIRED}).map(k -> ExemptionNoticePlan.key(e.id(), k)).toList();
    }

    /** Exemptions read a page at a time by the daily sweep ({@link #sweepDue}). */
    public static final int SWEEP_PAGE = 100;

    /**
     * What one invocation of the daily sweep did: the notices it asked for, the exemptions it read, where it
     * stands ({@code position}: the last exemption done, so the next step starts after it) and whether it is over.
     */
    public record SweepStep(Instant at, List<SweepReport.Item> notices, int exemptions, String position, boolean finished) {
    }

    /**
     * The daily sweep, bounded by its work: the exemptions whose next notice falls due by now
     * ({@link ExemptionStore#noticesDue}, an index of those only), a page at a time from after {@code after}, until
     * they are done or {@code outOfTime} says to stop (checked before each exemption after the first, so one started
     * is finished and every step moves on).
     * Each one's due notices are asked for as {@link #sweep} asks, and its next notice's time is stored once all
     * were asked: one that failed keeps its time and is read again by the next sweep, which asks again.
     */
    public SweepStep sweepDue(Actor actor, String after, java.util.function.BooleanSupplier outOfTime) {
        Instant now = clock.instant();
        List<SweepReport.Item> items = new ArrayList<>();
        String position = after;
        int read = 0;
        while (true) {
            ExemptionStore.Page page = exemptions.noticesDue(now, position, SWEEP_PAGE);
            for (ExemptionStore.Pending p : page.pending()) {
                // At least one a step: a step that did nothing would hand on the same position for ever.
                if (read > 0 && outOfTime.getAsBoolean()) return new SweepStep(now, items, read, position, false);
                sweepOne(p.exemption(), now, actor, items);
                position = p.position();
                read++;
            }
            if (page.last()) return new SweepStep(now, items, read, position, true);
        }
    }

    private void sweepOne(Exemption e, Instant now, Actor actor, List<SweepReport.Item> items) {
        java.util.Set<String> asked = new java.util.HashSet<>(ledger.usedKeys(noticeKeys(e)));
        boolean all = true;
        for (ExemptionNoticePlan.Due due : plan.due(List.of(e), now, asked::contains)) {
            Asked a = ask(due, actor);
            items.add(new SweepReport.Item(e.id(), e.member(), due.kind().wireName(), due.occurredAt(), a.ok() ? "requested" : "failed", a.error()));
            if (a.ok()) asked.add(due.key());
            else all = false;
        }
        if (all) exemptions.noticeDueAt(e.id(), plan.nextDue(e, now, asked::contains).orElse(null));
    }

    private record Asked(StageKind kind, boolean ok, String error) {
        String describe() {
            return kind.wireName() + ": " + (ok ? "requested" : "failed (" + error + "); the next sweep asks again");
        }
    }

    private Asked ask(ExemptionNoticePlan.Due due, Actor actor) {
        Exemption e = due.exemption();
        if (ledger.byIdempotencyKey(due.key()).isPresent()) return new Asked(due.kind(), true, null);
        try {
            notices.request(due.kind(), e, due.occurredAt());
        } catch (RuntimeException failure) {
            String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
            ledger.append(new LedgerRecord(clock.instant(), actor, e.member(), e.device(), NOTICE_FAILED, "failed", false, null,
                    Map.of("exemption", e.id(), "kind", due.kind().wireName(), "error", error)));
            return new Asked(due.kind(), false, error);
        }
        ledger.append(new LedgerRecord(clock.instant(), actor, e.member(), e.device(), NOTICE_REQUESTED, "ok", false, due.key(),
                Map.of("exemption", e.id(), "kind", due.kind().wireName(), "occurredAt", due.occurredAt().toString())));
        return new Asked(due.kind(), true, null);
    }

    private void record(Exemption e, Instant at, Actor actor, String action, String step, Map<String, String> details) {
        ledger.append(new LedgerRecord(at, actor, e.member(), e.device(), action, "ok", false,
                "exemption/" + e.id() + "/" + step, details));
    }

    private boolean isRepeatedGrant(Exemption e, ProvenPrincipal approver, Instant expires) {
        return e.status() == ExemptionStatus.GRANTED && Principal.samePerson(e.decidedBy(), approver.arn()) && e.expires().equals(expires);
    }

    /** A decision taken, and whether this call took it ({@code result}) or found it taken ({@code already-<result>}). */
    private record Decided(Exemption exemption, String result) {
    }

    /**
     * Takes a decision on {@code current} once, whoever repeats it: the same decision by the same person again (a
     * retry, a second click) finds it taken and changes nothing; a decision that loses a race to the same one is
     * found taken too; one that loses it to any other change is refused, naming what the exemption became.
     *
     * @param taken  whether an exemption already carries this decision by this person
     * @param decide the decided exemption, by the rules (which refuse a decision not allowed now)
     */
    private Decided decideOnce(String source, Exemption current, String result, java.util.function.Predicate<Exemption> taken,
                               java.util.function.Supplier<Exemption> decide) {
        if (taken.test(current)) return new Decided(current, "already-" + result);
        Exemption decided = decide.get();
        if (exemptions.transition(current, decided)) return new Decided(decided, result);
        Exemption meanwhile = existing(source, current.id());
        if (!taken.test(meanwhile)) throw changedMeanwhile(source, meanwhile);
        return new Decided(meanwhile, "already-" + result);
    }

    private Exemption existing(String source, String id) {
        return exemptions.find(id).orElseThrow(() -> new InvalidInputException(source, "id", "no exemption '" + id + "'"));
    }

    private Member member(Exemption e) {
        return members.find(e.member()).orElse(null);
    }

    private static InvalidInputException changedMeanwhile(String source, Exemption now) {
        return new InvalidInputException(source, "id", "exemption " + now.id() + " changed while this request was decided; it is now "
                + now.status().name().toLowerCase(java.util.Locale.ROOT) + ". Read it again (exemption.list) before deciding");
    }

    /** {@code ex-} and 16 hex digits of SHA-256 over member, device and request key: stable for a retried request. */
    static String id(String memberId, String device, String requestKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (memberId + "\n" + (device == null ? "*" : device) + "\n" + requestKey).getBytes(StandardCharsets.UTF_8));
            return "ex-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    BanPolicy policy() {
        return policy;
    }
}
