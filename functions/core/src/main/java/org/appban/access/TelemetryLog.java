package org.appban.access;

import java.util.function.Consumer;

/**
 * A batch of network telemetry as its source delivers it (a log object streamed from S3, a telemetry event's records):
 * read once, each valid record handed on as it is read and each rejected one filed with its problems, so a log of any
 * size is never held whole. The wire formats are the adapters' (TelemetryReader); the matching is
 * {@link TelemetryIngest}'s.
 */
@FunctionalInterface
public interface TelemetryLog {
    void read(Consumer<TelemetryRecord> sink, TelemetryProblems problems);
}
