package org.appban.roster;

/**
 * Where an import that ran out of time hands on the rest: on AWS the function's own work queue (SQS, which invokes
 * it again: {@link SqsRosterWork}), so a roster of any size completes across invocations without failing on purpose.
 */
@FunctionalInterface
public interface RosterWork {
    void handOn(RosterContinuation next);

    /** No queue: the import is never cut short (the rehearsal, tests without a time limit). */
    RosterWork NONE = next -> {
        throw new IllegalStateException("no roster work queue to hand " + next + " on to");
    };
}
