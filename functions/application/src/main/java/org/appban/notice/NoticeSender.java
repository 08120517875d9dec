package org.appban.notice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.ledger.Pseudonymiser;
import org.appban.ports.Claims;
import org.appban.ports.Ledger;
import org.appban.mail.Mailer;

/**
 * Sends a composed notice at most once per key, as far as the APIs allow, and records it.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li><b>Claim</b> the notice's key (conditional write). Already completed: {@code ALREADY_SENT}. Held by a live
 *       claim: {@code IN_PROGRESS_ELSEWHERE}. Otherwise this run holds it (fresh, or taken over from a run whose
 *       lease ran out).</li>
 *   <li>If the ledger already holds the {@code <key>/sent} outcome, a previous holder sent it and died before
 *       completing the claim: complete the claim, send nothing.</li>
 *   <li>Append the <b>intent</b> ({@code notice.send-intent}, key {@code <key>/intent/<holder>}), marked when
 *       the claim was taken over.</li>
 *   <li><b>Send</b> through the mailer.</li>
 *   <li>Append the <b>outcome</b> ({@code notice.sent}, key {@code <key>/sent}) with the provider's message id,
 *       then <b>complete</b> the claim with {@code sent:<id>}.</li>
 * </ol>
 * Refusals (throttled after retries, rejected) mean nothing was sent: the claim is released and the refusal
 * recorded ({@code notice.send-failed}), so a later run sends it. Any other failure leaves the outcome unknown: the
 * claim is kept until its lease ends and the ledger says {@code unknown}; a later run then takes over and sends.
 * Between a lost notice and a possible duplicate, this prefers the duplicate: a removal notice that never arrives
 * costs a member their network access.
 *
 * <h2>The remaining crash window</h2>
 * If the process dies after SES accepted the message and before the {@code <key>/sent} entry is written (one SES
 * response and one conditional write, typically tens of milliseconds), the run that takes the claim over after
 * the lease finds an intent without an outcome and sends again. SES SendEmail has no idempotency token, so this
 * window cannot be closed; it is kept small, and made visible and harmless: the takeover's intent says
 * {@code takeover=true} (a report can list these as possible duplicates), and both copies carry the same
 * Message-ID (derived from the key), which mail clients collapse. The lease must be longer than the function's
 * timeout, so a claim is only taken over from a run that is certainly dead. A crash at any other point sends
 * nothing twice: before the send nothing went out; after the outcome entry the takeover finds it (step 2).
 * The run after such a crash records {@code notice.outcome-unknown} (key {@code <key>/outcome-unknown}, naming the
 * holder whose intent has no outcome) before it sends, and its {@code notice.sent} carries {@code earlierAttempt}:
 * the ledger accounts for both copies, and a duplicate is always one of these, never silent. The fault bench
 * ({@code ./appban bench faults}) counts duplicates after a crash at this point apart, as within this window.
 */
public final class NoticeSender {
    /** Longer than Lambda's 15-minute maximum timeout: a claim is only taken over from a run that is surely gone. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(16);

    private final Claims claims;
    private final Ledger ledger;
    private final Mailer mailer;
    private final Clock clock;
    private final Duration lease;
    private final Pseudonymiser pseudonyms;

    /**
     * @param lease      how long a claim protects an unfinished send; must be longer than the function's timeout
     * @param pseudonyms the ledger names the recipient by a keyed hash of the address, never the address itself
     */
    public NoticeSender(Claims claims, Ledger ledger, Mailer mailer, Clock clock, Duration lease, Pseudonymiser pseudonyms) {
        this.pseudonyms = Objects.requireNonNull(pseudonyms, "pseudonyms");
        this.claims = Objects.requireNonNull(claims, "claims");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.mailer = Objects.requireNonNull(mailer, "mailer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    /** How long a claim protects an unfinished send (see the class comment). */
    public Duration lease() {
        return lease;
    }

    /**
     * @param holder this run's identity on claims, e.g. the Lambda request id (a retried invocation reuses it and
     *               so re-enters its own claim instead of waiting for the lease)
     */
    public Delivery send(ComposedNotice notice, Actor actor, String holder) {
        Objects.requireNonNull(holder, "holder");
        String key = notice.key();
        Instant now = clock.instant();
        // A claim left unfinished is the trace of an earlier attempt that stopped after claiming: this run's own
        // (the platform retrying it under the same request id) or another's (taken over after the lease).
        Optional<Claims.State> before = claims.state(key).filter(st -> !st.completed());
        Claims.Outcome claim = claims.claim(key, holder, now, lease);
        switch (claim) {
            case ALREADY_DONE -> {
                return new Delivery(key, Delivery.Status.ALREADY_SENT, sentId(claims.state(key).map(Claims.State::outcome)), false, false, null);
            }
            case HELD_ELSEWHERE -> {
                return new Delivery(key, Delivery.Status.IN_PROGRESS_ELSEWHERE, null, false, false, null);
            }
            default -> {
            }
        }
        boolean takeover = claim == Claims.Outcome.TAKEN_OVER;

        Optional<LedgerEntry> sentBefore = ledger.byIdempotencyKey(key + "/sent");
        if (sentBefore.isPresent()) {
            String id = sentBefore.get().record().details().get("providerMessageId");
            claims.complete(key, holder, "sent:" + id, clock.instant());
            return new Delivery(key, Delivery.Status.ALREADY_SENT, id, takeover, false, null);
        }

        Map<String, String> details = details(notice);
        details.put("takeover", String.valueOf(takeover));
        // That attempt's intent without an outcome: it may have reached the provider. The outcome written below
        // then names it, so the ledger accounts for a possible earlier copy (the crash window described above).
        // Found once, it is recorded under a key of its own: the claim that showed it may be given back later (a
        // refused send), and the run that finally sends must still know a copy may be out.
        Optional<String> earlier = before.map(Claims.State::holder)
                .filter(h -> ledger.byIdempotencyKey(key + "/intent/" + h).isPresent());
        if (earlier.isPresent()) {
            Map<String, String> d = new LinkedHashMap<>(details);
            d.put("earlierAttempt", earlier.get());
            ledger.append(record(notice, actor, now, "notice.outcome-unknown", "unknown", key + "/outcome-unknown", d));
        } else {
            earlier = ledger.byIdempotencyKey(key + "/outcome-unknown").map(e -> e.record().details().get("earlierAttempt"));
        }
        earlier.ifPresent(h -> details.put("earlierAttempt", h + ": outcome unknown, may have been delivered"));
        ledger.append(record(notice, actor, now, "notice.send-intent", "pending", key + "/intent/" + holder, details));

        String providerId;
        try {
            providerId = mailer.send(notice.mail());
        } catch (Mailer.Throttled e) {
            return refused(notice, actor, holder, details, Delivery.Status.THROTTLED, takeover, e.quotaExhausted(), e.getMessage());
        } catch (Mailer.Rejected e) {
            return refused(notice, actor, holder, details, Delivery.Status.REJECTED, takeover, e.accountLevel(), e.getMessage());
        } catch (RuntimeException e) {
            Instant at = clock.instant();
            Map<String, String> d = new LinkedHashMap<>(details);
            d.put("error", e.getClass().getSimpleName());
            ledger.append(record(notice, actor, at, "notice.send-failed", "unknown",
                    key + "/failed/" + holder + "/" + at.toEpochMilli(), d));
            return new Delivery(key, Delivery.Status.UNKNOWN, null, takeover, false, e.getClass().getSimpleName() + ": " + e.getMessage());
        }

        Instant sentAt = clock.instant();
        Map<String, String> d = new LinkedHashMap<>(details);
        d.put("providerMessageId", providerId);
        ledger.append(record(notice, actor, sentAt, "notice.sent", "ok", key + "/sent", d));
        claims.complete(key, holder, "sent:" + providerId, sentAt);
        return new Delivery(key, Delivery.Status.SENT, providerId, takeover, false, null);
    }

    private Delivery refused(ComposedNotice notice, Actor actor, String holder, Map<String, String> details,
                             Delivery.Status status, boolean takeover, boolean accountWide, String reason) {
        claims.release(notice.key(), holder);
        Instant at = clock.instant();
        Map<String, String> d = new LinkedHashMap<>(details);
        d.put("reason", reason == null ? "" : reason);
        ledger.append(record(notice, actor, at, "notice.send-failed", status.wireName(),
                notice.key() + "/failed/" + holder + "/" + at.toEpochMilli(), d));
        return new Delivery(notice.key(), status, null, takeover, accountWide, reason);
    }

    private Map<String, String> details(ComposedNotice notice) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("key", notice.key());
        d.put("stage", notice.notice().stage().id());
        d.put("kind", notice.notice().stage().kind().wireName());
        d.put("standing", notice.notice().standing().wireName());
        d.put("recipientHmac", pseudonyms.address(notice.mail().recipient().value()));
        // A subject may name the member (a policy's {{memberName}}): the ledger keeps it only when it cannot.
        if (notice.rendered().subjectOnRecord() != null) {
            d.put("subject", notice.rendered().subjectOnRecord());
        } else {
            d.put("subjectHmac", pseudonyms.text("subject", notice.rendered().subject()));
        }
        d.put("messageId", notice.mail().mime().messageId());
        if (notice.notice().request() != null) d.put("occasion", notice.notice().request().occasion());
        return d;
    }

    private static LedgerRecord record(ComposedNotice notice, Actor actor, Instant at, String action, String outcome,
                                       String idempotencyKey, Map<String, String> details) {
        DueNotice n = notice.notice();
        String device = n.device() == null ? null : n.device().id();
        return new LedgerRecord(at, actor, n.member().id(), device, action, outcome, false, idempotencyKey, details);
    }

    private static String sentId(Optional<String> claimOutcome) {
        return claimOutcome.filter(o -> o.startsWith("sent:")).map(o -> o.substring(5)).orElse(null);
    }
}
