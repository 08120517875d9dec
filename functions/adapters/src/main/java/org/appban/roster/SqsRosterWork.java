package org.appban.roster;

import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The roster function's work queue (ROSTER_WORK_QUEUE_URL), whose messages invoke the function again. */
public final class SqsRosterWork implements RosterWork {
    /** The same hand-on as every other round's ({@link org.appban.work.SqsWork}); the roster's cursor is its own. */
    private final org.appban.work.SqsWork queue;

    public SqsRosterWork(Supplier<SqsClient> sqs, String queueUrl) {
        this.queue = new org.appban.work.SqsWork(sqs, queueUrl);
    }

    @Override
    public void handOn(RosterContinuation next) {
        queue.send(next.toJson());
    }
}
