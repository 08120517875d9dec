package org.appban.enforce;

import java.util.List;

/**
 * Where a deciding run puts per-device work, so that it is done by bounded workers (SQS and the event source
 * mapping on AWS; an in-process queue in the rehearsal and the benchmark).
 */
public interface WorkQueue {
    /** Enqueues every item or throws: a run must not report work it did not hand over. */
    void enqueue(List<DeviceWork> work);
}
