package org.appban.exemption;

import static org.appban.exemption.ExemptionFixtures.CLERK;
import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.appban.exemption.ExemptionFixtures.POLICY;
import static org.appban.exemption.ExemptionFixtures.nz;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerRecord;
import org.appban.lambda.exemption.ExemptionSweepHandler;
import org.appban.policy.StageKind;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;
import org.appban.work.ContinuationGate;
import org.appban.work.WorkSteps;
import org.appban.work.ContinuationJson;
import org.appban.work.WorkQueue;

/**
 * The world a daily exemption sweep runs in, the same whichever stores hold it (in memory for
 * {@code ExemptionSweepRoundTest}, the emulator's tables and a real queue for {@code ExemptionSweepRoundIT}):
 * exemptions in every state, granted ones falling due at every point (granted long ago and far from expiry, inside
 * their expiring window, expired), some whose granted notice was asked for at the grant and some whose request
 * failed then, and decisions that never get a notice (requested, refused, revoked).
 */
final class SweepWorld {
    /** The sweep's day: 07:00 in the policy's zone, when its schedule fires. */
    static final Instant MORNING = nz("2023-06-01T07:00");

    private SweepWorld() {
    }

    /** Creates {@code count} exemptions of every kind (what the sweep must read grows with them; what it asks for too). */
    static void seed(ExemptionStore exemptions, Ledger ledger, int count) {
        Instant decided = nz("2023-03-20T10:00");
        for (int i = 0; i < count; i++) {
            String id = String.format("ex-%03d", i);
            String member = String.format("m-%03d", i % 37);
            Instant expires = switch (i % 6) {
                case 0 -> MORNING.minus(Duration.ofDays(3));          // expired: the expired notice is due
                case 1 -> MORNING.plus(Duration.ofDays(5));           // inside its 14-day window: expiring is due
                case 2, 3 -> MORNING.plus(Duration.ofDays(60 + i));   // far off: nothing due once the grant's notice went
                case 4 -> MORNING.plus(Duration.ofDays(20));          // its window opens in 6 days
                default -> null;
            };
            if (expires == null) {
                ExemptionStatus status = i % 12 == 5 ? ExemptionStatus.REQUESTED : ExemptionStatus.REFUSED;
                exemptions.create(new Exemption(id, member, null, "select committee inquiry", status, CLERK, decided,
                        status == ExemptionStatus.REFUSED ? MANAGER : null, status == ExemptionStatus.REFUSED ? decided : null, null, null, null));
                continue;
            }
            Exemption granted = new Exemption(id, member, null, "select committee inquiry", ExemptionStatus.GRANTED, CLERK, decided,
                    MANAGER, decided, expires, null, null);
            exemptions.create(granted);
            // The grant asked for its notice, except every seventh one, whose request failed (the sweep catches up).
            if (i % 7 != 3) {
                ledger.append(new LedgerRecord(decided, Actor.event("test"), member, null, ExemptionService.NOTICE_REQUESTED, "ok", false,
                        ExemptionNoticePlan.key(id, StageKind.EXEMPTION_GRANTED), Map.of("exemption", id)));
            }
        }
    }

    /** What a sweep that read every exemption would ask for at {@code now}: "kind exemption-id", sorted. */
    static List<String> expected(List<Exemption> all, Ledger ledger, Instant now) {
        List<String> due = new ArrayList<>();
        for (ExemptionNoticePlan.Due d : new ExemptionNoticePlan(POLICY).due(all, now, k -> ledger.byIdempotencyKey(k).isPresent())) {
            due.add(d.kind().wireName() + " " + d.exemption().id());
        }
        return due.stream().sorted().toList();
    }

    static ExemptionService service(MemberStore members, DeviceStore devices, ExemptionStore exemptions, Ledger ledger,
                                    ExemptionNotices notices, Clock clock) {
        return new ExemptionService(POLICY, members, devices, exemptions, ledger, notices, clock);
    }

    /** The sweep function with its work on {@code work} (whose URL is {@code queueUrl}). */
    static ExemptionSweepHandler handler(ExemptionService service, WorkQueue work, String queueUrl, Claims claims, Ledger ledger, Clock clock) {
        return new ExemptionSweepHandler(service, new ExemptionSweepRound(service, new WorkSteps(
                new ContinuationGate(ExemptionSweepRound.KIND, queueUrl, ContinuationJson.JSON, claims, ledger, clock), work), clock, POLICY.zone()));
    }

    static final String SCHEDULE = "{\"trigger\":\"schedule\",\"schedule\":\"exemption-sweep-daily\"}";

    static JsonNode invoke(ExemptionSweepHandler handler, String event, Context context) {
        return org.appban.testing.WorkEvents.invoke(handler, event, context);
    }

    /** The continuations recorded as refused, by reason, in the order recorded. */
    static List<String> refusals(Ledger ledger) {
        return ledger.chain("fleet").stream().filter(e -> e.record().action().equals(ContinuationGate.REFUSED))
                .map(e -> e.record().outcome()).toList();
    }
}
