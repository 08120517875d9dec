package org.appban.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.identity.Principal;
import org.appban.identity.ProvenPrincipal;
import org.appban.input.InvalidInputException;
import org.appban.policy.BanPolicy;
import org.appban.ports.Ledger;

/**
 * The two-person rule (as Intune's multi-admin approval): the acts the policy's {@code administration.secondApproval}
 * names wait, as a pending approval, until a second, different administrator approves them; the approval then
 * carries the act out in the approver's name, with the first administrator's request on record. Every step is a
 * ledger entry in the fleet chain, and the ledger is also where pending approvals are read from:
 *
 * <pre>
 * admin.approval-requested  key approval/ID/requested  who asked, what (the request as sent), until when
 * admin.approval-given      key approval/ID/decided    who approved (a different person); the act follows
 * admin.approval-expired    key approval/ID/decided    an approval came after the request had expired
 * </pre>
 * The {@code decided} key makes the second approval happen once, whoever races for it.
 */
public final class SecondApprovals {
    public static final String REQUESTED = "admin.approval-requested";
    public static final String GIVEN = "admin.approval-given";
    public static final String EXPIRED = "admin.approval-expired";
    public static final List<String> STATES = List.of("pending", "approved", "expired");

    /**
     * A request that waits, or waited, for its second approval.
     *
     * @param request the request as it was sent (its wire text, read back through {@link AdminRequestFormat})
     */
    public record Approval(String id, String operation, String requestedBy, Instant requestedAt, Instant expires,
                           String state, String approvedBy, Instant approvedAt, String request) {
    }

    private final BanPolicy.SecondApproval settings;
    private final ZoneId zone;
    private final Ledger ledger;
    private final Clock clock;

    public SecondApprovals(BanPolicy.SecondApproval settings, ZoneId zone, Ledger ledger, Clock clock) {
        this.settings = settings;
        this.zone = zone;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** Whether this request must wait for a second administrator (pure). */
    public boolean needed(AdminRequest request, Instant now) {
        return switch (request) {
            case AdminRequest.KillSwitchSet k -> !k.engage() && settings.killSwitchOff();
            case AdminRequest.ManualRun m -> settings.confirmAboveCap() && m.confirms() && !m.dryRun();
            case AdminRequest.ExemptionGrant g -> settings.exemptionsLongerThanDays() != null && g.expires() != null
                    && g.expires().isAfter(now.atZone(zone).plusDays(settings.exemptionsLongerThanDays()).toInstant());
            default -> false;
        };
    }

    /** Why it waits, for the answer and the ledger. */
    public String why(AdminRequest request) {
        return switch (request) {
            case AdminRequest.KillSwitchSet k -> "turning the kill switch off resumes removals and quarantines (administration.secondApproval.killSwitchOff)";
            case AdminRequest.ManualRun m -> "a confirm goes past the policy's blast-radius cap (administration.secondApproval.confirmAboveCap)";
            case AdminRequest.ExemptionGrant g -> "an exemption longer than " + settings.exemptionsLongerThanDays()
                    + " days (administration.secondApproval.exemptionsLongerThanDays)";
            default -> "the policy's administration.secondApproval";
        };
    }

    /**
     * Records the request as pending; a retried invocation finds the same approval.
     *
     * @param text the request as it was sent (its wire text): what the second approval carries out, and, with who
     *             asked, what names the approval
     */
    public Approval request(AdminRequest request, String text, ProvenPrincipal by) {
        Instant now = clock.instant();
        // The same person asking the same thing again while it waits (a retry, a second click) finds the same approval.
        int earlier = 0;
        for (Approval a : list(null)) {
            if (!Principal.samePerson(a.requestedBy(), by.arn()) || !a.request().equals(text)) continue;
            if (a.state().equals("pending")) return a;
            earlier++;
        }
        // Named by who asks what, and how many times they asked it before: the same on a re-delivery, new once decided.
        String id = id(by.person() + "\n" + text + "\n" + earlier);
        Instant expires = now.plus(Duration.ofHours(settings.pendingHours()));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("approval", id);
        details.put("operation", request.operation());
        details.put("request", text);
        details.put("requestedBy", by.arn());
        details.put("expires", expires.toString());
        details.put("why", why(request));
        LedgerEntry entry = ledger.append(new LedgerRecord(now, by.actor(), null, null, REQUESTED, "pending", false,
                key(id, "requested"), details)).entry();
        return approval(entry, Optional.empty(), now);
    }

    /**
     * The second approval: by a different person, before the request expired, once.
     *
     * @return the approval, approved; the caller then carries out its request
     * @throws InvalidInputException naming the field: {@code id} (unknown, expired, approved by another already),
     *                               {@code caller} (the person who asked)
     */
    public Approval approve(String id, ProvenPrincipal by) {
        String source = "approval.approve";
        Instant now = clock.instant();
        LedgerEntry requested = ledger.byIdempotencyKey(key(id, "requested"))
                .orElseThrow(() -> new InvalidInputException(source, "id", "no approval '" + id + "'; approval.list shows those pending"));
        Approval a = approval(requested, ledger.byIdempotencyKey(key(id, "decided")), now);
        if (Principal.samePerson(a.requestedBy(), by.arn())) {
            throw new InvalidInputException(source, "caller", "'" + by.arn() + "' asked for " + a.operation() + " (approval " + id
                    + ") and cannot also give its second approval; another administrator must");
        }
        if (a.state().equals("approved")) {
            if (Principal.samePerson(a.approvedBy(), by.arn())) return a; // a retry: the act is carried out again, idempotently
            throw new InvalidInputException(source, "id", "approval " + id + " was already given by " + a.approvedBy() + " at " + a.approvedAt());
        }
        if (!now.isBefore(a.expires())) {
            ledger.append(new LedgerRecord(now, by.actor(), null, null, EXPIRED, "rejected", false, key(id, "decided"),
                    Map.of("approval", id, "operation", a.operation(), "requestedBy", a.requestedBy(), "expired", a.expires().toString())));
            throw new InvalidInputException(source, "id", "approval " + id + " expired at " + a.expires() + " ("
                    + settings.pendingHours() + " hours after it was asked, administration.secondApproval.pendingHours); ask again");
        }
        Ledger.Appended given = ledger.append(new LedgerRecord(now, by.actor(), null, null, GIVEN, "ok", false, key(id, "decided"),
                Map.of("approval", id, "operation", a.operation(), "requestedBy", a.requestedBy(), "approvedBy", by.arn())));
        Approval after = approval(requested, Optional.of(given.entry()), now);
        if (!given.written() && !Principal.samePerson(after.approvedBy(), by.arn())) {
            throw new InvalidInputException(source, "id", "approval " + id + " was already given by " + after.approvedBy());
        }
        return after;
    }

    /** Approvals in a state (null: all), newest first. */
    public List<Approval> list(String state) {
        return of(ledger.chain("fleet"), clock.instant(), state);
    }

    /**
     * Approvals in a state (null: all) as of {@code now}, newest first, from the fleet chain's entries (pure: the
     * administrators' digest reads the same list as {@code approval.list}).
     */
    public static List<Approval> of(List<LedgerEntry> fleet, Instant now, String state) {
        Map<String, LedgerEntry> decided = new LinkedHashMap<>();
        for (LedgerEntry e : fleet) {
            if ((e.record().action().equals(GIVEN) || e.record().action().equals(EXPIRED)) && e.record().details().containsKey("approval")) {
                decided.put(e.record().details().get("approval"), e);
            }
        }
        List<Approval> out = new ArrayList<>();
        for (LedgerEntry e : fleet) {
            if (!e.record().action().equals(REQUESTED)) continue;
            Approval a = approval(e, Optional.ofNullable(decided.get(e.record().details().get("approval"))), now);
            if (state == null || a.state().equals(state)) out.add(0, a);
        }
        return out;
    }

    private static Approval approval(LedgerEntry requested, Optional<LedgerEntry> decided, Instant now) {
        Map<String, String> d = requested.record().details();
        Instant expires = Instant.parse(d.get("expires"));
        String state = decided.map(e -> e.record().action().equals(GIVEN) ? "approved" : "expired")
                .orElse(now.isBefore(expires) ? "pending" : "expired");
        return new Approval(d.get("approval"), d.get("operation"), d.get("requestedBy"), requested.record().at(), expires, state,
                decided.filter(e -> e.record().action().equals(GIVEN)).map(e -> e.record().details().get("approvedBy")).orElse(null),
                decided.filter(e -> e.record().action().equals(GIVEN)).map(e -> e.record().at()).orElse(null), d.get("request"));
    }

    private static String key(String id, String step) {
        return "approval/" + id + "/" + step;
    }

    /** {@code apr-} and 12 hex digits of SHA-256 over what names it. */
    public static String id(String invocationId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(invocationId.getBytes(StandardCharsets.UTF_8));
            return "apr-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
