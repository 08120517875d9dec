package org.appban.testing;

import java.time.Duration;

/**
 * Lambda's stop at the time limit, placed at one point of a run: the {@code at}-th call of {@link #point}, counted
 * across the run's invocations. From there the invocation is dead: every later point throws too, so nothing it
 * would have done happens; {@link #revive} starts the next invocation (a new container). It fires once.
 */
public final class TimeLimit {
    private final int at;
    private int points;
    private boolean dead;
    private boolean fired;
    private String where;

    public TimeLimit(int at) {
        this.at = at;
    }

    /** A point where the function may be stopped: before or after a call that has an effect. */
    public void point(String what) {
        if (dead) throw new Stopped(what);
        if (++points != at) return;
        dead = true;
        fired = true;
        where = what;
        throw new Stopped(what);
    }

    /** True when the invocation that just ended was stopped; the next one lives. */
    public boolean revive() {
        boolean was = dead;
        dead = false;
        return was;
    }

    public boolean fired() {
        return fired;
    }

    /** The point it fired at. */
    public String where() {
        return where;
    }

    /** {@code c}, with a point before and after each call that has an effect, and before each read. */
    public org.appban.ports.Claims around(org.appban.ports.Claims c) {
        TimeLimit kill = this;
        return new org.appban.ports.Claims() {
            public Outcome claim(String key, String holder, java.time.Instant now, Duration lease) {
                kill.point("claim " + key);
                Outcome o = c.claim(key, holder, now, lease);
                kill.point("claimed " + key);
                return o;
            }

            public void complete(String key, String holder, String outcome, java.time.Instant now) {
                kill.point("complete " + key);
                c.complete(key, holder, outcome, now);
                kill.point("completed " + key);
            }

            public void release(String key, String holder) {
                kill.point("release " + key);
                c.release(key, holder);
                kill.point("released " + key);
            }

            public void note(String key, String value, java.time.Instant now) {
                kill.point("note " + key);
                c.note(key, value, now);
                kill.point("noted " + key);
            }

            public java.util.Optional<State> state(String key) {
                kill.point("read " + key);
                return c.state(key);
            }

            public java.util.Map<String, State> states(java.util.Collection<String> keys) {
                kill.point("read " + keys.size() + " claims");
                return c.states(keys);
            }
        };
    }

    /** Not an exception: nothing in the function may catch it, as nothing can catch Lambda's stop. */
    public static final class Stopped extends Error {
        Stopped(String where) {
            super("stopped at the time limit: " + where, null, false, false);
        }
    }
}
