package org.appban.access;

import java.io.BufferedReader;
import java.io.IOException;

/** Where telemetry log objects are read from (the telemetry bucket on AWS), as a stream of lines. */
@FunctionalInterface
public interface TelemetryObjects {
    /**
     * Opens a log object; {@link org.appban.input.InvalidInputException} when it cannot be read as a log (missing,
     * too large), naming the object and why.
     */
    LogObject open(String bucket, String key);

    /** An open log object: its content tag (ETag) and its lines. */
    record LogObject(String contentTag, BufferedReader lines) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            lines.close();
        }
    }
}
