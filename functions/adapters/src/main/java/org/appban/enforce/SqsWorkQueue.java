package org.appban.enforce;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** The work queue as the SQS queue named by TRIGGER_QUEUE_URL: ten messages per call, failed entries sent again. */
public final class SqsWorkQueue implements WorkQueue {
    private static final int BATCH = 10;
    private static final int ATTEMPTS = 5;
    private final Supplier<SqsClient> sqs;
    private final String queueUrl;

    public SqsWorkQueue(SqsClient sqs, String queueUrl) {
        this(() -> sqs, queueUrl);
    }

    /** With the client built on first use: a run that never calls Sqs never pays for building its client (cold start). */
    public SqsWorkQueue(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void enqueue(List<DeviceWork> work) {
        for (int from = 0; from < work.size(); from += BATCH) {
            List<SendMessageBatchRequestEntry> pending = new ArrayList<>();
            List<DeviceWork> chunk = work.subList(from, Math.min(work.size(), from + BATCH));
            for (int i = 0; i < chunk.size(); i++) {
                pending.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(DeviceWorkJson.write(chunk.get(i))).build());
            }
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                List<SendMessageBatchRequestEntry> batch = pending;
                SendMessageBatchResponse r = sqs.get().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
                if (r.failed().isEmpty()) break;
                if (attempt >= ATTEMPTS) {
                    BatchResultErrorEntry e = r.failed().get(0);
                    throw new IllegalStateException("SQS refused " + r.failed().size() + " work item(s) after " + attempt + " attempts: "
                            + e.code() + " " + e.message());
                }
                List<String> failedIds = r.failed().stream().map(BatchResultErrorEntry::id).toList();
                pending = batch.stream().filter(x -> failedIds.contains(x.id())).toList();
            }
        }
    }
}
