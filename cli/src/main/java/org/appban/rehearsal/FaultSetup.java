package org.appban.rehearsal;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.appban.ports.Ledger;
import org.appban.ports.Mailer;
import org.appban.sim.Simulators;

/**
 * Faults a rehearsal runs under (the fault bench's): the simulators' fault settings, decorators around the ledger
 * and the mail provider (crashes, throttling), how often the platform retries a trigger that failed, and a look at
 * the simulators before they close (their request logs).
 *
 * @param simulators      configures the started simulators (fault rates), and may keep them to act mid-run
 * @param ledger          wraps the in-memory ledger (e.g. one that crashes once at the Nth append of an action)
 * @param mailer          wraps the outbox (e.g. one that throws {@link Mailer.Throttled} at a rate)
 * @param platformRetries how many more times a trigger that threw is run, as Lambda retries an async invocation
 * @param beforeTrigger   runs before each trigger (e.g. expiring the simulators' tokens at some of them)
 * @param atEnd           sees the simulators after the last trigger, before they close
 * @param remote          adjusts the API clients' options (e.g. a compressed sleeper, so backoffs do not take real minutes)
 */
public record FaultSetup(Consumer<Simulators> simulators, UnaryOperator<Ledger> ledger, UnaryOperator<Mailer> mailer,
                         int platformRetries, Consumer<String> beforeTrigger, Consumer<Simulators> atEnd,
                         UnaryOperator<org.appban.remote.RemoteOptions> remote) {
    public static final FaultSetup NONE = new FaultSetup(s -> { }, l -> l, m -> m, 0, t -> { }, s -> { }, r -> r);
}
