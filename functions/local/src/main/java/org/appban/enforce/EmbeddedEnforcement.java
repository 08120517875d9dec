package org.appban.enforce;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.appban.domain.Actor;
import org.appban.domain.MdmKind;
import org.appban.fleet.FleetEnforcement;
import org.appban.policy.BanPolicy;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.safety.KillSwitch;

/**
 * Enforcement in one process, for the rehearsal and the benchmark: the same service, with an in-process queue that a
 * run drains before it returns, delivering each item again when it fails for now, as SQS would, up to
 * {@link #MAX_DELIVERIES} times (then it is dead-lettered, as with the queue's redrive policy).
 */
public final class EmbeddedEnforcement {
    /** As the work queue's redrive policy (maxReceiveCount) in template.yaml. */
    public static final int MAX_DELIVERIES = 5;

    private final EnforceRemoval service;
    private final InProcessWorkQueue queue;

    public EmbeddedEnforcement(EnforceRemoval service, InProcessWorkQueue queue) {
        this.service = service;
        this.queue = queue;
    }

    /** The service on embedded adapters, with its own in-process queue. */
    public static EmbeddedEnforcement of(BanPolicy policy, DeviceStore devices, ExemptionStore exemptions, Ledger ledger, Claims claims,
                                         KillSwitch killSwitch, Map<MdmKind, FleetEnforcement> mdms, EnforcementNotices notices,
                                         Clock clock) {
        InProcessWorkQueue queue = new InProcessWorkQueue();
        return new EmbeddedEnforcement(new EnforceRemoval(policy, devices, exemptions, ledger, claims, killSwitch, mdms, queue, notices, clock), queue);
    }

    public EnforceRemoval service() {
        return service;
    }

    public InProcessWorkQueue queue() {
        return queue;
    }

    /**
     * @param work        the outcome of each item's last delivery
     * @param deadLetters items still failing after {@link #MAX_DELIVERIES} deliveries
     */
    public record Result(EnforcementReport report, List<WorkOutcome> work, List<DeviceWork> deadLetters) {
        public long count(WorkOutcome.Result r) {
            return work.stream().filter(w -> w.result() == r).count();
        }
    }

    /** A run, then its fan-out, one worker. */
    public Result run(EnforceRequest request, Actor actor, String runId) {
        return run(request, actor, runId, 1);
    }

    /** A run, then its fan-out drained by {@code workers} threads (the event source mapping's concurrency). */
    public Result run(EnforceRequest request, Actor actor, String runId, int workers) {
        EnforcementReport report = service.run(request, actor, runId);
        Drained drained = drain(workers);
        return new Result(report, drained.work, drained.deadLetters);
    }

    public record Drained(List<WorkOutcome> work, List<DeviceWork> deadLetters) {
    }

    /** Works through the queue until it is empty. */
    public Drained drain(int workers) {
        List<WorkOutcome> done = Collections.synchronizedList(new ArrayList<>());
        List<DeviceWork> dead = Collections.synchronizedList(new ArrayList<>());
        Map<DeviceWork, Integer> deliveries = Collections.synchronizedMap(new IdentityHashMap<>());
        List<DeviceWork> later = Collections.synchronizedList(new ArrayList<>());
        Runnable worker = () -> {
            for (Optional<DeviceWork> next = queue.poll(); next.isPresent(); next = queue.poll()) {
                DeviceWork w = next.get();
                int n = deliveries.merge(w, 1, Integer::sum);
                WorkOutcome outcome;
                try {
                    outcome = service.work(w, "in-process-" + n);
                } catch (RuntimeException e) {
                    outcome = new WorkOutcome(w.action(), w.device(), WorkOutcome.Result.RETRY, e.toString());
                } catch (Error e) {
                    // The worker process died mid-item (the fault bench's crashes): the run that queued it is not
                    // affected, and SQS hands the message out again only after its visibility timeout (90 minutes,
                    // past any claim the dead worker held): here, at the next drain.
                    later.add(w);
                    continue;
                }
                if (outcome.retry() && n < MAX_DELIVERIES) {
                    queue.redeliver(w);
                    continue;
                }
                if (outcome.retry()) dead.add(w);
                done.add(outcome);
            }
        };
        if (workers <= 1) {
            worker.run();
        } else {
            try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < workers; i++) running.add(pool.submit(worker));
                for (Future<?> f : running) f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while draining the work queue", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        later.forEach(queue::redeliver);
        return new Drained(List.copyOf(done), List.copyOf(dead));
    }
}
