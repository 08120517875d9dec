package org.appban.access;

import java.util.List;
import java.util.Map;

/**
 * What one run decided and did. Devices left alone are counted, not listed (a fleet run looks at thousands);
 * every change to the network, every failure and every device needing an administrator is listed with its evidence.
 *
 * @param at            when the run started (ISO-8601, UTC)
 * @param status        {@code done}, or {@code stopped} when the NAC failed repeatedly or time ran out (the next run
 *                      continues where this one stopped)
 * @param decisions     how many devices got each decision (wire names of {@link Decision.Action})
 * @param actions       the quarantines and releases: done, already so, would-do (dry run), held back, failed
 * @param unresolved    devices that would be quarantined but cannot be identified on the network
 * @param drift         devices this function quarantined that the NAC shows clear (lifted outside this function)
 * @param notFound      ids in the request that name no device or member
 * @param killSwitch    null when off; who engaged it and why when on (quarantines were held back)
 * @param cap           the blast-radius verdict when quarantines were due
 */
public record AccessReport(String status, String trigger, String runId, boolean dryRun, String at, int devices,
                           Map<String, Integer> decisions, List<Action> actions, List<Unresolved> unresolved,
                           List<String> drift, List<String> notFound, String killSwitch, String cap, String note) {
    public AccessReport {
        decisions = Map.copyOf(decisions);
        actions = List.copyOf(actions);
        unresolved = List.copyOf(unresolved);
        drift = List.copyOf(drift);
        notFound = List.copyOf(notFound);
    }

    /**
     * @param action  quarantine or release
     * @param outcome quarantined, already-quarantined, released, already-clear, would-quarantine, would-release,
     *                already-handled (another run holds or completed it), held-by-kill-switch, held-by-cap,
     *                not-attempted, failed
     * @param key     the NAC key (MAC) acted on
     */
    public record Action(String device, String member, String action, String outcome, String key, String reason,
                         List<String> evidence, String error) {
        public Action {
            evidence = List.copyOf(evidence);
        }
    }

    public record Unresolved(String device, String member, String problem, List<String> evidence) {
        public Unresolved {
            evidence = List.copyOf(evidence);
        }
    }

    public long count(String action, String outcome) {
        return actions.stream().filter(a -> a.action().equals(action) && a.outcome().equals(outcome)).count();
    }

    public List<String> devicesWith(String action, String outcome) {
        return actions.stream().filter(a -> a.action().equals(action) && a.outcome().equals(outcome)).map(Action::device).toList();
    }
}
