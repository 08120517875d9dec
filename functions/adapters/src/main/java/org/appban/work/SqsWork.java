package org.appban.work;

import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/** A work queue on SQS: the queue's event source mapping invokes the function with what is sent here. */
public final class SqsWork implements WorkQueue {
    private final Supplier<SqsClient> sqs;
    private final String queueUrl;

    public SqsWork(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    public String queueUrl() {
        return queueUrl;
    }

    @Override
    public void send(String body) {
        sqs.get().sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
    }
}
