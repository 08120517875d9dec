package org.appban.notice;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.mail.Attachment;
import org.appban.mail.Email;
import org.appban.mail.EmailAddress;
import org.appban.mail.Mailbox;
import org.appban.mail.MessageIds;
import org.appban.mail.MimeWriter;
import org.appban.mail.OutgoingMail;
import org.appban.policy.BanPolicy;

/**
 * Turns a due notice into an email from the policy's sender to the member: words from the renderer, links from
 * the link issuer, MIME from the writer, a Message-ID derived from the notice's key, and on the announcement and
 * reminders the deadline as a calendar event.
 */
public final class NoticeComposer implements NoticeComposition {
    private final BanPolicy policy;
    private final NoticeLanguages renderer;
    private final MimeWriter mime;
    private final LinkIssuer links;
    private final Mailbox from;
    private final EmailAddress replyTo;
    private final DeadlineEvent deadlineEvent;

    /** A composer whose notices carry no calendar event. */
    public NoticeComposer(BanPolicy policy, NoticeRenderer renderer, MimeWriter mime, LinkIssuer links) {
        this(policy, renderer, mime, links, false);
    }

    /**
     * @param deadlineEvent whether the announcement and reminders carry the deadline as a calendar event
     *                      ({@link DeadlineEvent}), as they do in production and the rehearsal
     */
    public NoticeComposer(BanPolicy policy, NoticeRenderer renderer, MimeWriter mime, LinkIssuer links, boolean deadlineEvent) {
        this(policy, NoticeLanguages.single(renderer), mime, links, deadlineEvent);
    }

    /** A composer that writes each member's notices in their language ({@link NoticeLanguages}). */
    public NoticeComposer(BanPolicy policy, NoticeLanguages languages, MimeWriter mime, LinkIssuer links, boolean deadlineEvent) {
        this.policy = policy;
        this.renderer = languages;
        this.mime = mime;
        this.links = links;
        this.from = Mailbox.of(policy.sender().name(), policy.sender().address());
        this.replyTo = policy.sender().replyTo() == null ? null : EmailAddress.of(policy.sender().replyTo());
        this.deadlineEvent = deadlineEvent ? new DeadlineEvent(policy, from.address().domain()) : null;
    }

    /**
     * @throws EmailAddress.InvalidAddressException when the member's address cannot be mailed to (the roster's
     *         problem: reported, nothing claimed, so the notice goes out once the address is fixed)
     */
    @Override
    public ComposedNotice compose(DueNotice notice, Instant now) {
        EmailAddress to = EmailAddress.of(notice.member().email());
        String key = notice.key(policy.id());
        NoticeLinks memberLinks = links.linksFor(notice.member(), notice.stage(), now);
        RenderedNotice words = renderer.render(notice, memberLinks, now);
        List<Attachment> attachments = deadlineEvent != null && deadlineEvent.carries(notice, now)
                ? List.of(deadlineEvent.attachment(notice, renderer.renderCalendar(notice, memberLinks, now), now))
                : List.of();
        Email email = new Email(from, new Mailbox(notice.member().name(), to), replyTo, words.subject(), words.text(),
                words.html(), now.atZone(policy.zone()), MessageIds.forKey(key, from.address().domain()), attachments);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("policy", policy.id());
        tags.put("stage", notice.stage().id());
        tags.put("kind", notice.stage().kind().wireName());
        tags.put("member", notice.member().id());
        return new ComposedNotice(key, notice, words, new OutgoingMail(from.address(), to, mime.write(email), tags));
    }
}
