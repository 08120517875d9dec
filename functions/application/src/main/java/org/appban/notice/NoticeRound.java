package org.appban.notice;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.appban.domain.Actor;
import org.appban.work.Continuation;
import org.appban.work.WorkBatch;
import org.appban.work.WorkSteps;

/**
 * The daily notice round as queued work, for a roster no invocation mails whole. The schedule does not send: it hands
 * the round on as {@code parts} messages, one per part of the roster, and the queue's workers run the parts at once,
 * sharing the account's sending rate. A worker that runs short of time hands the rest of its part on as the next
 * message, standing at the last member it finished, and ends normally: no failure, no alarm, and a member already
 * mailed meets their claim (nothing is sent twice). A step the provider stopped (daily quota used up, sending paused)
 * is given back and its message returns after the queue's visibility timeout. Every step reports what it did
 * (members, whether it handed on), for the bench and the log's metrics.
 */
public final class NoticeRound {
    public static final String KIND = "notify-round";
    /** Most per-member lines a step's or a scheduled run's report carries (the counts cover everyone). */
    public static final int ATTENTION_LINES = 200;

    private final NotifyMembers notify;
    private final WorkSteps work;
    private final int parts;
    private final Clock clock;

    /** @param parts how many parts (workers at once) a round is cut into */
    public NoticeRound(NotifyMembers notify, WorkSteps work, int parts, Clock clock) {
        if (parts < 1 || parts > 1000) throw new IllegalArgumentException("parts must be from 1 to 1000, was " + parts);
        if (!work.gate().kind().equals(KIND)) throw new IllegalArgumentException("the gate lets in " + work.gate().kind() + ", not " + KIND);
        this.notify = notify;
        this.work = work;
        this.parts = parts;
        this.clock = clock;
    }

    /**
     * The schedule's round, handed on as one message per part: the round is named by the schedule and the day, so a
     * second delivery of the same schedule event hands on the same steps, which the gate refuses as replays.
     */
    public Map<String, Object> start(String schedule) {
        // The policy's day, as its calendar counts them (a schedule delivered twice names the same day).
        String round = schedule + "/" + LocalDate.ofInstant(clock.instant(), notify.policy().zone());
        work.start(round, parts);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", "schedule");
        out.put("status", "handed-on");
        out.put("schedule", schedule);
        out.put("round", round);
        out.put("parts", parts);
        return out;
    }

    /**
     * A batch from the round's queue, each message one step of a part ({@link WorkSteps}: let in by the gate, run
     * until the part ends or time runs short, the rest handed on, the step marked done).
     *
     * @param remainingMillis the invocation's time left
     * @param continuing      when a step stops starting members
     */
    public Map<String, Object> steps(WorkBatch batch, String runId, long remainingMillis, RunBudget continuing, Consumer<Map<String, Object>> log) {
        // The step is held for its time left plus a notice's lease: a member it claims in its last moment stays
        // claimed that long after a kill, and a redelivery inside that window would count the member as being sent
        // and step over it, leaving them for the next day. Held, the step goes back to the queue instead (NotifyWork's
        // visibility timeout, 90 minutes, is longer than both together: NotifyRoundTest).
        long held = remainingMillis + notify.noticeLease().toMillis();
        return work.run(batch, runId, held, c -> step(c, runId, continuing), log);
    }

    private WorkSteps.Outcome step(Continuation c, String runId, RunBudget continuing) {
        String schedule = c.round().contains("/") ? c.round().substring(0, c.round().indexOf('/')) : c.round();
        NotifyMembers.PartResult r = notify.runPart(c.part(), c.parts(), c.cursor(), Actor.schedule(schedule), runId, continuing);
        boolean handOn = !r.finished() && NotifyMembers.OUT_OF_TIME.equals(r.report().stoppedBy());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("members", r.members());
        out.put("counts", r.report().counts());
        if (r.report().stoppedBy() != null) out.put("stoppedBy", r.report().stoppedBy());
        List<Map<String, Object>> attention = new ArrayList<>();
        for (NotifyReport.MemberResult m : r.report().members()) {
            if (!routine(m) && attention.size() < ATTENTION_LINES) attention.add(line(m));
        }
        if (!attention.isEmpty()) out.put("attention", attention);
        if (r.finished()) return WorkSteps.Outcome.partDone(Map.of(), out);
        return handOn ? WorkSteps.Outcome.handOn(r.cursor(), Map.of(), out) : WorkSteps.Outcome.stopped(r.cursor(), Map.of(), out);
    }

    /** A member's result that needs nobody's attention: sent, sent before, or nothing due. */
    public static boolean routine(NotifyReport.MemberResult m) {
        return m.result().equals("sent") || m.result().equals("already-sent") || m.result().startsWith("skipped:");
    }

    /** A member's result as a report lists it. */
    public static Map<String, Object> line(NotifyReport.MemberResult m) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("member", m.member());
        if (m.stage() != null) l.put("stage", m.stage());
        if (m.kind() != null) l.put("kind", m.kind());
        l.put("result", m.result());
        if (m.providerMessageId() != null) l.put("providerMessageId", m.providerMessageId());
        if (m.takenOver()) l.put("takenOver", true);
        if (m.detail() != null) l.put("detail", m.detail());
        return l;
    }
}
