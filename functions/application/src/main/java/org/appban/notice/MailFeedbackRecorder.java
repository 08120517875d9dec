package org.appban.notice;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.appban.alerts.AdminAlert;
import org.appban.alerts.AdminAlerts;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.ledger.Pseudonymiser;
import org.appban.mail.MailFeedback;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;

/**
 * Acts on a bounce or complaint from SES: marks the members at that address {@code mailBlocked} (the planner then
 * sends them nothing more), records it in each member's ledger chain, and tells the administrators, who must
 * reach the member another way and correct the address on the roster.
 *
 * <h2>Finding the member</h2>
 * By address, which is what bounced: the message's {@code member} tag (set by the composer) names the member to
 * look at first; when the tag is missing or that member's address is no longer the bounced one, every member with
 * that address is found on the roster. An address no member has is recorded on the fleet chain and reported.
 *
 * <h2>Once only</h2>
 * SES delivers events at least once. Each (feedback id, member) is recorded under its own idempotency key; when
 * that key is already in the ledger the event was handled before and nothing is done again. The alert is sent
 * before the ledger entry, so a crash between the two repeats the alert on redelivery rather than losing it.
 *
 * <h2>No address in the ledger or the report</h2>
 * The ledger cannot be edited and the function's report goes to its log, so neither holds the address: both name
 * it by its keyed hash ({@link Pseudonymiser}, {@code addressHmac}), which the holder of the key can match against an
 * address and nobody else can read. Only the administrators' alert (a message, not a record) carries the address,
 * because they must correct it on the roster.
 */
public final class MailFeedbackRecorder {
    public static final String BLOCKED = "mail.blocked";
    public static final String NOT_BLOCKED = "mail.feedback-recorded";
    public static final String UNMATCHED = "mail.feedback-unmatched";
    public static final String UNBLOCKED = "mail.unblocked";

    private final MemberStore members;
    private final Ledger ledger;
    private final AdminAlerts alerts;
    private final Clock clock;
    private final Pseudonymiser pseudonyms;

    /** The administrators' alerts: the notify function also tells them of notices it cannot honour. */
    public AdminAlerts alerts() {
        return alerts;
    }

    public MailFeedbackRecorder(MemberStore members, Ledger ledger, AdminAlerts alerts, Clock clock, Pseudonymiser pseudonyms) {
        this.pseudonyms = java.util.Objects.requireNonNull(pseudonyms, "pseudonyms");
        this.members = members;
        this.ledger = ledger;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** What was done for one bounced or complaining address, named by its keyed hash ({@code hmac:...}). */
    public record AddressResult(String addressHmac, List<String> members, String result) {
    }

    public List<AddressResult> record(MailFeedback feedback, Actor actor) {
        List<AddressResult> results = new ArrayList<>();
        for (String address : feedback.recipients()) {
            List<Member> matching = new ArrayList<>();
            Optional<Member> tagged = Optional.ofNullable(feedback.tag("member")).flatMap(members::find)
                    .filter(m -> sameAddress(m, address));
            if (tagged.isPresent()) {
                matching.add(tagged.get());
            } else {
                members.withAddress(address).stream().filter(m -> sameAddress(m, address)).forEach(matching::add);
            }
            if (matching.isEmpty()) {
                results.add(new AddressResult(pseudonyms.address(address), List.of(), unmatched(feedback, address, actor)));
                continue;
            }
            List<String> ids = new ArrayList<>();
            String result = null;
            for (Member m : matching) {
                ids.add(m.id());
                result = forMember(feedback, address, m, actor);
            }
            results.add(new AddressResult(pseudonyms.address(address), ids, result));
        }
        return results;
    }

    /**
     * Lets mail reach a member again after the administrators fixed what bounced (or the member asked to be mailed
     * again after a complaint). Recorded with the administrator's reason.
     *
     * @return {@code unblocked}, {@code not-blocked} (nothing to do) or {@code unknown-member}
     */
    public String unblock(String memberId, String reason, Actor actor) {
        Optional<Member> member = members.find(memberId);
        if (member.isEmpty()) return "unknown-member";
        if (!member.get().mailBlocked()) return "not-blocked";
        members.save(member.get().withMailBlocked(false));
        ledger.append(new LedgerRecord(clock.instant(), actor, memberId, null, UNBLOCKED, "ok", false, null,
                Map.of("reason", reason, "addressHmac", pseudonyms.address(member.get().email()))));
        return "unblocked";
    }

    private String forMember(MailFeedback feedback, String address, Member member, Actor actor) {
        boolean block = feedback.blocksAddress();
        String key = "mail-feedback/" + feedback.feedbackId() + "/" + member.id();
        if (ledger.byIdempotencyKey(key).isPresent()) return "already-recorded";
        if (block && !member.mailBlocked()) members.save(member.withMailBlocked(true));
        alerts.alert(alert(feedback, address, member, block));
        Instant now = clock.instant();
        ledger.append(new LedgerRecord(now, actor, member.id(), null, block ? BLOCKED : NOT_BLOCKED,
                block ? "ok" : "recorded", false, key, details(feedback, address)));
        return block ? "blocked" : "recorded:" + feedback.kind().wireName() + "-" + lower(feedback.type());
    }

    private String unmatched(MailFeedback feedback, String address, Actor actor) {
        String key = "mail-feedback/" + feedback.feedbackId() + "/unmatched/" + pseudonyms.address(address);
        if (ledger.byIdempotencyKey(key).isPresent()) return "already-recorded";
        alerts.alert(new AdminAlert("appban: " + feedback.kind().wireName() + " from an address no member has",
                "SES reported a " + feedback.kind().wireName() + " for " + address + ", which is not the address of any"
                        + " member on the roster (changed since the notice was sent?). Nothing was blocked.",
                facts(feedback, address, null)));
        ledger.append(new LedgerRecord(clock.instant(), actor, null, null, UNMATCHED, "recorded", false, key,
                details(feedback, address)));
        return "unmatched";
    }

    private static AdminAlert alert(MailFeedback f, String address, Member m, boolean blocked) {
        String what = f.kind() == MailFeedback.Kind.COMPLAINT ? "marked a notice as spam" : "bounced ("
                + f.type() + (f.subType() == null ? "" : "/" + f.subType()) + ")";
        String subject = "appban: notices to member " + m.id() + " " + (blocked ? "stopped" : "did not arrive") + ": " + f.kind().wireName();
        String body = blocked
                ? "The address " + address + " of member " + m.id() + " " + what + ". No further notices go to it."
                  + " Reach the member another way, then correct the address on the roster and clear the block."
                : "A notice to " + address + " of member " + m.id() + " " + what + ". The address is kept; later notices"
                  + " will be tried. If it persists, reach the member another way.";
        return new AdminAlert(subject, body, facts(f, address, m.id()));
    }

    private static Map<String, String> facts(MailFeedback f, String address, String member) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("kind", f.kind().wireName());
        if (member != null) facts.put("member", member);
        facts.put("address", address);
        if (f.type() != null) facts.put("type", f.type());
        if (f.subType() != null) facts.put("subType", f.subType());
        if (f.tag("stage") != null) facts.put("stage", f.tag("stage"));
        facts.put("feedbackId", f.feedbackId());
        facts.put("sesMessageId", f.sesMessageId());
        return facts;
    }

    /** The alert's facts, with the address's keyed hash in place of the address. */
    private Map<String, String> details(MailFeedback f, String address) {
        Map<String, String> d = facts(f, address, null);
        d.remove("address");
        d.put("addressHmac", pseudonyms.address(address));
        d.put("reportedAt", f.at().toString());
        // An MTA's diagnostic quotes the address more often than not ("550 5.1.1 <a@b>: User unknown").
        if (f.diagnostic() != null) d.put("diagnostic", withoutAddress(f.diagnostic().length() > 300 ? f.diagnostic().substring(0, 300) : f.diagnostic(), address));
        return d;
    }

    /** The diagnostic with every occurrence of the address (any case) replaced by {@code ADDRESS}. */
    static String withoutAddress(String diagnostic, String address) {
        return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(address), java.util.regex.Pattern.CASE_INSENSITIVE)
                .matcher(diagnostic).replaceAll("ADDRESS");
    }

    private static boolean sameAddress(Member m, String address) {
        return m.email().strip().equalsIgnoreCase(address);
    }

    private static String lower(String s) {
        return s == null ? "unknown" : s.toLowerCase(Locale.ROOT);
    }
}
