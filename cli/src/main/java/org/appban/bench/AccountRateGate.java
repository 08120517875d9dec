package org.appban.bench;

import java.util.ArrayDeque;
import org.appban.mail.OutgoingMail;
import org.appban.mail.Mailer;

/**
 * Plays the SES account's own maximum send rate, which the emulator does not enforce: more than {@code perSecond}
 * requests within a second are refused with SES's throttling answer, so the benchmark exercises the client's
 * backing off when its configured rate is above the account's.
 */
final class AccountRateGate implements Mailer {
    private final Mailer inner;
    private final int perSecond;
    private final ArrayDeque<Long> recent = new ArrayDeque<>();

    AccountRateGate(Mailer inner, int perSecond) {
        this.inner = inner;
        this.perSecond = perSecond;
    }

    @Override
    public String send(OutgoingMail mail) {
        synchronized (this) {
            long now = System.nanoTime();
            while (!recent.isEmpty() && now - recent.peekFirst() >= 1_000_000_000L) recent.pollFirst();
            if (recent.size() >= perSecond) throw new Throttled("Maximum sending rate exceeded.", false, null);
            recent.addLast(now);
        }
        return inner.send(mail);
    }
}
