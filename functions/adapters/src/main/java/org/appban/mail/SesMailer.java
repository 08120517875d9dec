package org.appban.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.MailFromDomainNotVerifiedException;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/**
 * Sends through Amazon SES v2 {@code SendEmail} with Raw content: the message is ours byte for byte, sent from
 * the policy's verified identity to exactly the one recipient named in {@code Destination} (SES then ignores the
 * header recipients, one more guard against header injection).
 *
 * <p>The client must be built without SDK retries ({@code AwsClients.sesV2()} does so): an SDK retry after a
 * timeout could send the message twice, and throttling is retried above this adapter, where the rate is known.
 */
public final class SesMailer implements Mailer {
    private final Supplier<SesV2Client> ses;
    private final String configurationSet;

    /** @param configurationSet the SES configuration set that publishes bounces and complaints, or null */
    public SesMailer(SesV2Client ses, String configurationSet) {
        this(() -> ses, configurationSet);
    }

    /** With the client built on first use: a run that never calls SesV2 never pays for building its client (cold start). */
    public SesMailer(Supplier<SesV2Client> ses, String configurationSet) {
        this.ses = ses;
        this.configurationSet = configurationSet;
    }

    @Override
    public String send(OutgoingMail mail) {
        SendEmailRequest.Builder request = SendEmailRequest.builder()
                .fromEmailAddress(mail.from().value())
                .destination(d -> d.toAddresses(mail.recipient().value()))
                .content(c -> c.raw(r -> r.data(SdkBytes.fromByteArrayUnsafe(mail.mime().bytes()))))
                .emailTags(tags(mail.tags()));
        if (configurationSet != null) request.configurationSetName(configurationSet);
        try {
            return ses.get().sendEmail(request.build()).messageId();
        } catch (TooManyRequestsException | LimitExceededException e) {
            throw throttled(e);
        } catch (MessageRejectedException | BadRequestException e) {
            throw new Rejected(code(e), message(e), false, e);
        } catch (AccountSuspendedException | SendingPausedException | MailFromDomainNotVerifiedException | NotFoundException e) {
            throw new Rejected(code(e), message(e), true, e);
        } catch (AwsServiceException e) {
            if (e.isThrottlingException()) throw throttled(e);
            throw e;
        }
    }

    private static Throttled throttled(AwsServiceException e) {
        String message = message(e);
        return new Throttled(message, message.toLowerCase(Locale.ROOT).contains("daily message quota"), e);
    }

    private static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? e.getClass().getSimpleName() : e.awsErrorDetails().errorCode();
    }

    private static String message(AwsServiceException e) {
        String m = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return m == null ? String.valueOf(e.getMessage()) : m;
    }

    /** SES tag names and values allow letters, digits, '_' and '-' only. */
    private static List<MessageTag> tags(Map<String, String> tags) {
        List<MessageTag> out = new ArrayList<>();
        tags.forEach((k, v) -> out.add(MessageTag.builder().name(tagText(k)).value(tagText(v)).build()));
        return out;
    }

    private static String tagText(String s) {
        String t = s.replaceAll("[^A-Za-z0-9_-]", "_");
        return t.isEmpty() ? "_" : t.length() > 256 ? t.substring(0, 256) : t;
    }
}
