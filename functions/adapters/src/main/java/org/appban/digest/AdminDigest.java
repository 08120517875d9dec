package org.appban.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.admin.CampaignHistory;
import org.appban.admin.FleetSnapshot;
import org.appban.admin.SecondApprovals;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.mail.Email;
import org.appban.mail.EmailAddress;
import org.appban.mail.Mailbox;
import org.appban.mail.MessageIds;
import org.appban.mail.MimeWriter;
import org.appban.mail.OutgoingMail;
import org.appban.policy.BanPolicy;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.mail.Mailer;
import org.appban.ports.MemberStore;

/**
 * The administrators' daily digest, run by notify-members on its own schedule (the policy's
 * {@code adminDigest.sendTime}): reads the campaign (roster, inventory, exemptions, the members' ledger chains),
 * writes the day's metrics ({@link CampaignMetrics}), and sends each administrator the day's digest once.
 *
 * <p>Once a day, whatever retries and repeated schedules do: each administrator's digest has the key
 * {@code digest/<policy>/<local day>/<recipient hash>}, claimed before it is sent and completed after, with the
 * same protocol as the members' notices ({@link org.appban.notice.NoticeSender}): a completed claim or a
 * {@code digest.sent} entry in the ledger means it went out, and nothing is sent again. When every administrator
 * has theirs, the day is recorded ({@code digest.day}, key {@code digest/<policy>/<day>}); the next digest counts
 * changes from that entry's time. Ledger entries name the administrator by a hash, never by address.
 */
public final class AdminDigest {
    public static final String SCHEDULE = "admin-digest";
    public static final String KIND = "admin-digest";
    private static final int LOOK_BACK_DAYS = 7;

    private final BanPolicy policy;
    private final MemberStore members;
    private final DeviceStore devices;
    private final ExemptionStore exemptions;
    private final Ledger ledger;
    private final Claims claims;
    private final Mailer mailer;
    private final MimeWriter mime;
    private final Clock clock;
    private final Duration lease;
    private final String statusLink;
    private final DigestPage page;

    /**
     * @param statusLink where the full status report is read, when the policy names none (may be null)
     * @param lease      how long a claim protects an unfinished send; longer than the function's timeout
     */
    public AdminDigest(BanPolicy policy, MemberStore members, DeviceStore devices, ExemptionStore exemptions, Ledger ledger,
                       Claims claims, Mailer mailer, MimeWriter mime, Clock clock, Duration lease, String statusLink) {
        this.policy = policy;
        this.members = members;
        this.devices = devices;
        this.exemptions = exemptions;
        this.ledger = ledger;
        this.claims = claims;
        this.mailer = mailer;
        this.mime = mime;
        this.clock = clock;
        this.lease = lease;
        this.statusLink = policy.digest().map(BanPolicy.AdminDigest::statusUrl).orElse(statusLink);
        this.page = new DigestPage(policy);
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
        FleetSnapshot snapshot = FleetSnapshot.load(policy, now, members, devices, exemptions, ledger);
        CampaignHistory.History history = CampaignHistory.of(snapshot);
        List<String> metrics = CampaignMetrics.lines(policy.id(), history, policy.zone(), now);
        LocalDate day = now.atZone(policy.zone()).toLocalDate();
        if (policy.digest().isEmpty()) {
            return new Report(now, day, "no-digest", List.of(), Map.of(), Map.of(), metrics);
        }
        BanPolicy.AdminDigest settings = policy.digest().get();
        String dayKey = "digest/" + policy.id() + "/" + day;
        DigestContent content = DigestContent.of(snapshot, history, since(day, now), policy.exemptions().expiringNoticeDays(),
                SecondApprovals.of(ledger.chain("fleet"), now, "pending"));

        List<Map<String, Object>> results = new java.util.ArrayList<>();
        Mailbox from = Mailbox.of(policy.sender().name(), policy.sender().address());
        String subject = page.subject(content);
        String html = page.html(content, statusLink);
        String text = page.text(content, statusLink);
        for (int i = 0; i < settings.recipients().size(); i++) {
            EmailAddress to = EmailAddress.of(settings.recipients().get(i));
            String key = dayKey + "/" + hash(to.value());
            Email email = new Email(from, new Mailbox("", to), null, subject, text, html, now.atZone(policy.zone()),
                    MessageIds.forKey(key, from.address().domain()));
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("policy", policy.id());
            tags.put("stage", KIND);
            tags.put("kind", KIND);
            tags.put("member", "admin-" + (i + 1));
            OutgoingMail mail = new OutgoingMail(from.address(), to, mime.write(email), tags);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("recipient", i + 1);
            r.put("result", sendOnce(key, mail, content, actor, holder));
            results.add(r);
        }
        boolean allOut = results.stream().allMatch(r -> r.get("result").equals("sent") || r.get("result").equals("already-sent"));
        if (allOut && ledger.byIdempotencyKey(dayKey).isEmpty()) {
            Map<String, String> d = summary(content);
            d.put("recipients", Integer.toString(settings.recipients().size()));
            ledger.append(new LedgerRecord(now, actor, null, null, "digest.day", "ok", false, dayKey, d));
        }
        Map<String, Integer> attention = new LinkedHashMap<>();
        content.attention().forEach((k, v) -> attention.put(k, v.size()));
        return new Report(now, day, allOut ? "done" : "incomplete", results, content.changes(), attention, metrics);
    }

    /** The last digest's time, from the days before; a day before {@code now} when there is none in a week. */
    private Instant since(LocalDate day, Instant now) {
        for (int k = 1; k <= LOOK_BACK_DAYS; k++) {
            Optional<LedgerEntry> e = ledger.byIdempotencyKey("digest/" + policy.id() + "/" + day.minusDays(k));
            if (e.isPresent()) return e.get().record().at();
        }
        return now.minus(Duration.ofDays(1));
    }

    /**
     * Sends one administrator's digest at most once, with {@link org.appban.notice.NoticeSender}'s crash protocol: an
     * intent before the send, so that a crash between SES accepting the message and {@code digest.sent} being written
     * leaves a trace; the run that takes over records {@code digest.outcome-unknown} and its {@code digest.sent}
     * names the earlier attempt ({@code earlierAttempt}), since SES has no idempotency token to close that window.
     */
    private String sendOnce(String key, OutgoingMail mail, DigestContent content, Actor actor, String holder) {
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
        details.put("subject", page.subject(content));
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
        d.put("since", c.since().toString());
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
    static String hash(String address) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(address.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
