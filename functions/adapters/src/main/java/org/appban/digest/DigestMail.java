package org.appban.digest;

import java.time.Instant;
import java.util.List;
import org.appban.admin.CampaignHistory;
import org.appban.mail.Email;
import org.appban.mail.EmailAddress;
import org.appban.mail.Mailbox;
import org.appban.mail.MessageIds;
import org.appban.mail.MimeEmail;
import org.appban.mail.MimeWriter;
import org.appban.policy.BanPolicy;

/**
 * The digest as the administrators get it: {@link DigestPage}'s HTML and text as one MIME message from the policy's
 * sender, and the day's figures as {@link CampaignMetrics} lines. The status link is the policy's
 * {@code adminDigest.statusUrl}, else the deployment's (may be null).
 */
public final class DigestMail implements DigestComposition {
    private final BanPolicy policy;
    private final DigestPage page;
    private final MimeWriter mime;
    private final String statusLink;

    public DigestMail(BanPolicy policy, MimeWriter mime, String statusLink) {
        this.policy = policy;
        this.page = new DigestPage(policy);
        this.mime = mime;
        this.statusLink = policy.digest().map(BanPolicy.AdminDigest::statusUrl).orElse(statusLink);
    }

    @Override
    public String subject(DigestContent content) {
        return page.subject(content);
    }

    @Override
    public MimeEmail message(DigestContent content, EmailAddress to, String messageKey) {
        Mailbox from = Mailbox.of(policy.sender().name(), policy.sender().address());
        return mime.write(new Email(from, new Mailbox("", to), null, page.subject(content), page.text(content, statusLink),
                page.html(content, statusLink), content.until().atZone(policy.zone()), MessageIds.forKey(messageKey, from.address().domain())));
    }

    @Override
    public List<String> metrics(CampaignHistory.History history, Instant at) {
        return CampaignMetrics.lines(policy.id(), history, policy.zone(), at);
    }
}
