package org.appban.work;

import java.util.List;

/**
 * The messages a function's own work queue delivered in one invocation, as the Lambda edge read them from the queue's
 * event (an SQS batch): each message's id and body, nothing of the envelope. A record the edge could not read whole
 * still becomes a message (an id from its position, an empty body), so that the gate refuses and records it like any
 * other bad message instead of the whole batch being lost with it.
 */
public record WorkBatch(List<Message> messages) {
    public WorkBatch {
        messages = List.copyOf(messages);
    }

    /** One message: the queue's id for it (what a refusal is recorded under) and its body, as sent. */
    public record Message(String id, String body) {
        public Message {
            if (id == null || id.isBlank()) throw new IllegalArgumentException("a message needs an id");
            if (body == null) throw new IllegalArgumentException("a message's body may be empty, not null");
        }
    }

    public static WorkBatch of(String id, String body) {
        return new WorkBatch(List.of(new Message(id, body)));
    }
}
