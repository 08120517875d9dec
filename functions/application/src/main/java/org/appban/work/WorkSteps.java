package org.appban.work;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A round's steps as its function's own work queue delivers them, whatever the round does: the part the functions
 * share, so each says only what one step of its round is. For each message of an SQS batch:
 * <ol>
 *   <li>the {@link ContinuationGate} lets it in, or refuses it (recorded, the message consumed), or finds it held by
 *       a live invocation (given back to the queue as a batch item failure, which raises no error);</li>
 *   <li>the step runs ({@link Step}) and says where its part stands: finished, to be handed on at a cursor (with the
 *       part's counts), or stopped by something that time will mend (given back: the message returns after the
 *       queue's visibility timeout, and after its redrive count lands in the dead-letter queue and its alarm);</li>
 *   <li>the rest of the part is sent as the next message <em>before</em> the step is marked done: a step that could
 *       not hand on is given back and runs again from its own cursor; a step marked done is a replay from then on.</li>
 * </ol>
 * Each step's line is logged and returned in {@code steps}; {@code batchItemFailures} is what the event source
 * mapping gives back (its {@code ReportBatchItemFailures}).
 */
public final class WorkSteps {
    /** Where a step left its part. */
    public enum Status {
        /** The part has nothing left. */
        PART_DONE("part-done"),
        /** Out of time: the rest is handed on as the next message. */
        HANDED_ON("handed-on"),
        /** Stopped by something time mends (a provider's quota): the step is given back, to run again later. */
        STOPPED("stopped");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * What one step did.
     *
     * @param cursor the last item the step finished (where the next step stands); for {@link Status#HANDED_ON}
     * @param tally  the part's counts after this step, carried to the next
     * @param report what the step reports (members, devices, counts ...), logged with its status
     */
    public record Outcome(Status status, String cursor, Map<String, Long> tally, Map<String, Object> report) {
        public Outcome {
            tally = tally == null ? Map.of() : Map.copyOf(tally);
            report = report == null ? Map.of() : report;
        }

        public static Outcome partDone(Map<String, Long> tally, Map<String, Object> report) {
            return new Outcome(Status.PART_DONE, null, tally, report);
        }

        public static Outcome handOn(String cursor, Map<String, Long> tally, Map<String, Object> report) {
            return new Outcome(Status.HANDED_ON, cursor, tally, report);
        }

        public static Outcome stopped(String cursor, Map<String, Long> tally, Map<String, Object> report) {
            return new Outcome(Status.STOPPED, cursor, tally, report);
        }
    }

    /** One step of a round: the continuation the gate let in (its part, cursor and counts), run until done or short of time. */
    @FunctionalInterface
    public interface Step {
        Outcome run(Continuation step);
    }

    private final ContinuationGate gate;
    private final WorkQueue queue;

    public WorkSteps(ContinuationGate gate, WorkQueue queue) {
        this.gate = gate;
        this.queue = queue;
    }

    public ContinuationGate gate() {
        return gate;
    }

    /**
     * Starts a round: one message per part, each the part's first step. A second start of the same round (a schedule
     * delivered twice) sends the same steps, which the gate refuses as replays once the first ones ran.
     */
    public void start(String round, int parts) {
        for (int part = 0; part < parts; part++) queue.send(gate.format().write(Continuation.start(gate.kind(), gate.queue(), round, part, parts)));
    }

    /**
     * Runs a batch of the queue's messages.
     *
     * @param batch           the messages, as the Lambda edge read them from the queue's event
     * @param runId           this invocation (its request id): the holder of the steps it admits
     * @param remainingMillis the invocation's time left when it started (0 or less: unknown), for the steps' leases
     * @param log             where each step's line goes (the function's log, which writes it as one JSON line)
     */
    public Map<String, Object> run(WorkBatch batch, String runId, long remainingMillis, Step step, Consumer<Map<String, Object>> log) {
        List<Map<String, Object>> steps = new ArrayList<>();
        List<Map<String, String>> failures = new ArrayList<>();
        for (WorkBatch.Message message : batch.messages()) {
            String messageId = message.id();
            // A little longer than the invocation may live: a live step is never taken over, a dead one soon is.
            Duration lease = Duration.ofMillis(remainingMillis <= 0 ? 15 * 60_000 : remainingMillis).plusSeconds(30);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("trigger", "continuation");
            line.put("messageId", messageId);
            switch (gate.admit(message.body(), messageId, runId, lease)) {
                case ContinuationGate.Refused r -> {
                    line.put("status", "refused");
                    line.put("reason", r.reason());
                    line.put("detail", r.detail());
                }
                case ContinuationGate.Busy b -> {
                    line.put("status", "busy");
                    line.put("step", b.id());
                    failures.add(Map.of("itemIdentifier", messageId));
                }
                case ContinuationGate.Admitted a -> {
                    line.putAll(run(a, step));
                    if (Status.STOPPED.wireName().equals(line.get("status"))) failures.add(Map.of("itemIdentifier", messageId));
                }
            }
            log.accept(line);
            steps.add(line);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batchItemFailures", failures);
        out.put("steps", steps);
        return out;
    }

    private Map<String, Object> run(ContinuationGate.Admitted a, Step step) {
        Continuation c = a.continuation();
        Outcome o;
        try {
            o = step.run(c);
            // The rest first, the mark after: a step that dies in between is run again (its work is idempotent),
            // never lost; one whose message cannot be sent is given back, and its redelivery runs it again.
            if (o.status() == Status.HANDED_ON) queue.send(gate.format().write(c.next(o.cursor(), o.tally())));
        } catch (RuntimeException e) {
            gate.release(a);
            throw e;
        }
        if (o.status() == Status.STOPPED) gate.release(a);
        else gate.done(a, o.status().wireName());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", o.status().wireName());
        out.put("round", c.round());
        out.put("part", c.part());
        out.put("parts", c.parts());
        out.put("step", c.step());
        out.putAll(o.report());
        out.put("handedOn", o.status() == Status.HANDED_ON);
        if (o.cursor() != null) out.put("cursor", o.cursor());
        if (!o.tally().isEmpty()) out.put("tally", new java.util.TreeMap<>(o.tally()));
        return out;
    }
}
