package org.appban.notice;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.appban.domain.Actor;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.input.InvalidInputException;
import org.appban.mail.EmailAddress;
import org.appban.policy.BanPolicy;
import org.appban.policy.NoticeStage;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;

/**
 * The notify-members service: loads each member's snapshot through the ports, asks the planner what is due,
 * composes it and hands it to the sender. Every entry point returns a report; a problem with one member (a bad
 * address, an unexpected error) is reported for that member and the run goes on; an account-wide refusal from
 * the mail provider stops the run (every further send would fail the same way).
 */
public final class NotifyMembers {
    /** The function's name, as manual runs and the ledger name it ({@code NotifyCommands.FUNCTION} is the same). */
    public static final String FUNCTION = "notify-members";

    private final BanPolicy policy;
    private final MemberStore members;
    private final DeviceStore devices;
    private final ExemptionStore exemptions;
    private final Claims claims;
    private final Ledger ledger;
    private final Attestations attestations;
    private final NoticePlanner planner;
    private final NoticeComposition composer;
    private final NoticeSender sender;
    private final Clock clock;
    private final int parallelism;

    /** One member at a time. */
    public NotifyMembers(BanPolicy policy, MemberStore members, DeviceStore devices, ExemptionStore exemptions,
                         Claims claims, Ledger ledger, Attestations attestations, NoticePlanner planner,
                         NoticeComposition composer, NoticeSender sender, Clock clock) {
        this(policy, members, devices, exemptions, claims, ledger, attestations, planner, composer, sender, clock, 1);
    }

    /**
     * @param parallelism members worked on at once. One thread reaches R sends per second only while a send's round
     *                    trip is under 1/R; SES answers in tens of milliseconds, so a rate above ~10/s needs a few
     *                    sends in flight (see {@link #parallelismFor}). The rate limiter caps the rate either way.
     */
    public NotifyMembers(BanPolicy policy, MemberStore members, DeviceStore devices, ExemptionStore exemptions,
                         Claims claims, Ledger ledger, Attestations attestations, NoticePlanner planner,
                         NoticeComposition composer, NoticeSender sender, Clock clock, int parallelism) {
        if (parallelism < 1) throw new IllegalArgumentException("parallelism must be at least 1");
        this.parallelism = parallelism;
        this.policy = policy;
        this.members = members;
        this.devices = devices;
        this.exemptions = exemptions;
        this.claims = claims;
        this.ledger = ledger;
        this.attestations = attestations;
        this.planner = planner;
        this.composer = composer;
        this.sender = sender;
        this.clock = clock;
    }

    /**
     * Enough members in flight to keep R sends per second going when a member's work (DynamoDB reads, claim, SES
     * send, ledger appends) takes up to 200 ms: ceil(R / 5), from 1 to 16. More only adds contention.
     */
    public static int parallelismFor(double maxPerSecond) {
        return (int) Math.max(1, Math.min(16, Math.ceil(maxPerSecond / 5)));
    }

    /** Why a run stopped when its {@link RunBudget} ran out. */
    public static final String OUT_OF_TIME = "out of time: the members left are not attempted; the next run sends what is due to them";

    /** Records and returns the refusal of a direct request that needs a proven caller ({@link org.appban.identity.DirectInvocation}). */
    public InvalidInputException refuseUnproven(String request, String instead) {
        return org.appban.identity.DirectInvocation.refuse(ledger, clock.instant(), FUNCTION, request, instead);
    }

    /** The manual request an administrator authorised through the admin function URL ({@link org.appban.identity.AuthorisedRuns}). */
    public org.appban.identity.AuthorisedRuns.Redeemed redeem(String authorisation, String eventId) {
        return org.appban.identity.AuthorisedRuns.redeem(ledger, clock.instant(), FUNCTION, authorisation, eventId);
    }

    public BanPolicy policy() {
        return policy;
    }

    /** How long a notice's claim protects its unfinished send: a run that dies holds its members that long. */
    public java.time.Duration noticeLease() {
        return sender.lease();
    }

    /** The daily schedule: every member on the roster gets what is due to them. */
    public NotifyReport runScheduled(Actor actor, String runId) {
        return runScheduled(actor, runId, RunBudget.unlimited());
    }

    /** The daily schedule, stopping between members once the budget is used up (see {@link #OUT_OF_TIME}). */
    public NotifyReport runScheduled(Actor actor, String runId, RunBudget budget) {
        Map<String, List<Device>> byOwner = devices.all().stream().collect(Collectors.groupingBy(Device::owner));
        Map<String, List<Exemption>> exemptionsOf = exemptions.all().stream().collect(Collectors.groupingBy(Exemption::member));
        List<Member> roster = members.all();
        return run(roster, m -> byOwner.getOrDefault(m.id(), List.of()), m -> exemptionsOf.getOrDefault(m.id(), List.of()),
                actor, runId, false, budget);
    }

    /** Members read and worked on together in a part of a round: a page of the roster, a claims read of 100 keys. */
    public static final int PAGE = 100;

    /**
     * What one invocation did of a part of a round: the report of the members it worked on, where the part now
     * stands ({@code cursor}: the last member done, so the next step starts after it) and whether the part is over.
     * {@code finished} false with {@link NotifyReport#stoppedBy} {@link #OUT_OF_TIME}: hand the rest on.
     */
    public record PartResult(NotifyReport report, String cursor, boolean finished, int members) {
    }

    /**
     * The daily round's part {@code part} of {@code parts}, from after {@code after}, a page of the roster at a time
     * ({@link MemberStore#page}), until the part ends or the budget runs out. Every read is by key or by an index
     * for the members in hand (their devices, exemptions, ledger chains and claims), never of the whole of a table:
     * its cost follows the members worked on, not the fleet's size or the ledger's history. A member started when
     * the budget ran out is finished; one not started is where the next step begins (a member worked on after it,
     * by a parallel worker, meets its own claim then and is not mailed twice).
     */
    public PartResult runPart(int part, int parts, String after, Actor actor, String runId, RunBudget budget) {
        Instant at = clock.instant();
        List<NotifyReport.MemberResult> all = new ArrayList<>();
        String cursor = after;
        int worked = 0;
        while (true) {
            if (budget.exhausted()) return new PartResult(new NotifyReport(at, false, all, OUT_OF_TIME), cursor, false, worked);
            MemberStore.Page page = members.page(part, parts, cursor, PAGE);
            NotifyReport r = run(page.members(), m -> devices.ofOwner(m.id()), m -> exemptions.ofMember(m.id()), actor, runId, false, budget);
            Set<String> notAttempted = r.members().stream().filter(x -> x.result().equals("not-attempted"))
                    .map(NotifyReport.MemberResult::member).collect(Collectors.toSet());
            for (Member m : page.members()) {
                if (notAttempted.contains(m.id())) break;
                cursor = m.id();
                worked++;
            }
            r.members().stream().filter(x -> !x.result().equals("not-attempted")).forEach(all::add);
            if (r.stoppedBy() != null) return new PartResult(new NotifyReport(at, false, all, r.stoppedBy()), cursor, false, worked);
            if (page.last()) return new PartResult(new NotifyReport(at, false, all, null), cursor, true, worked);
        }
    }

    /** Listed members only: a manual send, or the member of a {@code DeviceStatusChanged} event (catch-up). */
    public NotifyReport runFor(Collection<String> memberIds, Actor actor, String runId) {
        return runFor(memberIds, actor, runId, RunBudget.unlimited());
    }

    public NotifyReport runFor(Collection<String> memberIds, Actor actor, String runId, RunBudget budget) {
        return withUnknown(memberIds, run(load(memberIds), m -> devices.ofOwner(m.id()), m -> exemptions.ofMember(m.id()),
                actor, runId, false, budget));
    }

    /** Renders what is due for the listed members (all when empty), sends nothing, records nothing. */
    public NotifyReport preview(Collection<String> memberIds) {
        List<Member> list = memberIds.isEmpty() ? members.all() : load(memberIds);
        return withUnknown(memberIds, run(list, m -> devices.ofOwner(m.id()), m -> exemptions.ofMember(m.id()), null, null, true,
                RunBudget.unlimited()));
    }

    /** Result of a requested notice that cannot be honoured: recorded in the ledger; the handler alerts the administrators. */
    public static final String UNDELIVERABLE = "undeliverable";
    /** Result of a requested notice of a kind the policy sends none of ({@code notices.notSent}): recorded, nobody told. */
    public static final String NOT_SENT = "not-sent";

    /** An event-driven notice another function asked for. */
    public NotifyReport request(NoticeRequest request, Actor actor, String runId) {
        Instant now = clock.instant();
        if (policy.notices().sendsNone(request.kind())) {
            // The author's choice, on record so that an audit sees the occasion and that nobody was told on purpose.
            ledger.append(new LedgerRecord(now, actor, request.member(), request.device(), "notice.not-sent", "policy-sends-none",
                    false, occasionKey(request, "not-sent"), Map.of("kind", request.kind().wireName(), "occasion", request.occasion(),
                    "why", "the policy sends no " + request.kind().wireName() + " notice (notices.notSent)")));
            return new NotifyReport(now, false, List.of(new NotifyReport.MemberResult(request.member(), null, request.kind().wireName(),
                    NOT_SENT, null, false, "the policy sends no notice of this kind", null)), null);
        }
        Optional<Member> member = members.find(request.member());
        if (member.isEmpty()) return undeliverable(request, actor, now, "member " + request.member() + " is not on the roster");
        MemberSnapshot snapshot = snapshot(member.get(), devices.ofOwner(request.member()), exemptions.ofMember(request.member()));
        NoticeDecision decision;
        try {
            decision = planner.requested(snapshot, request, now);
        } catch (IllegalArgumentException e) {
            // Nothing to mail (no stage of the kind, a device or exemption that is not the member's), and a retry
            // cannot change that: on record, and the administrators are told (NotifyMembersHandler), since a member
            // whom the campaign acted on may be left untold.
            return undeliverable(request, actor, now, e.getMessage());
        }
        List<NotifyReport.MemberResult> results = new ArrayList<>();
        String stopped = deliver(member.get(), decision, actor, runId, false, now, results);
        return new NotifyReport(now, false, results, stopped);
    }

    /**
     * Sends a scheduled stage again to one member, whatever was sent before, with the administrator's reason
     * recorded. Its key is the resend's own ({@link NoticeKey#resend}), so repeating the same request id sends
     * once more at most, and the original stage's record is untouched.
     */
    public NotifyReport resend(String memberId, String stageId, String reason, String requestId, Actor actor) {
        Instant now = clock.instant();
        // Wrong requests are the administrator's to correct: rejected with what and where, never retried.
        if (reason == null || reason.isBlank()) throw new InvalidInputException("resend", "reason", "a resend needs a reason");
        Member member = members.find(memberId)
                .orElseThrow(() -> new InvalidInputException("resend", "member", "no member '" + memberId + "' on the roster"));
        NoticeStage stage = policy.notices().stage(stageId).filter(s -> s.kind().isScheduled())
                .orElseThrow(() -> new InvalidInputException("resend", "stage", "policy " + policy.id() + " has no scheduled stage '" + stageId + "'"));
        // Forcing overrides what was sent before, never whom mail may reach: an inactive member has left, and a
        // blocked address bounced or complained (the administrators clear the block first).
        if (!member.active()) return new NotifyReport(now, false, List.of(result(memberId, null, "skipped:inactive", null)), null);
        if (member.mailBlocked()) return new NotifyReport(now, false, List.of(result(memberId, null, "skipped:mail-blocked", null)), null);
        MemberSnapshot snapshot = snapshot(member, devices.ofOwner(memberId), exemptions.ofMember(memberId));
        NoticePlanner.Assessment a = planner.assess(snapshot, now);
        DueNotice notice = new DueNotice(member, stage, now, a.standing(), a.lines(), null, null, null);
        ledger.append(new LedgerRecord(now, actor, memberId, null, "notice.resend-requested", "ok", false,
                NoticeKey.resend(policy.id(), memberId, stageId, requestId) + "/requested",
                Map.of("stage", stageId, "reason", reason, "requestId", requestId)));
        List<NotifyReport.MemberResult> results = new ArrayList<>();
        try {
            ComposedNotice composed = composer.compose(notice, now);
            ComposedNotice forced = new ComposedNotice(NoticeKey.resend(policy.id(), memberId, stageId, requestId),
                    notice, composed.rendered(), composed.mail());
            Delivery d = sender.send(forced, actor, runId(requestId));
            results.add(delivered(notice, d));
            return new NotifyReport(now, false, results, d.accountWide() ? d.detail() : null);
        } catch (EmailAddress.InvalidAddressException e) {
            results.add(result(memberId, notice, "invalid-address", e.getMessage()));
            return new NotifyReport(now, false, results, null);
        }
    }

    private static String runId(String requestId) {
        return "resend/" + requestId;
    }

    private NotifyReport run(List<Member> list, java.util.function.Function<Member, List<Device>> devicesOf,
                             java.util.function.Function<Member, List<Exemption>> exemptionsOf,
                             Actor actor, String runId, boolean preview, RunBudget budget) {
        Instant now = clock.instant();
        Map<String, Claims.State> claimed = claims.states(scheduledKeys(list, now));
        // Read together like the claims: one pass over the ledger when most members are listed, not a read each.
        Map<String, Instant> attested = attestations.privateDevicesCleanSince(list.stream().map(Member::id).toList());
        AtomicReference<String> stopped = new AtomicReference<>();
        java.util.function.Function<Member, List<NotifyReport.MemberResult>> one = m -> {
            if (stopped.get() == null && budget.exhausted()) stopped.compareAndSet(null, OUT_OF_TIME);
            if (stopped.get() != null) return List.of(result(m.id(), null, "not-attempted", stopped.get()));
            List<NotifyReport.MemberResult> results = new ArrayList<>();
            try {
                MemberSnapshot base = new MemberSnapshot(m, devicesOf.apply(m), exemptionsOf.apply(m), Set.of(), attested.get(m.id()));
                NoticeDecision decision = decide(base, now, claimed);
                String stop = deliver(m, decision, actor, runId, preview, now, results);
                if (stop != null) stopped.compareAndSet(null, stop);
            } catch (RuntimeException e) {
                results.add(result(m.id(), null, "error", e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
            return results;
        };
        List<NotifyReport.MemberResult> results = new ArrayList<>();
        if (parallelism <= 1 || list.size() <= 1) {
            for (Member m : list) results.addAll(one.apply(m));
        } else {
            results.addAll(inParallel(list, one));
        }
        return new NotifyReport(now, preview, results, stopped.get());
    }

    /**
     * Works on up to {@code parallelism} members at once, so that sends overlap their round trips to the provider
     * (the rate limiter, shared by all, still spaces their starts); results come back in roster order. Each member
     * is one task: its claim, ledger chain and email are its own, so tasks share nothing but the limiter.
     */
    private List<NotifyReport.MemberResult> inParallel(List<Member> list,
                                                       java.util.function.Function<Member, List<NotifyReport.MemberResult>> one) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, list.size()), r -> {
            Thread t = new Thread(r, "notify-member");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<NotifyReport.MemberResult>>> futures = new ArrayList<>(list.size());
            for (Member m : list) futures.add(pool.submit(() -> one.apply(m)));
            List<NotifyReport.MemberResult> results = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.addAll(futures.get(i).get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    results.add(result(list.get(i).id(), null, "error", cause.getClass().getSimpleName() + ": " + cause.getMessage()));
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while notifying members", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The claim keys of the scheduled stages due by now, for every listed member: what {@link #decide} asks about,
     * read before the run in one go (a hundred keys a read) rather than one or two reads per member.
     */
    private List<String> scheduledKeys(List<Member> list, Instant now) {
        List<ScheduledNotice> due = planner.calendar().dueAt(now);
        List<String> keys = new ArrayList<>(list.size() * due.size());
        for (Member m : list) for (ScheduledNotice s : due) keys.add(NoticeKey.scheduled(policy.id(), m.id(), s.stage().id()));
        return keys;
    }

    /**
     * Asks the planner twice: first as if nothing had been sent, to find the one candidate stage; then with what
     * the claims (as read at the start of the run) say about that stage and the later ones. A stage another run
     * completes meanwhile is still refused by the sender's own claim, so at worst it is reported as already sent.
     */
    private NoticeDecision decide(MemberSnapshot base, Instant now, Map<String, Claims.State> claimed) {
        NoticeDecision candidate = planner.due(base, now);
        if (candidate.isEmpty()) return candidate;
        Instant from = candidate.due().get(0).dueAt();
        Set<String> sent = new HashSet<>();
        for (ScheduledNotice s : planner.calendar().dueAt(now)) {
            if (s.sendAt().isBefore(from)) continue;
            String key = NoticeKey.scheduled(policy.id(), base.member().id(), s.stage().id());
            if (Optional.ofNullable(claimed.get(key)).filter(st -> st.completed() || st.leaseUntil().isAfter(now)).isPresent()) {
                sent.add(s.stage().id());
            }
        }
        return sent.isEmpty() ? candidate : planner.due(base.withSent(sent), now);
    }

    /** A notice as this function would send it (its links signed), sending and recording nothing: for priming. */
    public ComposedNotice compose(DueNotice notice, Instant now) {
        return composer.compose(notice, now);
    }

    /** @return why the run must stop, or null */
    private String deliver(Member m, NoticeDecision decision, Actor actor, String runId, boolean preview, Instant now,
                           List<NotifyReport.MemberResult> results) {
        if (decision.isEmpty()) {
            results.add(result(m.id(), null, "skipped:" + decision.reason(), null));
            return null;
        }
        for (DueNotice notice : decision.due()) {
            ComposedNotice composed;
            try {
                composed = composer.compose(notice, now);
            } catch (EmailAddress.InvalidAddressException e) {
                results.add(result(m.id(), notice, "invalid-address", e.getMessage()));
                continue;
            }
            if (preview) {
                results.add(new NotifyReport.MemberResult(m.id(), notice.stage().id(), notice.stage().kind().wireName(),
                        "due", null, false, null, composed));
                continue;
            }
            Delivery d = sender.send(composed, actor, runId);
            results.add(delivered(notice, d));
            if (d.accountWide()) return d.status().wireName() + ": " + d.detail();
        }
        return null;
    }

    private MemberSnapshot snapshot(Member m, List<Device> ds, List<Exemption> es) {
        return new MemberSnapshot(m, ds, es, Set.of(), attestations.privateDevicesCleanSince(m.id()).orElse(null));
    }

    private List<Member> load(Collection<String> ids) {
        List<Member> list = new ArrayList<>();
        for (String id : new java.util.LinkedHashSet<>(ids)) {
            members.find(id).ifPresentOrElse(list::add, () -> { });
        }
        return list;
    }

    /** Adds an {@code unknown-member} result for each listed id not on the roster. */
    private NotifyReport undeliverable(NoticeRequest request, Actor actor, Instant now, String why) {
        ledger.append(new LedgerRecord(now, actor, request.member(), request.device(), "notice.undeliverable", "failed", false,
                occasionKey(request, UNDELIVERABLE), Map.of("kind", request.kind().wireName(), "occasion", request.occasion(), "why", why)));
        return new NotifyReport(now, false, List.of(new NotifyReport.MemberResult(request.member(), null, request.kind().wireName(),
                UNDELIVERABLE, null, false, why, null)), null);
    }

    /** One ledger entry per request occasion, however often the event is delivered. */
    private String occasionKey(NoticeRequest request, String what) {
        return "notice/" + policy.id() + "/" + request.member() + "/" + request.kind().wireName() + "/" + request.occasion() + "/" + what;
    }

    private NotifyReport withUnknown(Collection<String> ids, NotifyReport report) {
        List<NotifyReport.MemberResult> all = new ArrayList<>(report.members());
        for (String id : new java.util.LinkedHashSet<>(ids)) {
            if (members.find(id).isEmpty()) all.add(result(id, null, "unknown-member", "not on the roster"));
        }
        return new NotifyReport(report.at(), report.preview(), all, report.stoppedBy());
    }

    private static NotifyReport.MemberResult delivered(DueNotice n, Delivery d) {
        return new NotifyReport.MemberResult(n.member().id(), n.stage().id(), n.stage().kind().wireName(),
                d.status().wireName(), d.providerMessageId(), d.takenOver(), d.detail(), null);
    }

    private static NotifyReport.MemberResult result(String member, DueNotice n, String result, String detail) {
        return new NotifyReport.MemberResult(member, n == null ? null : n.stage().id(),
                n == null ? null : n.stage().kind().wireName(), result, null, false, detail, null);
    }
}
