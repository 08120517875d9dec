package org.appban.rehearsal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.policy.BanPolicy;
import org.appban.sim.fleet.Fleet;

/** Prints the rehearsal as it happens, one line per decision, in the policy's zone. */
final class Timeline {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm zzz", Locale.ENGLISH);
    private final PrintStream out;
    private final ZoneId zone;
    private final java.time.Clock clock;
    private java.util.function.UnaryOperator<String> deviceNames = UnaryOperator.identity();

    Timeline(PrintStream out, ZoneId zone, java.time.Clock clock) {
        this.out = out;
        this.zone = zone;
        this.clock = clock;
    }

    /** Shows devices by the fleet's names rather than the MDM's ids, which mean nothing to a reader. */
    void deviceNames(UnaryOperator<String> names) {
        this.deviceNames = names;
    }

    void header(BanPolicy policy, Fleet fleet, Instant start, Instant until) {
        out.printf("appban rehearsal: policy %s over fleet %s (%d members, %d devices)%n", policy.id(),
                fleet.name() == null ? fleet.source() : fleet.name(), fleet.members().size(), fleet.devices().size());
        out.printf("  announcement %s, deadline %s, from %s to %s%n", policy.announcement(), when(policy.deadlineInstant()),
                when(start), when(until));
        for (String w : fleet.warnings()) out.printf("  warning: %s: %s%n", fleet.source(), w);
        out.println();
    }

    void note(String function, String message) {
        out.printf("%-26s %-28s %s%n", when(clock.instant()), function, message);
    }

    String deviceName(String id) {
        return deviceNames.apply(id);
    }

    private final java.util.Set<String> reported = new java.util.HashSet<>();

    /** One line per ledger entry worth reading; plumbing (send intents, roster rows) is left to the ledger. */
    void entry(LedgerEntry e) {
        LedgerRecord r = e.record();
        if (r.dryRun() || r.action().equals("notice.send-intent") || r.action().startsWith("roster.member-")
                || r.action().equals("admin.exemption.sweep") || r.action().equals("telemetry.ingested")
                || r.action().startsWith("mdm.") && r.outcome().equals("in-place")
                || r.action().equals("enforce.run") && r.outcome().equals("ok")) return;
        // What an MDM cannot do is worth saying once, not every day.
        if (r.outcome().equals("unsupported") && !reported.add(r.action() + "/" + r.device())) return;
        String subject = (r.member() == null ? "" : r.member()) + (r.device() == null ? "" : " " + deviceNames.apply(r.device()));
        String extra = r.action().equals("notice.sent") ? "\"" + r.details().getOrDefault("subject", "") + "\""
                : r.outcome();
        out.printf("%-26s %-28s %-40s %s%n", when(r.at()), r.action(), subject.strip(), extra);
    }

    void footer(RehearsalReport report, Path dir) {
        out.println();
        out.printf("%d emails, %d actions; devices at the end: %d with the app, %d quarantined (%d corporate), %d exempt%n",
                report.emails().size(), report.actions().size(),
                report.devices().stream().filter(RehearsalReport.DeviceState::hasApp).count(),
                report.devices().stream().filter(d -> d.networkAccess().equals("quarantined")).count(),
                report.devices().stream().filter(d -> d.networkAccess().equals("quarantined") && d.ownership().equals("corporate")).count(),
                report.devices().stream().filter(RehearsalReport.DeviceState::exempt).count());
        out.println("report: " + dir.resolve("report.json"));
        out.println("ledger: " + dir.resolve("ledger.jsonl") + "  (check it: ./appban ledger verify --file " + dir.resolve("ledger.jsonl")
                + " --digests " + dir + ")");
        out.println("outbox: " + dir.resolve("outbox"));
    }

    private String when(Instant t) {
        return WHEN.format(t.atZone(zone));
    }
}
