package org.appban.admin;

import java.util.Map;

/**
 * Where the full status report goes for people to open: the reports store, as JSON and CSV files ({@code
 * StatusExport} in adapters writes both formats).
 */
public interface StatusReportExport {
    /** @return where each file went, by format ({@code json}, {@code csv}) */
    Map<String, String> export(StatusReport report);
}
