package org.appban.access;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.notice.Attestations;
import org.appban.policy.BanPolicy;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;

/**
 * What the member's signed link does: shows them the confirmation (GET, no side effect) and records it when they
 * confirm (POST). The record is the entry {@link Attestations#fromLedger} reads: action {@value Attestations#ACTION},
 * outcome {@code ok}, not a dry run, in the member's chain. Each link records once: its ledger idempotency key is
 * the link's nonce, so a second use (a reload, a forwarded email, a replayed POST) finds the first entry and is told
 * the link was used.
 */
public final class AttestationService {
    private final LinkVerifier links;
    private final MemberStore members;
    private final Ledger ledger;
    private final AttestationEvents events;
    private final BanPolicy policy;
    private final Clock clock;

    public AttestationService(LinkVerifier links, MemberStore members, Ledger ledger, AttestationEvents events, BanPolicy policy, Clock clock) {
        this.links = links;
        this.members = members;
        this.ledger = ledger;
        this.events = events;
        this.policy = policy;
        this.clock = clock;
    }

    public BanPolicy policy() {
        return policy;
    }

    /** Where a link stands. */
    public enum Status {
        /** Genuine, unexpired, unused: the member may confirm. */
        OPEN,
        /** The member confirmed through it just now. */
        RECORDED,
        /** Confirmed through it before. */
        USED,
        EXPIRED,
        /** Altered, signed with another key, or not a link at all. */
        INVALID,
        /** Genuine, but for nobody on the roster. */
        UNKNOWN_MEMBER
    }

    /**
     * @param member   the member the link is bound to (null unless OPEN, RECORDED or USED)
     * @param at       when it was used (RECORDED, USED) or when it expires (OPEN)
     * @param expires  the link's expiry (null when INVALID)
     */
    public record Result(Status status, Member member, Instant at, Instant expires) {
    }

    /** GET: what the link is, without changing anything. */
    public Result check(String token) {
        Instant now = clock.instant();
        LinkVerifier.Verification v = links.verify(token, now);
        if (!v.valid()) return invalid(v);
        Optional<Member> member = members.find(v.claims().member());
        if (member.isEmpty()) return new Result(Status.UNKNOWN_MEMBER, null, null, v.claims().expires());
        Optional<LedgerEntry> used = ledger.byIdempotencyKey(key(v.claims()));
        if (used.isPresent()) return new Result(Status.USED, member.get(), used.get().record().at(), v.claims().expires());
        return new Result(Status.OPEN, member.get(), v.claims().expires(), v.claims().expires());
    }

    /** POST: records the attestation once, and announces it so the member's devices are looked at again. */
    public Result attest(String token) {
        Instant now = clock.instant();
        LinkVerifier.Verification v = links.verify(token, now);
        if (!v.valid()) return invalid(v);
        LinkVerifier.LinkClaims c = v.claims();
        Optional<Member> member = members.find(c.member());
        if (member.isEmpty()) return new Result(Status.UNKNOWN_MEMBER, null, null, c.expires());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("via", "signed link");
        details.put("statement", "the app is gone from all my private devices");
        details.put("app", policy.app().name());
        details.put("linkExpires", c.expires().toString());
        Ledger.Appended appended = ledger.append(new LedgerRecord(now, Actor.event("attestation-link:" + c.nonce()), c.member(), null,
                Attestations.ACTION, "ok", false, key(c), details));
        if (!appended.written()) return new Result(Status.USED, member.get(), appended.entry().record().at(), c.expires());
        try {
            events.attested(c.member(), now);
        } catch (RuntimeException e) {
            // Recorded is what counts; the daily run looks at the member's devices anyway.
            System.err.println("{\"level\":\"WARN\",\"message\":\"MemberAttested not published; the daily run will re-evaluate\",\"member\":\""
                    + c.member().replace("\"", "") + "\",\"error\":\"" + e.getClass().getSimpleName() + "\"}");
        }
        return new Result(Status.RECORDED, member.get(), now, c.expires());
    }

    private static Result invalid(LinkVerifier.Verification v) {
        return new Result(v.problem() == LinkVerifier.Problem.EXPIRED ? Status.EXPIRED : Status.INVALID, null, null, null);
    }

    /** One attestation per link: the nonce, with the member it is bound to. */
    static String key(LinkVerifier.LinkClaims c) {
        return "attestation/" + c.member() + "/" + c.nonce();
    }
}
