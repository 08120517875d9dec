package org.appban.work;

import java.time.Clock;
import java.time.Duration;
import org.appban.ports.Claims;

/**
 * A part's numbered slots in a round's act phase ({@link SurveyThenAct}): slots 1 to {@code allowance}, what the
 * part's survey counted, each a claim completed with the item that took it. An action takes a slot first, so a part
 * never does more than was counted (the cap was checked on those counts), and a step run again cannot count twice: a
 * slot an item took before, in a step that died, is that item's own again.
 */
public final class PartSlots {
    private final Claims claims;
    private final Clock clock;
    private final Duration lease;
    private final String keyPrefix;
    private final long allowance;
    private long taken;

    /**
     * @param keyPrefix the part's slots' claims ({@code <prefix>/<round>/<part>}; slot n is {@code <keyPrefix>/n})
     * @param taken     the slots taken by earlier steps of the part (where to look for a free one: a hint, the claims decide)
     */
    public PartSlots(Claims claims, Clock clock, Duration lease, String keyPrefix, long allowance, long taken) {
        this.claims = claims;
        this.clock = clock;
        this.lease = lease;
        this.keyPrefix = keyPrefix;
        this.allowance = allowance;
        this.taken = taken;
    }

    /** Takes the part's next free slot for {@code item}; false when none is left (the item waits for the next round). */
    public boolean take(String item, String runId) {
        for (long n = taken + 1; n <= allowance; n++) {
            String key = keyPrefix + "/" + n;
            Claims.Outcome o = claims.claim(key, runId, clock.instant(), lease);
            if (o == Claims.Outcome.CLAIMED || o == Claims.Outcome.TAKEN_OVER) {
                claims.complete(key, runId, item, clock.instant());
                taken = Math.max(taken, n);
                return true;
            }
            if (o == Claims.Outcome.ALREADY_DONE && claims.state(key).map(Claims.State::outcome).filter(item::equals).isPresent()) {
                taken = Math.max(taken, n);
                return true;
            }
        }
        return false;
    }

    /** The highest slot taken so far: carried to the part's next step ({@link SurveyThenAct#SLOTS}). */
    public long taken() {
        return taken;
    }
}
