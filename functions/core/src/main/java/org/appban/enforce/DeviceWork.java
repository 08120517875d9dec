package org.appban.enforce;

import java.time.Instant;
import java.time.LocalDate;
import org.appban.domain.Actor;

/**
 * One device action on its way from the run that decided it to the worker that performs it (an SQS message body,
 * or an item of the in-process queue). It carries the decision, and the worker acts on it without deciding again
 * (when the device came into scope is the plan's {@code inScopeSince}); it only checks that the decision's premises
 * still hold before it acts: the kill switch, the device, its exemptions, the app still listed.
 *
 * <p>Its message body ({@code DeviceWorkJson} in adapters):
 * <pre>{"action":"sync","device":"intune:6f1...","runId":"...","actor":"schedule:deadline","day":"2023-03-31",
 *  "newRemoval":true,"inScopeSince":"2023-03-30T11:00:00Z"}</pre>
 *
 * @param day the local day the run decided on: the check-in is once per device per such day
 */
public record DeviceWork(DeviceAction.Kind action, String device, String runId, Actor actor, LocalDate day, boolean newRemoval,
                         Instant inScopeSince) {

    public static DeviceWork of(DeviceAction a, String runId, Actor actor, LocalDate day) {
        return new DeviceWork(a.kind(), a.device(), runId, actor, day, a.newRemoval(), a.inScopeSince());
    }
}
