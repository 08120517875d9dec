package org.appban.remote;

/** A budget as one client draws on it: in this process only ({@link TokenBucket}) or shared by every container. */
public interface RateLimit {
    Budget budget();

    /** Blocks (through the sleeper) until one request's worth of the budget is this caller's. */
    void take(Sleeper sleeper) throws InterruptedException;

    /**
     * Takes one request's worth if it is there without waiting (a batch being filled sends what it has rather than
     * holding permits while it waits for more); false when taking one would mean waiting.
     */
    boolean takeNow();

    /**
     * The permit this caller just took was not used (another budget of the same request had none now): it goes back
     * to this caller's batch if that still holds it, as if never taken. Without it the permit would lapse, and a
     * request drawing on two budgets would waste the scarcer one whenever the other was not there at once.
     */
    default void giveBack() {
    }

    /** The API said it is over budget (429): trust it over our own count and stop handing out what is left. */
    void drain();
}
