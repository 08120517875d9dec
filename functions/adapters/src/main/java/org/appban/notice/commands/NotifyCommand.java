package org.appban.notice.commands;

import org.appban.notice.NoticeRequest;
import java.util.List;
import org.appban.inventory.DeviceStatusChanged;
import org.appban.mail.MailFeedback;

/** What an invocation of notify-members asks for, once its event is read and checked ({@link NotifyCommands}). */
public sealed interface NotifyCommand {
    /** The daily EventBridge Scheduler invocation: {@code {"trigger":"schedule","schedule":"notify-daily"}}. */
    record Scheduled(String schedule) implements NotifyCommand {
    }

    /** Inventory sync saw a device change: bring that member's notices up to date now (the catch-up). */
    record DeviceChanged(String eventId, DeviceStatusChanged change) implements NotifyCommand {
    }

    /** Another function asked for an event-driven notice. */
    record Requested(String eventId, String source, NoticeRequest request) implements NotifyCommand {
    }

    /** SES reported a bounce or a complaint. */
    record FeedbackReceived(String eventId, MailFeedback feedback) implements NotifyCommand {
    }

    /** Manual: render what is due for the listed members (all when empty); send nothing. */
    record Preview(List<String> members, int limit) implements NotifyCommand {
    }

    /** Manual: send what is due now to the listed members. */
    record Send(List<String> members) implements NotifyCommand {
    }

    /** Manual: send a scheduled stage again to one member, whatever was sent before. */
    record Resend(String member, String stage, String reason, String requestId) implements NotifyCommand {
    }

    /** Manual: allow mail to a member whose address was blocked after a bounce or complaint. */
    record Unblock(String member, String reason) implements NotifyCommand {
    }

    /**
     * A manual request an administrator made through the admin function URL ({@code notify.run}), handed on as the
     * id of its run authorisation: the request and the administrator are read from the ledger, not from the event
     * ({@link org.appban.identity.RunAuthorisation}).
     */
    record Authorised(String eventId, String authorisation) implements NotifyCommand {
    }
}
