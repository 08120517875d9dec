package org.appban.work;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.appban.input.InputProblem;
import org.appban.input.InvalidInputException;
import org.appban.ports.Claims;
import org.appban.ports.Ledger;

/**
 * What a function lets in from its work queue. A message is refused, and the refusal recorded in the fleet's ledger
 * chain (once per SQS message), when it is:
 * <ul>
 *   <li>malformed (not a {@link Continuation});</li>
 *   <li>of another kind of round, or handed to another queue than this function's own (another stage's, or forged);</li>
 *   <li>replayed: the step it names was done already (a claim in the claims table, completed when the step ends);</li>
 *   <li>past {@link Continuation#MAX_STEPS} (a part that loops rather than progresses).</li>
 * </ul>
 * A step that a live invocation holds right now (SQS delivers a message twice, now and then) is {@link Busy}: it goes
 * back to the queue, and when its holder dies the claim's lease runs out and the next delivery takes it over.
 * What is recorded names the reason, the message id and a hash of the body, never the body: it may carry anything.
 */
public final class ContinuationGate {
    public static final String REFUSED = "continuation.refused";

    public sealed interface Verdict {
    }

    /** Run this step; {@link #done} when it has handed on what is left. */
    public record Admitted(Continuation continuation, String holder) implements Verdict {
    }

    /** Not run, recorded; the message is consumed. */
    public record Refused(String reason, String detail) implements Verdict {
    }

    /** Held by a live invocation: the message goes back to the queue. */
    public record Busy(String id) implements Verdict {
    }

    private final String kind;
    private final String queue;
    private final ContinuationFormat format;
    private final Claims claims;
    private final Ledger ledger;
    private final Clock clock;
    private final java.util.function.Function<Continuation, String> check;

    /**
     * @param queue  this function's own work queue (its URL): the only one whose messages it takes
     * @param format how a message carries its continuation: what does not read as one is refused as malformed
     */
    public ContinuationGate(String kind, String queue, ContinuationFormat format, Claims claims, Ledger ledger, Clock clock) {
        this(kind, queue, format, claims, ledger, clock, c -> null);
    }

    /**
     * @param check what the round itself requires of a message beyond its shape (its round name, its cursor): null when
     *              it holds, else the problem; a message that fails it is refused as malformed and recorded
     */
    public ContinuationGate(String kind, String queue, ContinuationFormat format, Claims claims, Ledger ledger, Clock clock,
                            java.util.function.Function<Continuation, String> check) {
        this.check = check;
        this.kind = kind;
        this.queue = queue;
        this.format = format;
        this.claims = claims;
        this.ledger = ledger;
        this.clock = clock;
    }

    public String kind() {
        return kind;
    }

    public String queue() {
        return queue;
    }

    /** How this gate reads a message, and so how the round's messages are written. */
    public ContinuationFormat format() {
        return format;
    }

    /**
     * @param messageId the queue's id of the message (what a refusal is recorded under)
     * @param holder    this invocation (its request id)
     * @param lease     how long this invocation may hold the step: a little more than its time left
     */
    public Verdict admit(String body, String messageId, String holder, Duration lease) {
        Continuation c;
        try {
            c = format.read(body, "continuation " + messageId);
        } catch (InvalidInputException e) {
            return refuse("malformed", e.problems().stream().map(InputProblem::toString).toList().toString(), body, messageId, null);
        } catch (IllegalArgumentException e) {
            return refuse("malformed", e.getMessage(), body, messageId, null);
        }
        if (!c.kind().equals(kind)) return refuse("other-kind", "a " + c.kind() + " message; this function runs " + kind, body, messageId, c);
        if (!c.queue().equals(queue)) {
            return refuse("other-stage", "handed to another queue than this stage's own", body, messageId, c);
        }
        String problem = check.apply(c);
        if (problem != null) return refuse("malformed", problem, body, messageId, c);
        if (c.step() > Continuation.MAX_STEPS) {
            return refuse("too-many-steps", "part " + c.part() + " of " + c.round() + " did not finish in " + Continuation.MAX_STEPS
                    + " steps: stopped", body, messageId, c);
        }
        Instant now = clock.instant();
        return switch (claims.claim(key(c), holder, now, lease)) {
            case CLAIMED, TAKEN_OVER -> new Admitted(c, holder);
            case ALREADY_DONE -> refuse("replayed", "step " + c.step() + " of part " + c.part() + " of " + c.round() + " was done already",
                    body, messageId, c);
            case HELD_ELSEWHERE -> new Busy(c.id());
        };
    }

    /** The step is over and what was left is handed on: a redelivery of its message is a replay from now on. */
    public void done(Admitted step, String outcome) {
        claims.complete(key(step.continuation()), step.holder(), outcome, clock.instant());
    }

    /** The step could not hand on: give it back, so the message's redelivery runs it again. */
    public void release(Admitted step) {
        claims.release(key(step.continuation()), step.holder());
    }

    static String key(Continuation c) {
        return "continuation/" + c.id();
    }

    private Refused refuse(String reason, String detail, String body, String messageId, Continuation c) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("messageId", messageId);
        details.put("bodySha256", sha256(body == null ? "" : body));
        details.put("function", kind);
        if (c != null && (reason.equals("replayed") || reason.equals("too-many-steps"))) details.put("step", c.id());
        ledger.append(new LedgerRecord(clock.instant(), Actor.event("sqs:" + messageId), null, null, REFUSED, reason, false,
                "continuation-refused/" + kind + "/" + messageId, details));
        return new Refused(reason, detail);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
