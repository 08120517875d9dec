package org.appban.remote;

/**
 * A cap on the connections open to an API at once (Jamf Pro recommends at most five per instance). A client
 * {@link #enter}s before each request and {@link #exit}s after it.
 */
public interface ConnectionLimit {
    /** Blocks (through the sleeper) until this client may send a request. */
    void enter(Sleeper sleeper) throws InterruptedException;

    void exit();

    /** No cap. */
    ConnectionLimit NONE = new ConnectionLimit() {
        @Override
        public void enter(Sleeper sleeper) {
        }

        @Override
        public void exit() {
        }
    };
}
