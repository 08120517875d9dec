package org.appban.exemption;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.Member;
import org.appban.identity.Principal;
import org.appban.identity.ProvenPrincipal;
import org.appban.input.InputProblem;
import org.appban.input.InvalidInputException;
import org.appban.policy.BanPolicy;

/**
 * The exemption lifecycle's decisions, pure: each method takes the exemption as stored, who is asking and when,
 * and returns the exemption as it must be stored next, or throws {@link InvalidInputException} naming every rule
 * the step breaks.
 *
 * <pre>
 *   REQUESTED --grant--> GRANTED --revoke--> REVOKED
 *       \                   \
 *        --refuse--> REFUSED  (expires at its expiry instant: still GRANTED on record, protects nothing)
 * </pre>
 *
 * <ul>
 *   <li>A request names an active member on the roster, a reason, and optionally devices of that member; it is for
 *       the whole member when it names none, else one exemption per named device.</li>
 *   <li>Only a proven caller ({@link ProvenPrincipal}, from the function URL's IAM authorisation) whom the policy's
 *       approver patterns match decides (grants, refuses, revokes); never the same person as the one who asked for
 *       the exemption (by {@link Principal#person()}), nor the exempted member (whose address or id is the caller's
 *       user or session name).</li>
 *   <li>A grant carries an expiry after the decision and no later than {@code exemptions.maxDays} (calendar days in
 *       the policy zone) after it.</li>
 *   <li>Only a granted exemption that has not expired yet can be revoked; revoking takes effect at once.</li>
 * </ul>
 */
public final class ExemptionRules {
    static final int MAX_REASON_CHARS = 2000;

    private final BanPolicy.Exemptions settings;
    private final ZoneId zone;
    private final Approvers approvers;

    public ExemptionRules(BanPolicy policy) {
        this(policy.exemptions(), policy.zone());
    }

    public ExemptionRules(BanPolicy.Exemptions settings, ZoneId zone) {
        this.settings = settings;
        this.zone = zone;
        this.approvers = new Approvers(settings.approvers());
    }

    public Approvers approvers() {
        return approvers;
    }

    /** The latest expiry a decision at {@code decidedAt} may give. */
    public Instant latestExpiry(Instant decidedAt) {
        return decidedAt.atZone(zone).plusDays(settings.maxDays()).toInstant();
    }

    /**
     * New exemptions in state REQUESTED.
     *
     * @param member        the member as on the roster, or null when the id is unknown
     * @param memberDevices the member's devices as the inventory has them
     * @param devices       device ids the request names; empty for the whole member
     * @param idFor         the id of the exemption for a device id (null for the whole member)
     */
    public List<Exemption> request(String source, String memberId, Member member, List<Device> memberDevices,
                                   List<String> devices, String reason, String requester, Instant now,
                                   Function<String, String> idFor) {
        List<InputProblem> problems = new ArrayList<>();
        if (member == null) {
            problems.add(new InputProblem("member", "no member '" + memberId + "' on the roster"));
        } else if (!member.active()) {
            problems.add(new InputProblem("member", "member '" + memberId + "' is no longer active on the roster"));
        }
        checkReason(reason, problems);
        if (requester == null || requester.isBlank()) problems.add(new InputProblem("caller", "the requester's identity is unknown"));
        Map<String, Device> own = memberDevices.stream().collect(Collectors.toMap(Device::id, d -> d, (a, b) -> a));
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(devices));
        if (unique.size() != devices.size()) problems.add(new InputProblem("devices", "names a device twice"));
        if (member != null) {
            for (int i = 0; i < devices.size(); i++) {
                Device d = own.get(devices.get(i));
                if (d == null) {
                    problems.add(new InputProblem("devices[" + i + "]", "'" + devices.get(i) + "' is not a device of member '" + memberId + "'"));
                } else if (d.retired()) {
                    problems.add(new InputProblem("devices[" + i + "]", "'" + devices.get(i) + "' is retired (no longer in the fleet)"));
                }
            }
        }
        throwIfAny(source, problems);
        List<Exemption> out = new ArrayList<>();
        if (unique.isEmpty()) unique.add(null);
        for (String device : unique) {
            out.add(new Exemption(idFor.apply(device), memberId, device, reason.strip(), ExemptionStatus.REQUESTED,
                    requester, now, null, null, null, null, null));
        }
        return out;
    }

    /** REQUESTED to GRANTED, until {@code expires}. */
    public Exemption grant(String source, Exemption e, Member member, ProvenPrincipal approver, Instant expires, Instant now) {
        List<InputProblem> problems = new ArrayList<>();
        checkStatus(e, ExemptionStatus.REQUESTED, "granted", problems);
        checkDecider(e, member, approver, problems);
        if (expires == null) {
            problems.add(new InputProblem("expires", "is required: every exemption ends"));
        } else if (!expires.isAfter(now)) {
            problems.add(new InputProblem("expires", expires + " is not after the decision (" + now + ")"));
        } else if (expires.isAfter(latestExpiry(now))) {
            problems.add(new InputProblem("expires", expires + " is beyond the policy's maximum of " + settings.maxDays()
                    + " days from this decision (latest allowed: " + latestExpiry(now) + ")"));
        }
        throwIfAny(source, problems);
        return new Exemption(e.id(), e.member(), e.device(), e.reason(), ExemptionStatus.GRANTED, e.requestedBy(),
                e.requestedAt(), approver.arn(), now, expires, null, null);
    }

    /** REQUESTED to REFUSED. The reason goes to the ledger. */
    public Exemption refuse(String source, Exemption e, Member member, ProvenPrincipal approver, String reason, Instant now) {
        List<InputProblem> problems = new ArrayList<>();
        checkStatus(e, ExemptionStatus.REQUESTED, "refused", problems);
        checkDecider(e, member, approver, problems);
        checkReason(reason, problems);
        throwIfAny(source, problems);
        return new Exemption(e.id(), e.member(), e.device(), e.reason(), ExemptionStatus.REFUSED, e.requestedBy(),
                e.requestedAt(), approver.arn(), now, null, null, null);
    }

    /**
     * GRANTED (and not yet expired) to REVOKED. Any approver may revoke, including the one who asked for it:
     * revoking only takes protection away.
     */
    public Exemption revoke(String source, Exemption e, ProvenPrincipal by, String reason, Instant now) {
        List<InputProblem> problems = new ArrayList<>();
        checkStatus(e, ExemptionStatus.GRANTED, "revoked", problems);
        if (e.status() == ExemptionStatus.GRANTED && !now.isBefore(e.expires())) {
            problems.add(new InputProblem("id", "exemption " + e.id() + " already expired at " + e.expires() + "; there is nothing to revoke"));
        }
        if (!approvers.mayDecide(by)) problems.add(notApprover(by));
        checkReason(reason, problems);
        throwIfAny(source, problems);
        return new Exemption(e.id(), e.member(), e.device(), e.reason(), ExemptionStatus.REVOKED, e.requestedBy(),
                e.requestedAt(), e.decidedBy(), e.decidedAt(), e.expires(), by.arn(), now);
    }

    private void checkDecider(Exemption e, Member member, ProvenPrincipal approver, List<InputProblem> problems) {
        if (!approvers.mayDecide(approver)) {
            problems.add(notApprover(approver));
            return;
        }
        if (Principal.samePerson(approver.arn(), e.requestedBy())) {
            problems.add(new InputProblem("caller", "'" + approver + "' requested exemption " + e.id()
                    + " and cannot also decide it; another approver must"));
        }
        if (member != null && approver.principal().isMember(member.id(), member.email())) {
            problems.add(new InputProblem("caller", "'" + approver + "' is the exempted member and cannot decide their own exemption"));
        }
    }

    private InputProblem notApprover(ProvenPrincipal identity) {
        return new InputProblem("caller", "'" + identity + "' is not an exemption approver (the policy's exemptions.approvers: "
                + String.join(", ", approvers.list()) + ")");
    }

    private static void checkStatus(Exemption e, ExemptionStatus wanted, String verb, List<InputProblem> problems) {
        if (e.status() != wanted) {
            problems.add(new InputProblem("id", "exemption " + e.id() + " is " + e.status().name().toLowerCase(java.util.Locale.ROOT)
                    + "; only a " + wanted.name().toLowerCase(java.util.Locale.ROOT) + " exemption can be " + verb));
        }
    }

    private static void checkReason(String reason, List<InputProblem> problems) {
        if (reason == null || reason.isBlank()) {
            problems.add(new InputProblem("reason", "is required"));
        } else if (reason.length() > MAX_REASON_CHARS) {
            problems.add(new InputProblem("reason", "is longer than " + MAX_REASON_CHARS + " characters"));
        }
    }

    private static void throwIfAny(String source, List<InputProblem> problems) {
        if (!problems.isEmpty()) throw new InvalidInputException(Objects.requireNonNullElse(source, "exemption"), problems);
    }
}
