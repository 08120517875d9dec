package org.appban.roster;

import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The roster function's work queue (ROSTER_WORK_QUEUE_URL), whose messages invoke the function again. */
public final class SqsRosterWork implements RosterWork {
    private final Supplier<SqsClient> sqs;
    private final String queueUrl;

    public SqsRosterWork(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void handOn(RosterContinuation next) {
        sqs.get().sendMessage(b -> b.queueUrl(queueUrl).messageBody(next.toJson()));
    }
}
