package org.appban.safety;

/**
 * The administrators' emergency stop for destructive actions (MDM commands, network quarantines). Read at the
 * start of every run, never cached across runs: an administrator who engages it stops the next run, not the one
 * after the next cold start.
 */
public interface KillSwitch {
    State read();

    /** Engages or disengages it; {@code by} and {@code reason} are stored with it for whoever reads it next. */
    void set(boolean engaged, String by, String reason);

    record State(boolean engaged, String by, String reason) {
        public static final State OFF = new State(false, null, null);
    }
}
