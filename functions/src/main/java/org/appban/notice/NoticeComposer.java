package org.appban.notice;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.appban.mail.Email;
import org.appban.mail.EmailAddress;
import org.appban.mail.Mailbox;
import org.appban.mail.MessageIds;
import org.appban.mail.MimeWriter;
import org.appban.mail.OutgoingMail;
import org.appban.policy.BanPolicy;

/**
 * Turns a due notice into an email from the policy's sender to the member: words from the renderer, links from
 * the link issuer, MIME from the writer, a Message-ID derived from the notice's key.
 */
public final class NoticeComposer {
    private final BanPolicy policy;
    private final NoticeRenderer renderer;
    private final MimeWriter mime;
    private final LinkIssuer links;
    private final Mailbox from;
    private final EmailAddress replyTo;

    public NoticeComposer(BanPolicy policy, NoticeRenderer renderer, MimeWriter mime, LinkIssuer links) {
        this.policy = policy;
        this.renderer = renderer;
        this.mime = mime;
        this.links = links;
        this.from = Mailbox.of(policy.sender().name(), policy.sender().address());
        this.replyTo = policy.sender().replyTo() == null ? null : EmailAddress.of(policy.sender().replyTo());
    }

    /**
     * @throws EmailAddress.InvalidAddressException when the member's address cannot be mailed to (the roster's
     *         problem: reported, nothing claimed, so the notice goes out once the address is fixed)
     */
    public ComposedNotice compose(DueNotice notice, Instant now) {
        EmailAddress to = EmailAddress.of(notice.member().email());
        String key = notice.key(policy.id());
        RenderedNotice words = renderer.render(notice, links.linksFor(notice.member(), notice.stage(), now), now);
        Email email = new Email(from, new Mailbox(notice.member().name(), to), replyTo, words.subject(), words.text(),
                words.html(), now.atZone(policy.zone()), MessageIds.forKey(key, from.address().domain()));
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("policy", policy.id());
        tags.put("stage", notice.stage().id());
        tags.put("kind", notice.stage().kind().wireName());
        tags.put("member", notice.member().id());
        return new ComposedNotice(key, notice, words, new OutgoingMail(from.address(), to, mime.write(email), tags));
    }
}
