package org.appban.rehearsal;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.appban.fleet.FleetEnforcement;
import org.appban.inventory.DeviceEvents;
import org.appban.network.NetworkAccess;
import org.appban.notice.NoticeRequests;
import org.appban.ports.Ledger;
import org.appban.mail.Mailer;
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
 * @param budgetScale     multiplies the APIs' published budgets on both sides (the simulators' and the clients' token
 *                        buckets) alike: budgets are per real second, while a rehearsal passes a simulated hour between
 *                        two inventory syncs in a fraction of one; 1 keeps them as published
 */
public record FaultSetup(Consumer<Simulators> simulators, UnaryOperator<Ledger> ledger, UnaryOperator<Mailer> mailer,
                         int platformRetries, Consumer<String> beforeTrigger, Consumer<Simulators> atEnd,
                         UnaryOperator<org.appban.remote.RemoteOptions> remote, double budgetScale, Decorators decorators) {
    public static final FaultSetup NONE = new FaultSetup(s -> { }, l -> l, m -> m, 0, t -> { }, s -> { }, r -> r);

    public FaultSetup(Consumer<Simulators> simulators, UnaryOperator<Ledger> ledger, UnaryOperator<Mailer> mailer,
                      int platformRetries, Consumer<String> beforeTrigger, Consumer<Simulators> atEnd,
                      UnaryOperator<org.appban.remote.RemoteOptions> remote) {
        this(simulators, ledger, mailer, platformRetries, beforeTrigger, atEnd, remote, 1.0, Decorators.NONE);
    }

    /**
     * Wrappers around the side-effect ports the functions use (the NAC, each MDM, the notice requests they publish,
     * the device events inventory publishes): where the fault bench makes the process die just after a side effect.
     */
    public interface Decorators {
        Decorators NONE = new Decorators() {
        };

        default NetworkAccess nac(NetworkAccess nac) {
            return nac;
        }

        default FleetEnforcement mdm(FleetEnforcement mdm) {
            return mdm;
        }

        /** @param source the publishing function's event source (appban.network, appban.enforce, appban.admin) */
        default NoticeRequests requests(String source, NoticeRequests requests) {
            return requests;
        }

        default DeviceEvents deviceEvents(DeviceEvents events) {
            return events;
        }

        /** Wraps one invocation with all its retries (a trigger, or one subscriber's delivery of an event). */
        default Runnable invocation(String id, Runnable withRetries) {
            return withRetries;
        }
    }
}
