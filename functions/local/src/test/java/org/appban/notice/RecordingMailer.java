package org.appban.notice;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.appban.mail.OutgoingMail;
import org.appban.mail.Mailer;

/** A mailer that keeps what it was given; {@code before} can make it wait, refuse or fail. */
final class RecordingMailer implements Mailer {
    final List<OutgoingMail> sent = new ArrayList<>();
    volatile Consumer<OutgoingMail> before = m -> { };
    volatile Consumer<OutgoingMail> after = m -> { };

    @Override
    public String send(OutgoingMail mail) {
        before.accept(mail);
        String id;
        synchronized (this) {
            sent.add(mail);
            id = "ses-" + sent.size();
        }
        after.accept(mail);
        return id;
    }

    synchronized int count() {
        return sent.size();
    }
}
