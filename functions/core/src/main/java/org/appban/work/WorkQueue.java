package org.appban.work;

/**
 * A function's own work queue: what it hands on is delivered back to it as a new invocation (on AWS an SQS queue
 * with an event source mapping, {@link SqsWork}). A round that cannot finish in one invocation hands the rest on
 * here instead of failing on purpose for Lambda's retries.
 */
@FunctionalInterface
public interface WorkQueue {
    /** Queues one message body; throws when it is not queued (the caller has not finished, so nothing is lost). */
    void send(String body);
}
