package org.appban.remote;

import java.time.Duration;
import java.util.Optional;

/**
 * Every budget appban keeps to when it calls an external API, and the one a deployment sets itself. The README's
 * "External API budgets" lists them with their sources; this is where the code takes them from.
 *
 * <ul>
 *   <li><b>Microsoft Graph, Intune</b> (per app registration, per 20 s; learn.microsoft.com/graph/throttling-limits,
 *       "Intune service limits"): device management 2000 requests, 200 of them writes; device app management 1000
 *       requests, 100 of them writes. The per-tenant limits are twice these, so one app registration never reaches
 *       them.</li>
 *   <li><b>Microsoft Graph, directory</b> (Entra ID groups and directory objects, per app and tenant; same page,
 *       "Identity and access service limits"): 3500 resource units per 10 s (the smallest tenant size's quota),
 *       every request counted as one unit, and 3000 writes per 150 s.</li>
 *   <li><b>Jamf Pro</b> (per instance): no published rate limit; Jamf recommends at most
 *       {@value #JAMF_CONNECTIONS} concurrent connections, so every container's client holds one of five shared
 *       connection slots while it sends.</li>
 *   <li><b>Cisco ISE ERS</b> (per deployment): Cisco publishes a ceiling of {@value #ISE_PUBLISHED_TPS} calls per
 *       second and no 429: past it the deployment (the organisation's production NAC) slows down. appban keeps to
 *       {@value #ISE_SETTING} calls per second (default {@value #ISE_DEFAULT}, half the ceiling, because ERS
 *       shares the deployment with everything else it serves), counted over 10 s windows; a setting under which
 *       any one second could see more than the published ceiling is refused.</li>
 * </ul>
 */
public record ApiBudgets(int iseCallsPerSecond) {
    public static final Duration GRAPH_WINDOW = Duration.ofSeconds(20);
    public static final int GRAPH_DEVICES_ANY = 2000, GRAPH_DEVICES_WRITES = 200, GRAPH_APPS_ANY = 1000, GRAPH_APPS_WRITES = 100;
    public static final Duration DIRECTORY_WINDOW = Duration.ofSeconds(10), DIRECTORY_WRITES_WINDOW = Duration.ofSeconds(150);
    public static final int DIRECTORY_ANY = 3500, DIRECTORY_WRITES = 3000;
    public static final int JAMF_CONNECTIONS = 5;
    public static final int ISE_PUBLISHED_TPS = 100;
    public static final String ISE_SETTING = "ISE_CALLS_PER_SECOND";
    public static final int ISE_DEFAULT = 50;
    /** ISE's budget is counted over this window: long enough for batches, short enough that no second sees much more. */
    public static final Duration ISE_WINDOW = Duration.ofSeconds(10);

    public static final ApiBudgets DEFAULT = new ApiBudgets(ISE_DEFAULT);

    public ApiBudgets {
        if (iseCallsPerSecond < 1) {
            throw new IllegalArgumentException(ISE_SETTING + " must be at least 1 call per second, not " + iseCallsPerSecond);
        }
        double peak = iseBudget("check", iseCallsPerSecond).atMostIn(Duration.ofSeconds(1));
        if (peak > ISE_PUBLISHED_TPS) {
            throw new IllegalArgumentException(ISE_SETTING + " " + iseCallsPerSecond + " is above the published limit: Cisco's ERS ceiling is "
                    + ISE_PUBLISHED_TPS + " calls per second, and at this setting one second could see " + (int) Math.ceil(peak)
                    + "; at most " + iseMaximum());
        }
    }

    /** The deployment's settings: {@value #ISE_SETTING} when set (refused, naming it, when it is not a sound budget). */
    public static ApiBudgets fromSetting(Optional<String> iseCallsPerSecond) {
        if (iseCallsPerSecond.isEmpty()) return DEFAULT;
        String v = iseCallsPerSecond.get().trim();
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ISE_SETTING + " must be a whole number of calls per second, not '" + v + "'");
        }
        return new ApiBudgets(n);
    }

    /** The largest {@value #ISE_SETTING} that keeps every second under the published ceiling. */
    public static int iseMaximum() {
        int n = ISE_PUBLISHED_TPS;
        while (n > 1 && iseBudget("check", n).atMostIn(Duration.ofSeconds(1)) > ISE_PUBLISHED_TPS) n--;
        return n;
    }

    /** The ERS budget of the ISE deployment at {@code deployment} (host and port). */
    public Budget ise(String deployment) {
        return iseBudget(deployment, iseCallsPerSecond);
    }

    private static Budget iseBudget(String deployment, int perSecond) {
        return new Budget("ise/" + deployment, "ISE ERS calls", (int) (perSecond * ISE_WINDOW.toSeconds()), ISE_WINDOW);
    }
}
