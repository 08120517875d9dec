package org.appban.rehearsal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.appban.domain.Device;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Platform;
import org.appban.json.Json;
import org.appban.ledger.LedgerJson;
import org.appban.mail.OutboxMailer;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.world.SimDevice;

/**
 * What the rehearsal leaves behind: {@code report.json} (emails, actions, devices as they stand at the end) and
 * {@code ledger.jsonl} (the whole ledger, verifiable with {@code ./appban ledger verify --file}).
 */
public record RehearsalReport(List<Email> emails, List<Action> actions, List<DeviceState> devices, Map<String, Integer> totals) {

    public record Email(String at, String member, String device, String to, String kind, String stage, String subject, String file) {
    }

    public record Action(String at, String kind, String member, String device, String outcome) {
    }

    /**
     * @param id            the fleet's device id
     * @param mdmDevice     the id the device store knows it by ({@code intune:...}), or null when not enrolled
     * @param hasApp        the truth on the device (the simulated world), not what any MDM reported
     * @param networkAccess {@code allowed} or {@code quarantined}, as the NAC has it
     */
    public record DeviceState(String id, String member, String ownership, String platform, String mdmDevice, boolean hasApp,
                              String networkAccess, boolean exempt) {
    }

    /** Actions that are plumbing rather than decisions: left out of {@code actions[]} (they stay in the ledger). */
    private static boolean isDecision(LedgerRecord r) {
        return !r.action().equals("notice.send-intent");
    }

    static RehearsalReport of(RehearsalWorld world, Path dir) {
        Map<String, Path> outboxFiles = new HashMap<>();
        Map<String, String> outboxRecipients = new HashMap<>();
        for (OutboxMailer.Entry e : world.outbox.entries()) {
            outboxFiles.put(e.messageId(), e.file());
            outboxRecipients.put(e.messageId(), e.recipient());
        }
        List<Email> emails = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        Map<String, Integer> totals = new TreeMap<>();
        for (LedgerEntry e : world.ledger.written()) {
            LedgerRecord r = e.record();
            if (r.dryRun()) continue;
            if (r.action().equals("notice.sent")) {
                Path file = outboxFiles.get(r.details().get("providerMessageId"));
                // The ledger holds only the address's keyed hash; the report (a file for the operator) reads the roster.
                String to = world.members.find(r.member()).map(org.appban.domain.Member::email).orElse(null);
                emails.add(new Email(local(world, r.at()), r.member(), r.device(), to, r.details().get("kind"), r.details().get("stage"),
                        r.details().get("subject"), file == null ? null : dir.relativize(file).toString()));
            }
            if (r.action().equals("digest.sent")) {
                // The administrators' digest: the ledger names the administrator by a hash; the outbox has the address.
                String id = r.details().get("providerMessageId");
                Path file = outboxFiles.get(id);
                emails.add(new Email(local(world, r.at()), null, null, outboxRecipients.get(id), r.details().get("kind"),
                        r.details().get("kind"), r.details().get("subject"), file == null ? null : dir.relativize(file).toString()));
            }
            if (isDecision(r)) {
                actions.add(new Action(local(world, r.at()), r.action(), r.member(), r.device(), r.outcome()));
                totals.merge(r.action(), 1, Integer::sum);
            }
        }
        List<DeviceState> devices = new ArrayList<>();
        Instant now = world.clock.instant();
        for (SimDevice d : world.sims.world().devices()) {
            FleetDevice spec = d.spec();
            String storeId = d.enrolled() ? storeId(d) : spec.mac() != null && world.devices.find(registryId(d)).isPresent() ? registryId(d) : null;
            Device stored = storeId == null ? null : world.devices.find(storeId).orElse(null);
            boolean exempt = world.exemptions.all().stream().anyMatch(x -> stored != null ? x.protects(stored, now)
                    : x.member().equals(spec.owner()) && x.device() == null && x.status() == org.appban.domain.ExemptionStatus.GRANTED
                    && now.isBefore(x.expires()));
            boolean quarantined = spec.mac() != null && world.sims.ise().policyOf(spec.mac()) != null;
            devices.add(new DeviceState(spec.id(), spec.owner(), spec.ownership().wire(), spec.platform().wire(), storeId,
                    hasBannedApp(world, d), quarantined ? "quarantined" : "allowed", exempt));
        }
        return new RehearsalReport(emails, actions, devices, totals);
    }

    /** Times in the report are written in the policy's zone, with their offset, as people there read them. */
    private static String local(RehearsalWorld world, Instant at) {
        return java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at.atZone(world.policy.zone()));
    }

    static boolean hasBannedApp(RehearsalWorld world, SimDevice d) {
        Platform platform = Platform.parse(d.spec().platform().wire());
        return d.apps().stream().anyMatch(a -> world.policy.app().identifiersFor(platform).contains(a));
    }

    /** The id inventory sync gives a device known only from the NAC's registry (by its MAC). */
    static String registryId(SimDevice d) {
        return org.appban.inventory.InventorySync.registryId(org.appban.domain.MacAddress.parse(d.spec().mac()));
    }

    /** The id inventory sync gives a simulated device in the device store. */
    static String storeId(SimDevice d) {
        if (d.spec().mdm() != FleetDevice.Mdm.JAMF) return "intune:" + d.intuneId();
        String jamfId = Integer.toString(d.jamfId());
        return "jamf:" + (d.jamfComputer() ? org.appban.fleet.jamf.JamfIds.computer(jamfId) : jamfId);
    }

    void write(Path dir) {
        try {
            ObjectNode root = Json.object();
            ArrayNode e = root.putArray("emails");
            emails.forEach(x -> e.add(Json.tree(x)));
            ArrayNode a = root.putArray("actions");
            actions.forEach(x -> a.add(Json.tree(x)));
            ArrayNode d = root.putArray("devices");
            devices.forEach(x -> d.add(Json.tree(x)));
            root.set("totals", Json.tree(totals));
            java.nio.file.Files.writeString(dir.resolve("report.json"), Json.pretty(root));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static void writeLedger(RehearsalWorld world, Path dir) {
        LedgerJson codec = new LedgerJson();
        StringBuilder lines = new StringBuilder();
        for (String chain : world.ledger.chains()) {
            for (LedgerEntry e : world.ledger.chain(chain)) lines.append(codec.toLine(e)).append('\n');
        }
        Rehearsal.write(dir.resolve("ledger.jsonl"), lines.toString());
    }
}
