package org.appban.enforce;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.ports.Claims;
import org.appban.ports.Ledger;

/**
 * Reads back what earlier runs recorded about the devices that may still need work (corporate, app not known to be
 * gone): three point reads per device by idempotency key, in parallel, since a table read per device in sequence
 * would not finish for a large fleet within one invocation.
 */
public final class EnforcementHistory {
    private static final int PARALLEL = 16;
    private final Ledger ledger;
    private final Claims claims;

    public EnforcementHistory(Ledger ledger, Claims claims) {
        this.ledger = ledger;
        this.claims = claims;
    }

    public Map<String, DeviceHistory> load(Collection<Device> devices, Collection<Exemption> exemptions, Instant deadline,
                                           Instant now, ZoneId zone) {
        LocalDate today = now.atZone(zone).toLocalDate();
        List<Device> candidates = devices.stream()
                .filter(d -> d.isCorporate() && !d.retired() && d.appPresence() != AppPresence.ABSENT && !now.isBefore(deadline))
                .toList();
        Map<String, DeviceHistory> out = new ConcurrentHashMap<>();
        if (candidates.size() < 32) {
            for (Device d : candidates) out.put(d.id(), one(d, exemptions, deadline, now, zone, today));
            return out;
        }
        Semaphore permits = new Semaphore(PARALLEL);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (Device d : candidates) {
                futures.add(pool.submit(() -> {
                    permits.acquireUninterruptibly();
                    try {
                        out.put(d.id(), one(d, exemptions, deadline, now, zone, today));
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<?> f : futures) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading enforcement history", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
        return out;
    }

    private DeviceHistory one(Device d, Collection<Exemption> exemptions, Instant deadline, Instant now, ZoneId zone, LocalDate today) {
        Instant since = Protection.inScopeSince(d, exemptions, deadline, now);
        boolean started = ledger.byIdempotencyKey(EnforcementKeys.removalStarted(d.id(), since, zone)).isPresent();
        boolean escalated = ledger.byIdempotencyKey(EnforcementKeys.escalated(d.id(), since, zone)).isPresent();
        Optional<Claims.State> sync = claims.state(EnforcementKeys.sync(d.id(), today));
        // A claim whose holder died (lease over, never completed) is due again: the next worker takes it over.
        sync = sync.filter(s -> s.completed() || s.leaseUntil().isAfter(now));
        String syncToday = sync.map(s -> s.completed() ? s.outcome() : "in-flight").orElse(null);
        Instant syncAt = sync.filter(Claims.State::completed).map(Claims.State::completedAt).orElse(null);
        if (!started && !escalated && syncToday == null) return DeviceHistory.NONE;
        return new DeviceHistory(started, syncToday, syncAt, escalated);
    }
}
