package org.appban.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.appban.domain.Actor;
import org.appban.domain.CampaignTally;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.mail.EmailAddress;
import org.appban.mail.Mailer;
import org.appban.mail.OutgoingMail;
import org.appban.policy.BanPolicy;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;

/**
 * The administrators' daily digest, run by notify-members on its own schedule (the policy's
 * {@code adminDigest.sendTime}): reads what the digest shows, writes the day's metrics, and sends each administrator
 * the day's digest once.
 *
 * <p>What it reads is bounded by what it shows, never by the roster, the fleet or the ledger's history (no Scan):
 * the campaign's counters ({@link Ledger#tally}, one BatchGetItem), read once a day and kept as the day's
 * {@code digest.reading} entry; the readings of the days before and the previous digest's, by key (a BatchGetItem of
 * their markers and one of the entries); the exemptions expiring soon and the requests waiting for a decision, by the
 * exemptions' sparse index; from the deadline on, the corporate devices still carrying the app (a sparse index of
 * the devices), each with its own ledger entries and its owner's exemptions (a Query each: the list the digest
 * shows, not the fleet); the last two days' unresolved identities (a sparse index of the ledger by action and time);
 * and the acts waiting for a second approval (the fleet's chain).
 *
 * <p>Once a day, whatever retries and repeated schedules do: each administrator's digest has the key
 * {@code digest/<policy>/<local day>/<recipient hash>}, claimed before it is sent and completed after, with the
 * same protocol as the members' notices ({@link org.appban.notice.NoticeSender}): a completed claim or a
 * {@code digest.sent} entry in the ledger means it went out, and nothing is sent again. When every administrator
 * has theirs, the day is recorded ({@code digest.day}, key {@code digest/<policy>/<day>}, with the reading its
 * changes counted to); the next digest counts changes from that reading. Ledger entries name the administrator by a
 * hash, never by address.
 */
public final class AdminDigest {
    public static final String SCHEDULE = "admin-digest";
    public static final String KIND = "admin-digest";
    public static final String READING = "digest.reading";
    private static final int LOOK_BACK_DAYS = 7;

    private final BanPolicy policy;
    private final DeviceStore devices;
    private final ExemptionStore exemptions;
    private final Ledger ledger;
    private final Claims claims;
    private final Mailer mailer;
    private final DigestComposition composition;
    private final WaitingApprovals approvals;
    private final Clock clock;
    private final Duration lease;

    /**
     * @param composition the digest in words, as a message, and as metric lines
     * @param approvals   the acts waiting for a second approval
     * @param lease       how long a claim protects an unfinished send; longer than the function's timeout
     */
    public AdminDigest(BanPolicy policy, DeviceStore devices, ExemptionStore exemptions, Ledger ledger, Claims claims, Mailer mailer,
                       DigestComposition composition, WaitingApprovals approvals, Clock clock, Duration lease) {
        this.policy = policy;
        this.devices = devices;
        this.exemptions = exemptions;
        this.ledger = ledger;
        this.claims = claims;
        this.mailer = mailer;
        this.composition = composition;
        this.approvals = approvals;
        this.clock = clock;
        this.lease = lease;
    }

    /**
     * What a run did: per administrator ({@code recipient} is their position in the policy's list) the result,
     * {@code sent}, {@code already-sent}, {@code in-progress-elsewhere}, {@code throttled}, {@code rejected} or
     * {@code unknown}; and the metric lines to log.
     */
    public record Report(Instant at, LocalDate day, String status, List<Map<String, Object>> results, Map<String, Integer> changes,
                         Map<String, Integer> attention, List<String> metrics) {
        /** Whether a retry must finish the run (a send was refused or its outcome is unknown). */
        public boolean incomplete() {
            return results.stream().anyMatch(r -> List.of("throttled", "rejected", "unknown", "in-progress-elsewhere").contains(r.get("result")));
        }
    }

    public Report run(Actor actor, String holder) {
        Instant now = clock.instant();
        LocalDate day = now.atZone(policy.zone()).toLocalDate();
        DigestReading today = reading(day, now, actor);
        Map<String, LedgerEntry> back = ledger.byIdempotencyKeys(backKeys(day));
        List<DigestReading> earlier = new ArrayList<>();
        for (int k = DigestContent.BURNDOWN_DAYS - 1; k >= 1; k--) {
            LocalDate d = day.minusDays(k);
            Optional.ofNullable(back.get(readingKey(d))).flatMap(e -> DigestReading.of(d, e.record().at(), e.record().details())).ifPresent(earlier::add);
        }
        List<String> metrics = composition.metrics(DigestContent.history(earlier, today), now);
        if (policy.digest().isEmpty()) {
            return new Report(now, day, "no-digest", List.of(), Map.of(), Map.of(), metrics);
        }
        BanPolicy.AdminDigest settings = policy.digest().get();
        String dayKey = dayKey(day);
        DigestContent content = DigestContent.of(policy, inputs(now, today, previous(day, back), earlier));

        List<Map<String, Object>> results = new ArrayList<>();
        String subject = composition.subject(content);
        EmailAddress from = org.appban.mail.Mailbox.of(policy.sender().name(), policy.sender().address()).address();
        for (int i = 0; i < settings.recipients().size(); i++) {
            EmailAddress to = EmailAddress.of(settings.recipients().get(i));
            String key = dayKey + "/" + hash(to.value());
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("policy", policy.id());
            tags.put("stage", KIND);
            tags.put("kind", KIND);
            tags.put("member", "admin-" + (i + 1));
            OutgoingMail mail = new OutgoingMail(from, to, composition.message(content, to, key), tags);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("recipient", i + 1);
            r.put("result", sendOnce(key, mail, content, subject, actor, holder));
            results.add(r);
        }
        boolean allOut = results.stream().allMatch(r -> r.get("result").equals("sent") || r.get("result").equals("already-sent"));
        if (allOut && ledger.byIdempotencyKey(dayKey).isEmpty()) {
            Map<String, String> d = summary(content);
            d.put("recipients", Integer.toString(settings.recipients().size()));
            // The reading the changes were counted to: the next digest counts from it, so nothing falls between two.
            d.putAll(today.recorded());
            ledger.append(new LedgerRecord(now, actor, null, null, "digest.day", "ok", false, dayKey, d));
        }
        Map<String, Integer> attention = new LinkedHashMap<>();
        content.attention().forEach((k, v) -> attention.put(k, v.size()));
        return new Report(now, day, allOut ? "done" : "incomplete", results, content.changes(), attention, metrics);
    }

    /**
     * Today's reading of the counters: the one the day's first run recorded, or taken now and recorded. Every run of
     * a day (a retry, a second schedule) counts from the same reading, so the administrators of one day are told the
     * same figures, and the burndown has one bar a day. Two runs racing both read; the ledger keeps the first
     * append's, and both use what it kept.
     */
    private DigestReading reading(LocalDate day, Instant now, Actor actor) {
        String key = readingKey(day);
        Optional<DigestReading> kept = ledger.byIdempotencyKey(key).flatMap(e -> DigestReading.of(day, e.record().at(), e.record().details()));
        if (kept.isPresent()) return kept.get();
        CampaignTally tally = ledger.tally().orElse(CampaignTally.empty());
        DigestReading taken = new DigestReading(day, now, tally.counters());
        LedgerEntry stored = ledger.append(new LedgerRecord(now, actor, null, null, READING, "ok", false, key, taken.recorded())).entry();
        return DigestReading.of(day, stored.record().at(), stored.record().details()).orElse(taken);
    }

    /** The keys read by key each run: the readings of the burndown's other days and the digests of the last week. */
    private List<String> backKeys(LocalDate day) {
        Set<String> keys = new LinkedHashSet<>();
        for (int k = 1; k < DigestContent.BURNDOWN_DAYS; k++) keys.add(readingKey(day.minusDays(k)));
        for (int k = 1; k <= LOOK_BACK_DAYS; k++) keys.add(dayKey(day.minusDays(k)));
        return List.copyOf(keys);
    }

    /**
     * The reading the changes count from: the newest digest of the last week that went out to everyone (its
     * {@code digest.day} records the reading it counted to); without one, yesterday's reading (a day's changes); without
     * that, none (the changes are all counted so far).
     */
    private Optional<DigestReading> previous(LocalDate day, Map<String, LedgerEntry> back) {
        for (int k = 1; k <= LOOK_BACK_DAYS; k++) {
            LocalDate d = day.minusDays(k);
            Optional<DigestReading> r = Optional.ofNullable(back.get(dayKey(d))).flatMap(e -> DigestReading.of(d, e.record().at(), e.record().details()));
            if (r.isPresent()) return r;
        }
        LocalDate yesterday = day.minusDays(1);
        return Optional.ofNullable(back.get(readingKey(yesterday))).flatMap(e -> DigestReading.of(yesterday, e.record().at(), e.record().details()));
    }

    /** The lists' reads: each an index of exactly what it lists. */
    private DigestContent.Inputs inputs(Instant now, DigestReading today, Optional<DigestReading> previous, List<DigestReading> earlier) {
        List<Exemption> expiringSoon = new ArrayList<>();
        Instant by = now.plus(Duration.ofDays(policy.exemptions().expiringNoticeDays()));
        String position = null;
        while (true) {
            ExemptionStore.Page page = exemptions.noticesDue(by, position, 100);
            for (ExemptionStore.Pending p : page.pending()) {
                expiringSoon.add(p.exemption());
                position = p.position();
            }
            if (page.last() || page.pending().isEmpty()) break;
        }
        // Before the deadline no corporate device is escalated or owed a removal: the devices carrying the app then
        // are the campaign's whole burndown, which the counters give, so they are not read.
        List<Device> carrying = now.isBefore(policy.deadlineInstant()) ? List.of() : devices.carryingCorporate();
        Map<String, List<LedgerEntry>> about = new LinkedHashMap<>();
        Map<String, List<Exemption>> exemptionsOf = new LinkedHashMap<>();
        for (Device d : carrying) {
            about.put(d.id(), ledger.aboutDevice(d.id()));
            if (!exemptionsOf.containsKey(d.owner())) exemptionsOf.put(d.owner(), exemptions.ofMember(d.owner()));
        }
        List<LedgerEntry> unresolved = ledger.flagged("nac.identity-unresolved", now.minus(DigestContent.AMBIGUOUS_FOR));
        return new DigestContent.Inputs(now, today, previous, earlier, expiringSoon, exemptions.awaitingDecision(), carrying, about,
                exemptionsOf, unresolved, approvals.at(now));
    }

    private String readingKey(LocalDate day) {
        return "digest/" + policy.id() + "/" + day + "/reading";
    }

    private String dayKey(LocalDate day) {
        return "digest/" + policy.id() + "/" + day;
    }

    /**
     * Sends one administrator's digest at most once, with {@link org.appban.notice.NoticeSender}'s crash protocol: an
     * intent before the send, so that a crash between SES accepting the message and {@code digest.sent} being written
     * leaves a trace; the run that takes over records {@code digest.outcome-unknown} and its {@code digest.sent}
     * names the earlier attempt ({@code earlierAttempt}), since SES has no idempotency token to close that window.
     */
    private String sendOnce(String key, OutgoingMail mail, DigestContent content, String subject, Actor actor, String holder) {
        Instant now = clock.instant();
        Optional<Claims.State> before = claims.state(key).filter(st -> !st.completed());
        switch (claims.claim(key, holder, now, lease)) {
            case ALREADY_DONE -> {
                return "already-sent";
            }
            case HELD_ELSEWHERE -> {
                return "in-progress-elsewhere";
            }
            default -> {
            }
        }
        if (ledger.byIdempotencyKey(key + "/sent").isPresent()) {
            claims.complete(key, holder, "sent", clock.instant());
            return "already-sent";
        }
        Map<String, String> details = summary(content);
        details.put("key", key);
        details.put("kind", KIND);
        details.put("subject", subject);
        details.put("messageId", mail.mime().messageId());
        Optional<String> earlier = before.map(Claims.State::holder)
                .filter(h -> ledger.byIdempotencyKey(key + "/intent/" + h).isPresent());
        if (earlier.isPresent()) {
            Map<String, String> d = new LinkedHashMap<>(details);
            d.put("earlierAttempt", earlier.get());
            ledger.append(new LedgerRecord(now, actor, null, null, "digest.outcome-unknown", "unknown", false, key + "/outcome-unknown", d));
        } else {
            earlier = ledger.byIdempotencyKey(key + "/outcome-unknown").map(e -> e.record().details().get("earlierAttempt"));
        }
        earlier.ifPresent(h -> details.put("earlierAttempt", h + ": outcome unknown, may have been delivered"));
        if (ledger.byIdempotencyKey(key + "/intent/" + holder).isEmpty()) {
            ledger.append(new LedgerRecord(now, actor, null, null, "digest.send-intent", "pending", false, key + "/intent/" + holder, details));
        }
        String providerId;
        try {
            providerId = mailer.send(mail);
        } catch (Mailer.Throttled | Mailer.Rejected e) {
            claims.release(key, holder);
            Instant at = clock.instant();
            details.put("reason", String.valueOf(e.getMessage()));
            ledger.append(new LedgerRecord(at, actor, null, null, "digest.send-failed", e instanceof Mailer.Throttled ? "throttled" : "rejected",
                    false, key + "/failed/" + holder + "/" + at.toEpochMilli(), details));
            return e instanceof Mailer.Throttled ? "throttled" : "rejected";
        } catch (RuntimeException e) {
            Instant at = clock.instant();
            details.put("error", e.getClass().getSimpleName());
            ledger.append(new LedgerRecord(at, actor, null, null, "digest.send-failed", "unknown", false,
                    key + "/failed/" + holder + "/" + at.toEpochMilli(), details));
            return "unknown";
        }
        details.put("providerMessageId", providerId);
        Instant sentAt = clock.instant();
        ledger.append(new LedgerRecord(sentAt, actor, null, null, "digest.sent", "ok", false, key + "/sent", details));
        claims.complete(key, holder, "sent:" + providerId, sentAt);
        return "sent";
    }

    /** Counts only: what the digest said, for the ledger. */
    private static Map<String, String> summary(DigestContent c) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("day", c.day().toString());
        d.put("since", c.since() == null ? "counting began" : c.since().toString());
        d.put("until", c.until().toString());
        c.changes().forEach((k, v) -> d.put("changed." + k.replace(' ', '-'), Integer.toString(v)));
        c.attention().forEach((k, v) -> d.put("attention." + slug(k), Integer.toString(v.size())));
        return d;
    }

    private static String slug(String heading) {
        return switch (heading) {
            case DigestContent.ESCALATIONS -> "escalations";
            case DigestContent.AMBIGUOUS -> "ambiguous-identities";
            case DigestContent.PENDING -> "pending-requests";
            case DigestContent.NOT_BLOCKABLE -> "not-blockable";
            case DigestContent.SECOND_APPROVALS -> "second-approvals";
            default -> heading.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        };
    }

    /** An administrator in keys and the ledger: a hash of their address, never the address. */
    public static String hash(String address) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(address.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
