package org.appban.admin.preview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.appban.admin.FleetSnapshot;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.Member;
import org.appban.exemption.ExemptionNoticePlan;
import org.appban.notice.DueNotice;
import org.appban.notice.MemberSnapshot;
import org.appban.notice.NoticeDecision;
import org.appban.notice.NoticePlanner;
import org.appban.notice.ScheduledNotice;
import org.appban.policy.BanPolicy;
import org.appban.policy.StageKind;

/**
 * The notify function's coming emails: the scheduled stages, asked of the same {@link NoticePlanner} the function
 * uses at each send instant in the window (and at its start, for a catch-up the next run would send), with what
 * the ledger says was sent; and the exemption notices that fall due (expiring, expired).
 */
public final class NoticePreviewer implements Previewer {
    private final NoticePlanner planner;
    private final ExemptionNoticePlan exemptionNotices;
    private final BanPolicy policy;

    public NoticePreviewer(BanPolicy policy) {
        this.policy = policy;
        this.planner = new NoticePlanner(policy);
        this.exemptionNotices = new ExemptionNoticePlan(policy);
    }

    @Override
    public String function() {
        return "notify";
    }

    @Override
    public List<PreviewItem> preview(FleetSnapshot fleet, Instant from, Instant until) {
        TreeSet<Instant> runs = new TreeSet<>();
        runs.add(from);
        for (ScheduledNotice s : planner.calendar().scheduled()) {
            if (s.sendAt().isAfter(from) && s.sendAt().isBefore(until)) runs.add(s.sendAt());
        }
        List<PreviewItem> items = new ArrayList<>();
        for (Member m : fleet.members()) {
            if (fleet.notOnRoster().contains(m.id())) continue;
            Set<String> sent = new HashSet<>(fleet.stagesSent(m.id()));
            MemberSnapshot base = new MemberSnapshot(m, fleet.devicesOf(m.id()), fleet.exemptionsOf(m.id()), Set.of(),
                    fleet.attestedAt(m.id()).orElse(null));
            for (Instant run : runs) {
                NoticeDecision decision = planner.due(base.withSent(sent), run);
                for (DueNotice n : decision.due()) {
                    sent.add(n.stage().id());
                    String when = n.dueAt().isBefore(run) ? " (catch-up: due " + n.dueAt() + ")" : "";
                    items.add(new PreviewItem(run, function(), "send " + n.stage().id(), m.id(), null, false,
                            n.stage().kind().wireName() + " notice, member " + n.standing().wireName() + when));
                }
            }
            if (m.active() && !m.mailBlocked()) exemptionItems(fleet, m, from, until, items);
        }
        return items;
    }

    private void exemptionItems(FleetSnapshot fleet, Member m, Instant from, Instant until, List<PreviewItem> items) {
        for (Exemption e : fleet.exemptionsOf(m.id())) {
            if (e.status() != ExemptionStatus.GRANTED) continue;
            if (e.expires().isAfter(from) && !fleet.recorded(m.id(), ExemptionNoticePlan.key(e.id(), StageKind.EXEMPTION_GRANTED))) {
                add(items, from, until, "send exemption-granted", m, e, "granted notice not yet asked for (catch-up)");
            }
            if (exemptionNotices.getsExpiringNotice(e) && !fleet.recorded(m.id(), ExemptionNoticePlan.key(e.id(), StageKind.EXEMPTION_EXPIRING))) {
                Instant at = max(exemptionNotices.expiringFrom(e), from);
                if (at.isBefore(e.expires())) add(items, at, until, "send exemption-expiring", m, e, "exemption " + e.id() + " ends " + e.expires());
            }
            if (!fleet.recorded(m.id(), ExemptionNoticePlan.key(e.id(), StageKind.EXEMPTION_EXPIRED))) {
                add(items, max(e.expires(), from), until, "send exemption-expired", m, e, "exemption " + e.id() + " ended " + e.expires());
            }
        }
    }

    private void add(List<PreviewItem> items, Instant at, Instant until, String action, Member m, Exemption e, String detail) {
        if (!at.isBefore(until)) return;
        StageKind kind = StageKind.parse(action.substring("send ".length()));
        if (policy.notices().sendsNone(kind)) {
            // Shown, not left out: the occasion happens, and the policy says nobody is told (notices.notSent).
            items.add(new PreviewItem(at, function(), "no " + kind.wireName() + " notice", m.id(), e.device(), false,
                    detail + "; the policy sends none of this kind (notices.notSent)"));
            return;
        }
        items.add(new PreviewItem(at, function(), action, m.id(), e.device(), false, detail));
    }

    static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
