package org.appban.access;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.MdmKind;
import org.appban.policy.BanPolicy;

/**
 * The rules that decide a device's network access, whoever owns it. Pure: facts and an instant in, a decision out.
 *
 * <p><b>Standing: the latest word wins.</b> Each source of evidence gives at most one dated "word" about a device:
 * <ul>
 *   <li>a corporate device's MDM inventory, where it has reported the device's apps: the app listed speaks against
 *       it, the app missing for it, dated by the MDM's last report (the inventory is the MDM's own sight of the
 *       apps, so for a corporate device it is the MDM's word, not the compliance state derived from it);</li>
 *   <li>otherwise its MDM, where it is enrolled and its compliance is known: non-compliant with the restricted-app
 *       rule (or in the MDM's own grace period) speaks against it, compliant for it, dated by the MDM's last report;</li>
 *   <li>a private device's owner's attestation (member-wide: "the app is gone from all my private devices") speaks
 *       for it, dated when it was given;</li>
 *   <li>its latest telemetry sighting of the app's domains speaks against it, dated when seen, but only while it is
 *       younger than the policy's quiet period: a sighting older than that is no evidence any more.</li>
 * </ul>
 * The most recent word decides (a tie goes to the device: precision first). So an attestation outweighs an older
 * non-compliance report or sighting, and anything seen or reported after an attestation outweighs the attestation.
 * With no word at all, the device is <i>unconfirmed</i>: nothing is known and the member has not attested.
 *
 * <p><b>Ownership does not matter to the ban</b>: a corporate device still carrying the app after the deadline plus
 * the grace period is one the MDM's removal failed on or could not be attempted on (an unsupervised iPhone), and it
 * loses network access like a private one. What differs is the evidence (the inventory instead of an attestation)
 * and one rule: a corporate device nothing is known about (its inventory has not reported its apps yet) is left
 * alone, because its member cannot attest for it and the MDM will report it.
 *
 * <p><b>Actions</b>, in order:
 * <ol>
 *   <li>Exempt (a granted, unexpired exemption covers it): never quarantined; a quarantine of ours is released.</li>
 *   <li>Quarantined by us: released when its standing is clean; otherwise kept. (An unconfirmed device stays: the
 *       quiet period lifts telemetry's word, not the missing attestation.)</li>
 *   <li>Not quarantined: left alone when clean (or a corporate device not yet inventoried); otherwise quarantined
 *       once the grace period after the deadline has ended (before that: wait), unless it is retired from its MDM
 *       (old evidence about a device that may be gone is not acted on) or it cannot be identified unambiguously on
 *       the network (no MAC, or a MAC another device shares): then it is reported, never acted on by guess.</li>
 * </ol>
 * Consequences the tests hold to: an exempt device is never quarantined; a device whose MDM reports it compliant (or,
 * corporate, whose inventory no longer lists the app), or whose owner attested, with no sighting since, is never
 * quarantined; a device seen after its owner attested is quarantined; a quarantined device is released when its MDM
 * reports it compliant or its inventory no longer lists the app, when its owner attests (with nothing against it
 * since), or when its last sighting ages past the quiet period and an earlier compliant report or attestation remains.
 */
public final class AccessRules {
    private final Instant graceEnds;
    private final Duration quietPeriod;

    public AccessRules(Instant graceEnds, Duration quietPeriod) {
        this.graceEnds = graceEnds;
        this.quietPeriod = quietPeriod;
    }

    public static AccessRules of(BanPolicy policy) {
        return new AccessRules(policy.privateGraceEnds(), Duration.ofDays(policy.privateDevices().quietPeriodDays()));
    }

    public Instant graceEnds() {
        return graceEnds;
    }

    public Duration quietPeriod() {
        return quietPeriod;
    }

    public Decision decide(DeviceFacts f, Instant now) {
        Device d = f.device();
        String id = d.id();
        boolean ours = f.quarantinedByUs();
        if (f.exemption() != null) {
            Evidence e = new Evidence(Evidence.Kind.EXEMPTION, "exemption " + f.exemption().id(), f.exemption().decidedAt(),
                    "granted until " + f.exemption().expires());
            return new Decision(id, ours ? Decision.Action.RELEASE : Decision.Action.LEAVE, Decision.Standing.EXEMPT, List.of(e),
                    "exempt until " + f.exemption().expires());
        }
        Judgement j = judge(f, now);
        if (ours) {
            return j.standing() == Decision.Standing.CLEAN
                    ? new Decision(id, Decision.Action.RELEASE, j.standing(), j.evidence(), "complies: " + j.deciding().describe())
                    : new Decision(id, Decision.Action.KEEP_QUARANTINED, j.standing(), j.evidence(), "still " + j.standing().wireName());
        }
        if (j.standing() == Decision.Standing.CLEAN) {
            return new Decision(id, Decision.Action.LEAVE, j.standing(), j.evidence(), "clean: " + j.deciding().describe());
        }
        if (j.standing() == Decision.Standing.UNCONFIRMED && d.isCorporate()) {
            return new Decision(id, Decision.Action.LEAVE, j.standing(), j.evidence(),
                    "corporate device its MDM has not inventoried yet: its next inventory decides");
        }
        if (now.isBefore(graceEnds)) {
            return new Decision(id, Decision.Action.WAIT_FOR_GRACE, j.standing(), j.evidence(), "the grace period ends at " + graceEnds);
        }
        if (d.retired()) {
            return new Decision(id, Decision.Action.NOT_IN_SCOPE, j.standing(), j.evidence(),
                    "retired from its MDM: not quarantined on evidence about a device that may be gone");
        }
        if (!f.identity().unique()) {
            return new Decision(id, Decision.Action.REPORT_IDENTITY, j.standing(), j.evidence(),
                    "cannot be identified unambiguously on the network: " + f.identity().explain());
        }
        return new Decision(id, Decision.Action.QUARANTINE, j.standing(), j.evidence(), j.standing().wireName() + ": " + j.deciding().describe());
    }

    /** The device's standing from its dated words; the evidence list starts with the deciding piece. */
    Judgement judge(DeviceFacts f, Instant now) {
        List<Evidence> words = new ArrayList<>();
        List<Evidence> context = new ArrayList<>();
        Device d = f.device();
        if (d.mdm() != MdmKind.NONE && !d.retired() && d.isCorporate() && d.appPresence() != AppPresence.UNKNOWN) {
            boolean present = d.appPresence() == AppPresence.PRESENT;
            words.add(new Evidence(present ? Evidence.Kind.INVENTORY_PRESENT : Evidence.Kind.INVENTORY_ABSENT, d.mdm().wireName() + " inventory",
                    d.lastSeen(), present ? "the app is listed on the device" : "the app is no longer listed on the device"));
        } else if (d.mdm() != MdmKind.NONE && !d.retired()) {
            ComplianceState c = d.compliance();
            String source = d.mdm().wireName();
            if (c == ComplianceState.NONCOMPLIANT || c == ComplianceState.IN_GRACE_PERIOD) {
                words.add(new Evidence(Evidence.Kind.MDM_NONCOMPLIANT, source, d.lastSeen(), "compliance " + c.name().toLowerCase(java.util.Locale.ROOT)));
            } else if (c == ComplianceState.COMPLIANT) {
                words.add(new Evidence(Evidence.Kind.MDM_COMPLIANT, source, d.lastSeen(), "compliance compliant"));
            }
        }
        if (f.attestedAt() != null && d.isPrivate()) {
            words.add(new Evidence(Evidence.Kind.ATTESTED, "member " + d.owner() + " (signed link)", f.attestedAt(),
                    "the app is gone from all their private devices"));
        }
        Sighting s = f.latestSighting();
        if (s != null) {
            Instant quietFrom = s.at().plus(quietPeriod);
            if (now.isBefore(quietFrom)) {
                words.add(s.asEvidence());
            } else {
                context.add(new Evidence(Evidence.Kind.TELEMETRY_QUIET, s.source(), quietFrom,
                        "not seen since " + s.at() + " (" + quietPeriod.toDays() + " days)"));
            }
        }
        if (words.isEmpty()) {
            List<Evidence> ev = new ArrayList<>();
            ev.add(d.isCorporate()
                    ? new Evidence(Evidence.Kind.NOT_INVENTORIED, String.valueOf(d.mdm().wireName()) + " inventory", d.lastSeen(),
                            "the MDM has not reported the device's apps and there is no recent telemetry")
                    : new Evidence(Evidence.Kind.NO_ATTESTATION, "ledger of member " + d.owner(), graceEnds,
                            "no attestation, no MDM verdict and no recent telemetry"));
            ev.addAll(context);
            return new Judgement(Decision.Standing.UNCONFIRMED, ev);
        }
        // Latest first; on equal times the word for the device comes first (precision first). An unknown time
        // (an MDM report without a date) counts as the oldest.
        words.sort(Comparator.comparing((Evidence e) -> e.at() == null ? Instant.MIN : e.at()).reversed()
                .thenComparing(e -> e.kind().againstDevice()));
        List<Evidence> ev = new ArrayList<>(words);
        ev.addAll(context);
        Evidence deciding = words.get(0);
        return new Judgement(deciding.kind().againstDevice() ? Decision.Standing.CARRIES_APP : Decision.Standing.CLEAN, ev);
    }

    record Judgement(Decision.Standing standing, List<Evidence> evidence) {
        Evidence deciding() {
            return evidence.get(0);
        }
    }
}
