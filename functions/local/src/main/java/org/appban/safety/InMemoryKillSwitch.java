package org.appban.safety;

/** Embedded kill switch for the rehearsal and unit tests. */
public final class InMemoryKillSwitch implements KillSwitch {
    private volatile State state = State.OFF;

    @Override
    public State read() {
        return state;
    }

    @Override
    public void set(boolean engaged, String by, String reason) {
        state = engaged ? new State(true, by, reason) : State.OFF;
    }
}
