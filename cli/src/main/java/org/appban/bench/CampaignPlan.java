package org.appban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * How many rounds of each function a campaign runs, from its policy and template.yaml's schedules: the announcement
 * to two weeks after the deadline (as {@code ./appban rehearse} runs it); the inventory sync hourly; notify daily, a
 * full round (every member mailed) on each roster-wide stage (announcement, reminders, deadline, overdue) and a
 * round with nothing due on the other days; network access daily once the grace after the deadline is over (the
 * first quarantines, the others find the fleet as the day before); the exemption sweep daily. Pure.
 *
 * @param days        the campaign's length in days
 * @param stageRounds notify rounds that mail the roster
 * @param accessDays  network access's daily runs after the grace period
 */
public record CampaignPlan(int days, int stageRounds, int accessDays) {
    public static final int DAYS_AFTER_DEADLINE = 14;
    private static final Set<String> ROSTER_WIDE = Set.of("announcement", "reminder", "deadline", "overdue");

    public CampaignPlan {
        if (days < 1 || stageRounds < 0 || stageRounds > days || accessDays < 0 || accessDays > days) {
            throw new IllegalArgumentException("not a campaign: " + days + " days, " + stageRounds + " stage rounds, " + accessDays + " access days");
        }
    }

    /** From a policy file's JSON (announcement, deadline, stages, privateDevices.graceDays). */
    public static CampaignPlan of(JsonNode policy) {
        LocalDate announcement = LocalDate.parse(policy.path("announcement").asText());
        LocalDate deadline = LocalDate.parse(policy.path("deadline").asText().substring(0, 10));
        int days = (int) ChronoUnit.DAYS.between(announcement, deadline) + DAYS_AFTER_DEADLINE;
        int stages = 0;
        for (JsonNode s : policy.path("notices").path("stages")) if (ROSTER_WIDE.contains(s.path("kind").asText())) stages++;
        int grace = policy.path("privateDevices").path("graceDays").asInt();
        return new CampaignPlan(days, Math.min(stages, days), Math.max(0, DAYS_AFTER_DEADLINE - grace));
    }

    public int inventoryRounds() {
        return 24 * days;
    }

    public int notifyQuietRounds() {
        return days - stageRounds;
    }

    public int sweepRounds() {
        return days;
    }

    /**
     * The SQS requests Lambda's event source mappings make while the queues are idle: five pollers each long-polling
     * (20 s) per queue, three receives a minute each, for the whole campaign; the bench counts the receives and
     * deletes of the batches it delivers separately.
     *
     * <p>Why five: Lambda's guide ("Configuring scaling behavior for SQS event source mappings", read 2026-12) says
     * it long-polls a standard queue until it becomes active, processes five batches at a time, scales back to five
     * when traffic is low, and can go down to two to save SQS calls, but not when the mapping sets a maximum
     * concurrency, which all of template.yaml's SQS mappings do. The guide names no wait time; 20 s is SQS's longest,
     * so this is the fewest receives five pollers can make (a lower bound). It is a cost of the stack being deployed,
     * whatever the organisation's size: per queue and day, 5 x 3 x 1,440 = 21,600 receives (US$0.0086 at US$0.40 a
     * million).
     */
    public long idlePolls(int queues) {
        return (long) queues * 5 * 3 * 60 * 24 * days;
    }

    /**
     * The queues template.yaml maps to a function (an event source mapping or a SAM SQS event), which Lambda polls
     * while they are idle: {@link #idlePolls}'s count, read from the template so that it follows the stack.
     */
    public static java.util.SortedSet<String> mappedQueues(JsonNode template) {
        java.util.SortedSet<String> queues = new java.util.TreeSet<>();
        ScaleBench.functions(template).values().forEach(f -> f.sources().forEach(q -> queues.add(q.queue())));
        return queues;
    }
}
