package org.appban.digest;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.admin.CampaignHistory;
import org.appban.domain.Ownership;
import org.appban.json.Json;

/**
 * The campaign's series as CloudWatch metrics, in the Embedded Metric Format: JSON lines the function writes to its
 * log, which CloudWatch Logs turns into metrics (no PutMetricData call, no permission, nothing to fail). Written once
 * a day by the digest's run: the levels as they are now (devices carrying the app by ownership, off the network,
 * exemptions in force), and the counts of the last whole day (quarantined, restored, notices sent, and one line per
 * notice kind), stamped with that day's start in the policy's zone, since the day of the run has only begun.
 * template.yaml's dashboard draws them. Only counts and the policy's id: no member, device or address.
 */
public final class CampaignMetrics {
    public static final String NAMESPACE = "Appban";

    private CampaignMetrics() {
    }

    /** The EMF documents of a history as of {@code at}: the last day's levels, the whole day before's counts. */
    public static List<String> lines(String policyId, CampaignHistory.History history, ZoneId zone, Instant at) {
        List<String> lines = new ArrayList<>();
        CampaignHistory.Day now = history.last();
        Map<String, Object> levels = new LinkedHashMap<>();
        levels.put("_aws", directive(at, List.of("Policy"), List.of("DevicesCarryingCorporate", "DevicesCarryingPrivate",
                "DevicesOffNetwork", "ExemptionsActive")));
        levels.put("Policy", policyId);
        levels.put("DevicesCarryingCorporate", now.carrying(Ownership.CORPORATE));
        levels.put("DevicesCarryingPrivate", now.carrying(Ownership.PRIVATE));
        levels.put("DevicesOffNetwork", now.offNetwork());
        levels.put("ExemptionsActive", now.exemptionsActive());
        lines.add(Json.write(levels));
        if (history.days().size() < 2) return lines;
        CampaignHistory.Day day = history.days().get(history.days().size() - 2);
        Instant dayStart = day.date().atStartOfDay(zone).toInstant();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("_aws", directive(dayStart, List.of("Policy"), List.of("DevicesQuarantined", "DevicesRestored", "NoticesSent")));
        counts.put("Policy", policyId);
        counts.put("DevicesQuarantined", day.quarantined());
        counts.put("DevicesRestored", day.restored());
        counts.put("NoticesSent", day.noticesTotal());
        lines.add(Json.write(counts));
        for (String kind : history.noticeKinds()) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("_aws", directive(dayStart, List.of("Policy", "Kind"), List.of("NoticesSentByKind")));
            k.put("Policy", policyId);
            k.put("Kind", kind);
            k.put("NoticesSentByKind", day.notices(kind));
            lines.add(Json.write(k));
        }
        return lines;
    }

    private static Map<String, Object> directive(Instant at, List<String> dimensions, List<String> metrics) {
        List<Map<String, Object>> defs = new ArrayList<>();
        for (String m : metrics) {
            // In this order every time (Map.of's order changes from one JVM to the next): the log reads the same each run.
            Map<String, Object> def = new LinkedHashMap<>();
            def.put("Name", m);
            def.put("Unit", "Count");
            defs.add(def);
        }
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("Namespace", NAMESPACE);
        metric.put("Dimensions", List.of(dimensions));
        metric.put("Metrics", defs);
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", at.toEpochMilli());
        aws.put("CloudWatchMetrics", List.of(metric));
        return aws;
    }
}
