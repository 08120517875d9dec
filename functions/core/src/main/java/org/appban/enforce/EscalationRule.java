package org.appban.enforce;

import java.time.Instant;
import org.appban.domain.AppPresence;
import org.appban.policy.BanPolicy;

/**
 * When a corporate device that keeps the app is escalated (recorded, reported to the administrators, and its member
 * sent the removal-escalated notice). The one statement of the rule: the planner decides with it, for devices the
 * MDM can clean and for those it cannot alike, and the worker acts on the planner's decision without deciding again.
 *
 * <p>A device is escalated once, when the policy's {@code escalateAfterDays} have passed in the policy's zone since
 * it came into scope (the deadline, or the end of its exemption) and the inventory still lists the app. Days are
 * counted on the local calendar, so a day across a daylight-saving change is still one day.
 */
public final class EscalationRule {
    private final BanPolicy policy;

    public EscalationRule(BanPolicy policy) {
        this.policy = policy;
    }

    /** The first instant a device in scope since {@code inScopeSince} can be escalated. */
    public Instant dueAt(Instant inScopeSince) {
        return inScopeSince.atZone(policy.zone()).plusDays(policy.enforcement().escalateAfterDays()).toInstant();
    }

    /**
     * Whether the device is escalated now.
     *
     * @param presence         what the inventory says of the app on it: only PRESENT counts (an inventory that has not
     *                         said is not evidence the member kept it)
     * @param alreadyEscalated an escalation is recorded for this time in scope
     */
    public boolean due(AppPresence presence, Instant inScopeSince, Instant now, boolean alreadyEscalated) {
        return presence == AppPresence.PRESENT && !now.isBefore(dueAt(inScopeSince)) && !alreadyEscalated;
    }
}
