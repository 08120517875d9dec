package org.appban.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import org.appban.admin.AdminRequest;
import org.appban.admin.SecondApprovals;
import org.appban.domain.Actor;
import org.appban.identity.FunctionUrlEvent;
import org.appban.identity.FunctionUrlIdentity;
import org.appban.json.Json;
import org.appban.domain.AppPresence;
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
import org.appban.mail.OutgoingMail;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.mail.Mailer;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.TestClock;
import org.junit.jupiter.api.Test;

/** The administrators' daily digest: what it says, and that each administrator gets it once a day whatever retries do. */
class AdminDigestTest {
    private static final ZoneId NZ = ZoneId.of("Pacific/Auckland");
    private static final BanPolicy BUNDLED = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    private static final BanPolicy POLICY = withDigest(List.of("ict-security-manager@parliament.govt.nz", "servicedesk@parliament.govt.nz"));

    private final TestClock clock = new TestClock(nz("2023-04-07T08:30"));
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private final InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final InMemoryClaims claims = new InMemoryClaims();
    private final Mailbag mailer = new Mailbag();

    private static BanPolicy withDigest(List<String> recipients) {
        BanPolicy p = BUNDLED;
        return new BanPolicy(p.id(), p.title(), p.organisation(), p.app(), p.zone(), p.announcement(), p.deadline(), p.notices(),
                p.privateDevices(), p.enforcement(), p.exemptions(), p.sender(), p.contact(), p.deadlineOffset(),
                new BanPolicy.AdminDigest(LocalTime.of(8, 30), recipients, "https://reports.example.org/status"));
    }

    private static Instant nz(String local) {
        return LocalDateTime.parse(local).atZone(NZ).toInstant();
    }

    /** Accepts every message, unless told to refuse or fail the next ones. */
    static final class Mailbag implements Mailer {
        final List<OutgoingMail> sent = new ArrayList<>();
        final List<RuntimeException> next = new ArrayList<>();

        @Override
        public String send(OutgoingMail mail) {
            if (!next.isEmpty()) throw next.remove(0);
            sent.add(mail);
            return "ses-" + sent.size();
        }
    }

    private AdminDigest digest() {
        return digest(POLICY);
    }

    private AdminDigest digest(BanPolicy policy) {
        return new AdminDigest(policy, devices, exemptions, ledger, claims, mailer, new DigestMail(policy, new MimeWriter(), null),
                FleetChainApprovals.of(policy, ledger), clock, Duration.ofMinutes(16));
    }

    private void record(String at, String member, String device, String action, String outcome) {
        ledger.append(new LedgerRecord(nz(at), Actor.schedule("test"), member, device, action, outcome, false,
                action + "/" + member + "/" + device + "/" + at, Map.of()));
    }

    private void seed() {
        members.save(Member.active("m-1", "Aroha Tūhoe", "aroha@example.org", Role.MEMBER));
        members.save(Member.active("m-2", "Ben O'Connor", "ben@example.org", Role.STAFF));
        devices.save(new Device("d-1", "m-1", Ownership.CORPORATE, Platform.IOS, "iPhone 14", true, MdmKind.INTUNE, "mdm-d-1",
                null, AppPresence.PRESENT, ComplianceState.NONCOMPLIANT, nz("2023-04-06T08:00"), false));
        devices.save(new Device("d-2", "m-2", Ownership.CORPORATE, Platform.ANDROID, "Pixel 7", true, MdmKind.INTUNE, "mdm-d-2",
                null, AppPresence.PRESENT, ComplianceState.NONCOMPLIANT, nz("2023-04-06T08:00"), false));
        exemptions.create(new Exemption("ex-1", "m-2", null, "committee work", ExemptionStatus.REQUESTED, "m-2", nz("2023-04-05T10:00"),
                null, null, null, null, null));
        for (String d : List.of("d-1", "d-2")) {
            ledger.append(new LedgerRecord(nz("2023-04-06T08:00"), Actor.schedule("test"), d.equals("d-1") ? "m-1" : "m-2", d,
                    "inventory.new-device", "ok", false, "inventory/" + d, Map.of("after", "PRESENT/NONCOMPLIANT", "ownership", "CORPORATE")));
        }
        record("2023-04-03T06:00", "m-1", "d-1", "enforce.escalated", "ok");
        record("2023-04-06T09:00", "m-2", "<b>d-9</b>", "nac.identity-unresolved", "reported");
        record("2023-04-06T10:00", "m-2", "d-3", "nac.quarantined", "ok");
        record("2023-04-06T11:00", "m-2", "d-4", "nac.quarantined", "ok");
    }

    private List<LedgerRecord> actions(String action) {
        List<LedgerRecord> out = new ArrayList<>();
        for (String chain : ledger.chains()) for (LedgerEntry e : ledger.chain(chain)) if (e.record().action().equals(action)) out.add(e.record());
        return out;
    }

    @Test
    void each_administrator_gets_one_digest_a_day_however_often_it_runs() {
        seed();
        AdminDigest.Report first = digest().run(Actor.schedule("admin-digest"), "run-1");
        assertEquals("done", first.status());
        assertEquals(2, mailer.sent.size());
        clock.advance(Duration.ofMinutes(5));
        AdminDigest.Report again = digest().run(Actor.schedule("admin-digest"), "run-2");
        assertEquals(List.of("already-sent", "already-sent"), again.results().stream().map(r -> r.get("result")).toList());
        AdminDigest.Report retried = digest().run(Actor.schedule("admin-digest"), "run-1");
        assertEquals("done", retried.status());
        assertEquals(2, mailer.sent.size(), "neither a second schedule nor a retried invocation sends again");
        assertEquals(2, actions("digest.sent").size());
        assertEquals(1, actions("digest.day").size());

        clock.set(nz("2023-04-08T08:30"));
        digest().run(Actor.schedule("admin-digest"), "run-3");
        assertEquals(4, mailer.sent.size(), "the next day is another digest");
        assertEquals(2, actions("digest.day").size());
    }

    @Test
    void a_refused_send_is_sent_by_the_retry_and_only_once() {
        seed();
        mailer.next.add(new Mailer.Throttled("Maximum sending rate exceeded.", false, null));
        AdminDigest.Report first = digest().run(Actor.schedule("admin-digest"), "run-1");
        assertEquals("incomplete", first.status());
        assertTrue(first.incomplete());
        assertEquals(List.of("throttled", "sent"), first.results().stream().map(r -> r.get("result")).toList());
        assertEquals(0, actions("digest.day").size(), "the day is recorded once everyone has it");

        clock.advance(Duration.ofMinutes(1));
        AdminDigest.Report retry = digest().run(Actor.schedule("admin-digest"), "run-1");
        assertEquals(List.of("sent", "already-sent"), retry.results().stream().map(r -> r.get("result")).toList());
        assertEquals(2, mailer.sent.size());
        assertEquals(1, actions("digest.day").size());
    }

    @Test
    void what_changed_counts_from_the_last_digest_and_what_needs_a_person_is_listed() {
        seed();
        digest().run(Actor.schedule("admin-digest"), "run-1");
        // After that digest: one more quarantine, one restore.
        record("2023-04-07T10:00", "m-2", "d-5", "nac.quarantined", "ok");
        record("2023-04-07T12:00", "m-2", "d-3", "nac.released", "ok");
        clock.set(nz("2023-04-08T08:30"));
        AdminDigest.Report next = digest().run(Actor.schedule("admin-digest"), "run-2");
        assertEquals(1, next.changes().get("quarantined"), "the two of the 6th were in yesterday's digest");
        assertEquals(1, next.changes().get("restored"));
        assertEquals(1, next.attention().get(DigestContent.ESCALATIONS));
        assertEquals(1, next.attention().get(DigestContent.PENDING));
        assertEquals(1, next.attention().get(DigestContent.NOT_BLOCKABLE), "d-2: corporate, carrying, no removal started");

        EmlReader.Message m = EmlReader.read(mailer.sent.get(2).mime().bytes());
        assertTrue(m.subject().startsWith("TikTok ban: daily digest for Sat 8 Apr"), m.subject());
        assertTrue(m.html().contains("d-1 (member m-1)"), m.html());
        assertTrue(m.html().contains("ex-1 (member m-2, all devices)"));
        assertTrue(m.html().contains("https://reports.example.org/status"));
        assertFalse(m.html().contains("<svg"), "mail clients drop SVG: the bars are table cells");
        assertTrue(m.html().contains("bgcolor=\"#1f4e79\""));
        assertTrue(m.text().contains("NEEDS A PERSON"));
    }

    @Test
    void acts_waiting_for_a_second_administrator_are_listed_until_approved_or_lapsed() throws Exception {
        seed();
        SecondApprovals rule = new SecondApprovals(BUNDLED.administration().secondApproval(), NZ, ledger, clock);
        String hana = "arn:aws:sts::111122223333:assumed-role/appban-operator/hana";
        String rawiri = "arn:aws:sts::111122223333:assumed-role/appban-operator/rawiri";
        JsonNode off = Json.parse("{\"operation\":\"killswitch.off\",\"reason\":\"resolved\"}");
        clock.set(nz("2023-04-07T07:00"));
        SecondApprovals.Approval waiting = rule.request(new AdminRequest.KillSwitchSet(false, "resolved"), Json.write(off),
                FunctionUrlIdentity.of(FunctionUrlEvent.signedBy(hana, "{}")));
        JsonNode other = Json.parse("{\"operation\":\"killswitch.off\",\"reason\":\"second\"}");
        SecondApprovals.Approval approved = rule.request(new AdminRequest.KillSwitchSet(false, "second"), Json.write(other),
                FunctionUrlIdentity.of(FunctionUrlEvent.signedBy(hana, "{}")));
        rule.approve(approved.id(), FunctionUrlIdentity.of(FunctionUrlEvent.signedBy(rawiri, "{}")));

        clock.set(nz("2023-04-07T08:30"));
        AdminDigest.Report today = digest().run(Actor.schedule("admin-digest"), "run-1");
        assertEquals(1, today.attention().get(DigestContent.SECOND_APPROVALS), "the approved one needs nobody");
        EmlReader.Message m = EmlReader.read(mailer.sent.get(0).mime().bytes());
        assertTrue(m.text().contains(DigestContent.SECOND_APPROVALS + ": 1"), m.text());
        assertTrue(m.text().contains(waiting.id() + ": killswitch.off, asked by " + hana + ", lapses " + waiting.expires()), m.text());
        assertTrue(m.html().contains(waiting.id() + ": killswitch.off"), m.html());
        LedgerRecord day = actions("digest.day").get(0);
        assertEquals("1", day.details().get("attention.second-approvals"), day.details().toString());

        clock.set(nz("2023-04-08T08:30"));
        AdminDigest.Report tomorrow = digest().run(Actor.schedule("admin-digest"), "run-2");
        assertEquals(0, tomorrow.attention().get(DigestContent.SECOND_APPROVALS),
                "a request lapses after the policy's pendingHours (24) and can no longer be approved");
    }

    @Test
    void whatever_the_ledger_and_roster_hold_is_escaped_and_no_address_reaches_the_ledger() {
        seed();
        clock.set(nz("2023-04-07T08:30"));
        digest().run(Actor.schedule("admin-digest"), "run-1");
        String html = EmlReader.read(mailer.sent.get(0).mime().bytes()).html();
        assertFalse(html.contains("<b>d-9</b>"));
        assertTrue(html.contains("&lt;b&gt;d-9&lt;/b&gt;"));
        for (String chain : ledger.chains()) {
            for (LedgerEntry e : ledger.chain(chain)) {
                if (!e.record().action().startsWith("digest.")) continue;
                String all = e.record().details() + " " + e.record().idempotencyKey();
                assertFalse(all.contains("ict-security-manager@") || all.contains("servicedesk@"), all);
            }
        }
    }

    @Test
    void the_day_metrics_are_embedded_metric_format_lines() {
        // Yesterday's reading came before the two quarantines of the 6th; today's after: they are yesterday's counts.
        clock.set(nz("2023-04-06T08:30"));
        digest().run(Actor.schedule("admin-digest"), "run-0");
        seed();
        clock.set(nz("2023-04-07T08:30"));
        AdminDigest.Report r = digest().run(Actor.schedule("admin-digest"), "run-1");
        assertTrue(r.metrics().get(0).startsWith("{\"_aws\":{\"Timestamp\":" + clock.instant().toEpochMilli()), r.metrics().get(0));
        assertTrue(r.metrics().get(0).contains("\"Namespace\":\"Appban\""));
        assertTrue(r.metrics().get(0).contains("\"DevicesCarryingCorporate\":2"), r.metrics().get(0));
        assertTrue(r.metrics().get(1).contains("\"DevicesQuarantined\":2"), "yesterday's quarantines: " + r.metrics().get(1));
        assertTrue(r.metrics().get(1).contains("\"Timestamp\":" + nz("2023-04-06T00:00").toEpochMilli()), r.metrics().get(1));
        for (String line : r.metrics()) assertFalse(line.contains("m-1") || line.contains("d-1") || line.contains("@"), line);
    }

    @Test
    void a_policy_without_a_digest_still_writes_the_metrics_and_sends_nothing() {
        seed();
        AdminDigest none = digest(BUNDLED.digest().isPresent() ? new BanPolicy(BUNDLED.id(), BUNDLED.title(), BUNDLED.organisation(),
                BUNDLED.app(), BUNDLED.zone(), BUNDLED.announcement(), BUNDLED.deadline(), BUNDLED.notices(), BUNDLED.privateDevices(),
                BUNDLED.enforcement(), BUNDLED.exemptions(), BUNDLED.sender(), BUNDLED.contact()) : BUNDLED);
        AdminDigest.Report r = none.run(Actor.schedule("admin-digest"), "run-1");
        assertEquals("no-digest", r.status());
        assertTrue(mailer.sent.isEmpty());
        assertFalse(r.metrics().isEmpty());
    }

    @Test
    void recipients_are_named_in_keys_by_a_hash() {
        assertEquals(16, AdminDigest.hash("a@example.org").length());
        assertEquals(AdminDigest.hash("A@Example.org"), AdminDigest.hash("a@example.org"));
        assertFalse(new String(AdminDigest.hash("a@example.org").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("@"));
    }
}
