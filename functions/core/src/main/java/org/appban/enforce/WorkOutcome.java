package org.appban.enforce;

import org.appban.domain.WireNamed;
import java.util.Locale;

/** What a worker did with one device action. */
public record WorkOutcome(DeviceAction.Kind action, String device, Result result, String detail) {
    public enum Result implements WireNamed {
        /** Done (or found already done by an earlier delivery: nothing repeated). */
        DONE,
        /** Not done, on purpose: kill switch, exempt by now, removed by now, device gone. */
        SKIPPED,
        /** Failed for good (the MDM does not know the device, refuses the request): recorded, not retried. */
        FAILED,
        /** Failed for now (5xx, throttled, timeout): to be delivered again. */
        RETRY;

        @Override
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean retry() {
        return result == Result.RETRY;
    }
}
