package org.appban.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.appban.admin.CampaignHistory;
import org.appban.admin.FleetSnapshot;
import org.appban.admin.TallyCheck;
import org.appban.admin.tally.TallyReconciliation;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.CampaignTally;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MdmKind;
import org.appban.domain.Member;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.mail.EmlReader;
import org.appban.mail.MimeWriter;
import org.appban.mail.SesMailer;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.ports.DeviceStore;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.DynamoRequestLog;
import org.appban.testing.EmulatorMailbox;
import org.appban.testing.TemplateTables;
import org.appban.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The administrators' digest on the emulator, through the real stores (template.yaml's tables and indexes) and SES:
 * what it reads is bounded by what it shows, never by the roster, the fleet or the ledger's history, and what it
 * shows is what a recount of the whole campaign gives. Every DynamoDB request is recorded as it leaves the client
 * ({@link DynamoRequestLog}).
 *
 * <p>The fixture campaign, past the deadline: an escalated corporate device still carrying the app, a corporate one
 * with no removal under way, an exempt one (its grant expiring within the policy's window), one cleaned and one
 * cleaned between the digests, private devices quarantined and one released when it complied, an identity left unresolved yesterday (and one three days ago), an open
 * request, a grant run to its end and one revoked, notices sent; then {@code filler} more members each with a
 * device and a notice (compliant; every tenth a private device carrying the app), which a whole-campaign read would
 * have to read and the digest must not.
 */
class AdminDigestReadsIT {
    private static final ZoneId NZ = ZoneId.of("Pacific/Auckland");
    private static final BanPolicy BUNDLED = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    private static final Instant DAY_1 = nz("2023-04-06T08:30");
    private static final Instant DAY_2 = nz("2023-04-07T08:30");

    private final AwsEmulator aws = AwsEmulator.shared();
    private final List<TemplateTables.Created> created = new ArrayList<>();

    @AfterEach
    void tearDown() {
        created.forEach(TemplateTables.Created::close);
    }

    private static Instant nz(String local) {
        return LocalDateTime.parse(local).atZone(NZ).toInstant();
    }

    /** One stack's stores on fresh tables, each request recorded; the policy's digest goes to an address of this world's. */
    private final class World {
        final DynamoRequestLog log = new DynamoRequestLog();
        final TestClock clock = new TestClock(DAY_1);
        final String token = AwsEmulator.uniquePrefix("digest");
        final String recipient = "ict-" + token.replaceAll("[^a-z0-9]", "") + "@parliament.govt.nz";
        final BanPolicy policy;
        final DynamoMemberStore members;
        final DynamoDeviceStore devices;
        final DynamoExemptionStore exemptions;
        final DynamoLedger ledger;
        final DynamoClaims claims;
        final SesMailer mailer;
        private int keys;

        World() {
            TemplateTables.Created tables = TemplateTables.load().create(aws.dynamoDb(), token,
                    "MembersTable", "DevicesTable", "ExemptionsTable", "LedgerTable", "ClaimsTable");
            created.add(tables);
            DynamoDbClient dynamo = log.client(aws);
            BanPolicy p = BUNDLED;
            policy = new BanPolicy(p.id(), p.title(), p.organisation(), p.app(), p.zone(), p.announcement(), p.deadline(), p.notices(),
                    p.privateDevices(), p.enforcement(), p.exemptions(), p.sender(), p.contact(), p.deadlineOffset(),
                    new BanPolicy.AdminDigest(LocalTime.of(8, 30), List.of(recipient), "https://reports.example.org/status"));
            members = new DynamoMemberStore(dynamo, tables.name("MembersTable"));
            devices = new DynamoDeviceStore(dynamo, tables.name("DevicesTable"));
            exemptions = new DynamoExemptionStore(dynamo, tables.name("ExemptionsTable"));
            ledger = new DynamoLedger(dynamo, tables.name("LedgerTable"));
            claims = new DynamoClaims(dynamo, tables.name("ClaimsTable"));
            SesV2Client ses = aws.clients().sesV2();
            ses.createEmailIdentity(r -> r.emailIdentity(policy.sender().address()));
            mailer = new SesMailer(ses, null);
        }

        AdminDigest digest() {
            return new AdminDigest(policy, devices, exemptions, ledger, claims, mailer, new DigestMail(policy, new MimeWriter(), null),
                    FleetChainApprovals.of(policy, ledger), clock, Duration.ofMinutes(16));
        }

        void record(Instant at, String member, String device, String action, String outcome, Map<String, String> details) {
            ledger.append(new LedgerRecord(at, Actor.schedule("fixture"), member, device, action, outcome, false,
                    "fixture/" + action + "/" + (keys++), details));
        }

        /** A device stored as the inventory saw it, and the entry the inventory sync wrote when it first listed it. */
        void device(String id, String owner, Ownership ownership, AppPresence app, ComplianceState compliance, Instant at) {
            devices.save(new Device(id, owner, ownership, Platform.IOS, "iPhone 14", true, ownership == Ownership.CORPORATE ? MdmKind.INTUNE : MdmKind.NONE,
                    ownership == Ownership.CORPORATE ? "mdm-" + id : null, null, app, compliance, at, false));
            record(at, owner, id, "inventory.new-device", "ok", Map.of("after", app + "/" + compliance, "ownership", ownership.name()));
        }

        Exemption exemption(String id, String member, String device, ExemptionStatus status, Instant requested, Instant expires) {
            Exemption asked = new Exemption(id, member, device, "committee work", ExemptionStatus.REQUESTED, member, requested,
                    null, null, null, null, null);
            exemptions.create(asked);
            record(requested, member, device, "exemption.requested", "ok", Map.of("exemption", id));
            if (status == ExemptionStatus.REQUESTED) return asked;
            Exemption granted = new Exemption(id, member, device, "committee work", ExemptionStatus.GRANTED, member, requested,
                    "arn:aws:iam::111122223333:user/approver", requested.plusSeconds(3600), expires, null, null);
            exemptions.transition(asked, granted);
            record(requested.plusSeconds(3600), member, device, "exemption.granted", "ok", Map.of("exemption", id, "expires", expires.toString()));
            return granted;
        }

        /** The campaign as the functions would have left it by the first digest, then {@code filler} quiet members more. */
        World campaign(int filler) {
            Instant before = nz("2023-03-20T09:00");
            for (String m : List.of("m-1", "m-2", "m-3", "m-4")) {
                members.save(Member.active(m, "Member " + m, m + "@example.org", Role.MEMBER));
                record(before, m, null, "notice.sent", "ok", Map.of("stage", "announcement", "kind", "announcement"));
            }
            device("d-esc", "m-1", Ownership.CORPORATE, AppPresence.PRESENT, ComplianceState.NONCOMPLIANT, before);
            record(nz("2023-03-31T06:00"), "m-1", "d-esc", "enforce.removal-started", "ok", Map.of());
            record(nz("2023-04-03T06:00"), "m-1", "d-esc", "enforce.escalated", "ok", Map.of());
            device("d-nb", "m-2", Ownership.CORPORATE, AppPresence.PRESENT, ComplianceState.UNKNOWN, before);
            device("d-ex", "m-3", Ownership.CORPORATE, AppPresence.PRESENT, ComplianceState.NONCOMPLIANT, before);
            exemption("ex-g", "m-3", "d-ex", ExemptionStatus.GRANTED, nz("2023-03-25T10:00"), DAY_2.plus(Duration.ofDays(3)));
            device("d-rm", "m-2", Ownership.CORPORATE, AppPresence.PRESENT, ComplianceState.UNKNOWN, before);
            record(nz("2023-03-31T06:00"), "m-2", "d-rm", "enforce.removal-started", "ok", Map.of());
            devices.save(devices.find("d-rm").orElseThrow().withAppPresence(AppPresence.ABSENT));
            record(nz("2023-04-01T06:00"), "m-2", "d-rm", "inventory.app-disappeared", "ok",
                    Map.of("before", "PRESENT/UNKNOWN", "after", "ABSENT/UNKNOWN", "ownership", "CORPORATE"));
            device("d-cl", "m-3", Ownership.CORPORATE, AppPresence.PRESENT, ComplianceState.UNKNOWN, before);
            record(nz("2023-03-31T06:00"), "m-3", "d-cl", "enforce.removal-started", "ok", Map.of());
            // Private devices: the MDM reports no app list, only compliance with the restricted-app rule.
            device("p-q", "m-4", Ownership.PRIVATE, AppPresence.UNKNOWN, ComplianceState.NONCOMPLIANT, before);
            record(nz("2023-04-02T09:00"), "m-4", "p-q", "nac.quarantined", "ok", Map.of());
            device("p-r", "m-4", Ownership.PRIVATE, AppPresence.UNKNOWN, ComplianceState.NONCOMPLIANT, before);
            record(nz("2023-04-02T09:00"), "m-4", "p-r", "nac.quarantined", "ok", Map.of());
            exemption("ex-req", "m-2", null, ExemptionStatus.REQUESTED, nz("2023-04-04T10:00"), null);
            Exemption old = exemption("ex-old", "m-4", null, ExemptionStatus.GRANTED, nz("2023-03-18T10:00"), nz("2023-04-01T00:00"));
            record(nz("2023-04-01T07:00"), "m-4", null, "exemption.notice-requested", "ok",
                    Map.of("exemption", old.id(), "kind", "exemption-expired", "occurredAt", old.expires().toString()));
            Exemption revoked = exemption("ex-rev", "m-1", "d-esc", ExemptionStatus.GRANTED, nz("2023-03-22T10:00"), nz("2023-06-01T00:00"));
            exemptions.transition(revoked, new Exemption(revoked.id(), revoked.member(), revoked.device(), revoked.reason(), ExemptionStatus.REVOKED,
                    revoked.requestedBy(), revoked.requestedAt(), revoked.decidedBy(), revoked.decidedAt(), revoked.expires(), null, null));
            record(nz("2023-03-29T10:00"), "m-1", "d-esc", "exemption.revoked", "ok", Map.of("exemption", revoked.id()));
            record(nz("2023-04-03T09:00"), "m-4", "p-amb-old", "nac.identity-unresolved", "reported", Map.of());
            for (int i = 0; i < filler; i++) {
                String m = "f-" + i;
                members.save(Member.active(m, "Member " + m, m + "@example.org", Role.STAFF));
                record(before, m, null, "notice.sent", "ok", Map.of("stage", "announcement", "kind", "announcement"));
                // Every tenth carries the app, each a private device: in the burndown's counters, in no list.
                boolean carrying = i % 10 == 5;
                Ownership ownership = i % 2 == 0 ? Ownership.CORPORATE : Ownership.PRIVATE;
                device("fd-" + i, m, ownership, ownership == Ownership.CORPORATE ? AppPresence.ABSENT : AppPresence.UNKNOWN,
                        carrying ? ComplianceState.NONCOMPLIANT : ComplianceState.COMPLIANT, before);
            }
            return this;
        }

        /** What happened between the two digests: the figures the second counts. */
        void betweenTheDigests() {
            record(nz("2023-04-06T10:00"), "m-4", "p-r", "nac.released", "ok", Map.of());
            record(nz("2023-04-06T10:05"), "m-4", "p-r", "inventory.compliance-changed", "ok",
                    Map.of("before", "UNKNOWN/NONCOMPLIANT", "after", "UNKNOWN/COMPLIANT", "ownership", "PRIVATE"));
            devices.save(devices.find("p-r").orElseThrow().withCompliance(ComplianceState.COMPLIANT));
            record(nz("2023-04-06T10:10"), "m-3", "d-cl", "inventory.app-disappeared", "ok",
                    Map.of("before", "PRESENT/UNKNOWN", "after", "ABSENT/UNKNOWN", "ownership", "CORPORATE"));
            devices.save(devices.find("d-cl").orElseThrow().withAppPresence(AppPresence.ABSENT));
            record(nz("2023-04-06T11:00"), "m-3", "p-q2", "nac.quarantined", "failed", Map.of());
            record(nz("2023-04-06T12:00"), "m-4", "p-amb", "nac.identity-unresolved", "reported", Map.of());
            exemption("ex-new", "m-1", "d-esc", ExemptionStatus.REQUESTED, nz("2023-04-06T13:00"), null);
            record(nz("2023-04-06T14:00"), "m-2", null, "notice.sent", "ok", Map.of("stage", "overdue-1", "kind", "overdue"));
        }

        /** The two digests; the second's requests are returned (the first writes the first day's reading). */
        AdminDigest.Report twoDigests(List<String> secondCalls) {
            clock.set(DAY_1);
            assertEquals("done", digest().run(Actor.schedule("admin-digest"), "run-1").status());
            betweenTheDigests();
            clock.set(DAY_2);
            log.requests().clear();
            AdminDigest.Report second = digest().run(Actor.schedule("admin-digest"), "run-2");
            assertEquals("done", second.status(), second.results().toString());
            log.requests().forEach(r -> secondCalls.add(r.get("operation") + (r.containsKey("index") ? " " + r.get("index") : "")));
            return second;
        }

        /** The digest's text as the administrator received it on {@code day} (through the emulator's SES). */
        String received(String day) {
            return EmulatorMailbox.to(recipient).stream().map(raw -> EmlReader.read(raw.getBytes(StandardCharsets.UTF_8)))
                    .filter(m -> m.subject().contains(day)).map(EmlReader.Message::text)
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no digest for " + day + " reached " + recipient));
        }
    }

    /** The reads the digest made before it was bounded: the campaign whole (FleetSnapshot) and the fleet's chain. */
    private static Map<String, Long> wholeCampaignRead(World w) {
        w.log.requests().clear();
        FleetSnapshot.load(w.policy, DAY_2, w.members, w.devices, w.exemptions, w.ledger);
        w.ledger.chain("fleet");
        List<String> calls = new ArrayList<>();
        w.log.requests().forEach(r -> calls.add(r.get("operation") + (r.containsKey("index") ? " " + r.get("index") : "")));
        return byCall(calls);
    }

    @Test
    void the_digest_scans_nothing_and_makes_the_same_calls_at_ten_and_at_two_hundred_devices() {
        List<String> small = new ArrayList<>();
        World few = new World().campaign(10);
        few.twoDigests(small);
        List<String> large = new ArrayList<>();
        World big = new World().campaign(200);
        big.twoDigests(large);
        System.out.println("AdminDigest AWS DynamoDB calls (a day's digest, past the deadline, one administrator): " + small.size() + " at 10 "
                + "quiet members and devices, " + large.size() + " at 200: " + byCall(large) + "; the reads alone of the digest before "
                + "(FleetSnapshot and the fleet chain, the sends not included): " + wholeCampaignRead(few) + " at 10, " + wholeCampaignRead(big) + " at 200");

        assertTrue(large.stream().noneMatch(c -> c.startsWith("Scan")), "no Scan: " + large);
        assertEquals(byCall(small), byCall(large), "the reads follow what the digest shows, not the roster or the fleet");
        assertTrue(large.size() <= 60, "a few dozen calls whatever the campaign's size: " + large);
        Set<String> indexes = new TreeSet<>();
        large.stream().filter(c -> c.startsWith("Query ")).forEach(c -> indexes.add(c.substring("Query ".length())));
        assertEquals(Set.of(DynamoDeviceStore.BY_CARRYING, DynamoLedger.BY_DEVICE, DynamoLedger.BY_ATTENTION,
                DynamoExemptionStore.BY_MEMBER, DynamoExemptionStore.BY_NOTICE_DUE), indexes, "Queries by index only: " + large);
    }

    @Test
    void what_the_digest_shows_is_what_a_recount_of_the_whole_campaign_gives() {
        World w = new World().campaign(60);
        AdminDigest.Report report = w.twoDigests(new ArrayList<>());

        // The whole campaign, read as the digest used to: every table, every chain.
        Instant at = DAY_2;
        List<LedgerEntry> everything = new ArrayList<>();
        for (String chain : w.ledger.chains()) everything.addAll(w.ledger.chain(chain));
        TallyCheck check = new TallyReconciliation(w.ledger).run(at, false);
        assertEquals(TallyCheck.AGREES, check.result(), "the counters the digest read are the ledger's recount: " + check.drift());

        Instant since = everything.stream().map(LedgerEntry::record).filter(r -> r.action().equals(AdminDigest.READING)
                && r.at().isBefore(DAY_2)).map(LedgerRecord::at).findFirst().orElseThrow();
        Map<String, Integer> changed = new LinkedHashMap<>();
        for (String c : DigestContent.CHANGES) changed.put(c, 0);
        for (LedgerEntry e : everything) {
            LedgerRecord r = e.record();
            if (!r.at().isAfter(since) || r.at().isAfter(at)) continue;
            boolean ok = r.outcome().equals("ok");
            switch (r.action()) {
                case "inventory.app-disappeared" -> changed.merge("removed", 1, Integer::sum);
                case "nac.quarantined" -> changed.merge("quarantined", ok ? 1 : 0, Integer::sum);
                case "nac.released" -> changed.merge("restored", ok ? 1 : 0, Integer::sum);
                case "enforce.escalated" -> changed.merge("escalated", ok ? 1 : 0, Integer::sum);
                case "exemption.requested" -> changed.merge("exemptions requested", 1, Integer::sum);
                case "exemption.granted" -> changed.merge("exemptions granted", 1, Integer::sum);
                default -> {
                }
            }
        }
        List<Exemption> allExemptions = w.exemptions.all();
        changed.put("exemptions expiring", (int) allExemptions.stream().filter(x -> x.status() == ExemptionStatus.GRANTED
                && x.expires().isAfter(at) && !x.expires().isAfter(at.plus(Duration.ofDays(w.policy.exemptions().expiringNoticeDays())))).count());
        assertEquals(changed, report.changes());
        assertEquals(Map.of("removed", 1, "quarantined", 0, "restored", 1, "escalated", 0, "exemptions requested", 1,
                "exemptions granted", 0, "exemptions expiring", 1), new TreeMap<>(report.changes()), "the fixture's own figures");

        // Levels: the old whole-campaign history (every chain, every device) against the metric line from the counters.
        CampaignHistory.Day whole = CampaignHistory.of(FleetSnapshot.load(w.policy, at, w.members, w.devices, w.exemptions, w.ledger)).last();
        String levels = report.metrics().get(0);
        assertTrue(levels.contains("\"DevicesCarryingCorporate\":" + whole.carrying(Ownership.CORPORATE) + ","), whole + " vs " + levels);
        assertTrue(levels.contains("\"DevicesCarryingPrivate\":" + whole.carrying(Ownership.PRIVATE) + ","), whole + " vs " + levels);
        assertTrue(levels.contains("\"DevicesOffNetwork\":" + whole.offNetwork() + ","), whole + " vs " + levels);
        assertTrue(levels.contains("\"ExemptionsActive\":" + whole.exemptionsActive() + "}"), whole + " vs " + levels);
        long carryingNow = w.devices.all().stream().filter(d -> !d.retired() && (d.appPresence() == AppPresence.PRESENT
                || d.compliance() == ComplianceState.NONCOMPLIANT)).count();
        assertEquals(carryingNow, whole.carryingTotal(), "and the stored inventory agrees");

        // What needs a person: each list against a whole read of the inventory, the exemptions and the chains.
        Set<String> escalated = new TreeSet<>();
        Set<String> removalStarted = new TreeSet<>();
        Set<String> ambiguous = new TreeSet<>();
        for (LedgerEntry e : everything) {
            LedgerRecord r = e.record();
            if (r.action().equals("enforce.escalated")) escalated.add(r.device());
            if (r.action().equals("enforce.removal-started")) removalStarted.add(r.device());
            if (r.action().equals("nac.identity-unresolved") && r.at().isAfter(at.minus(Duration.ofDays(2)))) ambiguous.add(r.device());
        }
        List<String> stillEscalated = new ArrayList<>();
        List<String> notBlockable = new ArrayList<>();
        for (Device d : w.devices.all()) {
            if (!DeviceStore.carryingCorporate(d)) continue;
            if (escalated.contains(d.id())) stillEscalated.add(d.id());
            else if (!removalStarted.contains(d.id()) && allExemptions.stream().noneMatch(x -> x.protects(d, at))) notBlockable.add(d.id());
        }
        List<String> pending = allExemptions.stream().filter(x -> x.status() == ExemptionStatus.REQUESTED).map(Exemption::id).sorted().toList();
        assertEquals(List.of("d-esc"), stillEscalated);
        assertEquals(List.of("d-nb"), notBlockable);
        assertEquals(Set.of("p-amb"), ambiguous);
        assertEquals(List.of("ex-new", "ex-req"), pending);
        assertEquals(stillEscalated.size(), report.attention().get(DigestContent.ESCALATIONS));
        assertEquals(notBlockable.size(), report.attention().get(DigestContent.NOT_BLOCKABLE));
        assertEquals(ambiguous.size(), report.attention().get(DigestContent.AMBIGUOUS));
        assertEquals(pending.size(), report.attention().get(DigestContent.PENDING));

        String text = w.received("Fri 7 Apr");
        for (String id : stillEscalated) assertTrue(text.contains("* " + id + " (member "), id + " in\n" + text);
        for (String id : notBlockable) assertTrue(text.contains("* " + id + " (member "), id + " in\n" + text);
        for (String id : pending) assertTrue(text.contains("* " + id + " (member "), id + " in\n" + text);
        assertTrue(text.contains("* p-amb\n") && !text.contains("p-amb-old"), text);
        assertEquals(whole.carryingTotal(), readingCarrying(w), "the day's reading, the burndown's last bar");
    }

    /** Devices carrying the app in today's reading, as the digest recorded it in the ledger. */
    private static long readingCarrying(World w) {
        LedgerEntry reading = w.ledger.byIdempotencyKey("digest/" + w.policy.id() + "/2023-04-07/reading").orElseThrow();
        CampaignTally t = DigestReading.of(java.time.LocalDate.parse("2023-04-07"), reading.record().at(), reading.record().details()).orElseThrow().tally();
        return t.carrying("corporate") + t.carrying("private");
    }

    private static Map<String, Long> byCall(List<String> calls) {
        Map<String, Long> counts = new TreeMap<>();
        calls.forEach(c -> counts.merge(c, 1L, Long::sum));
        return counts;
    }
}
