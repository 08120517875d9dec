package org.appban.admin;

import org.appban.admin.requests.Administration;
import org.appban.admin.requests.AdministrationJson;
import org.appban.lambda.admin.AdminHandler;
import org.appban.testing.TestClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.appban.admin.preview.CampaignPreview;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.exemption.ExemptionFixtures;
import org.appban.exemption.ExemptionService;
import org.appban.identity.FunctionUrlEvent;
import org.appban.json.Json;
import org.appban.lambda.LocalContext;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;
import org.appban.report.Reports;
import org.appban.safety.KillSwitch;
import org.appban.testing.ProjectLayout;
import static org.appban.exemption.ExemptionFixtures.CLERK;
import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.appban.exemption.ExemptionFixtures.POLICY;
import static org.appban.exemption.ExemptionFixtures.corporate;
import static org.appban.exemption.ExemptionFixtures.nz;
import static org.appban.exemption.ExemptionFixtures.personal;

/**
 * The small world the example admin requests in events/admin/ run against (here, and on the emulator in
 * TemplateContractIT): three members, four devices, one
 * exemption in each state an example needs, two notices sent; on any adapters of the ports.
 */
public final class AdminWorld {
    static final Instant NOW = nz("2023-03-20T10:00");
    /** The approval the seed leaves pending (see approval-approve.json). */
    public static final String PENDING_APPROVAL = "apr-00000000e0a1";

    final MemberStore members;
    final DeviceStore devices;
    final ExemptionStore exemptions;
    final Ledger ledger;
    final KillSwitch killSwitch;
    final Reports reports;
    final TestClock clock = new TestClock(NOW);
    final ExemptionFixtures.RecordedNotices notices = new ExemptionFixtures.RecordedNotices();
    /** Manual runs the admin function handed on (to enforce-removal, network-access). */
    final ManualRuns.Recorded runs = new ManualRuns.Recorded();
    final Administration administration;
    /** The service as the admin function calls it: JSON requests in, the envelope out. */
    final AdministrationJson endpoint;
    /** The stack's anchored digests (as the digest bucket would hold them); {@link #seed} anchors the seeded ledger. */
    final org.appban.ledger.InMemoryDigestStore digests = new org.appban.ledger.InMemoryDigestStore();
    static final String LEDGER_NAME = "appban-test-LedgerTable";
    final AdminHandler handler;

    public AdminWorld(MemberStore members, DeviceStore devices, ExemptionStore exemptions, Ledger ledger, KillSwitch killSwitch, Reports reports) {
        this.members = members;
        this.devices = devices;
        this.exemptions = exemptions;
        this.ledger = ledger;
        this.killSwitch = killSwitch;
        this.reports = reports;
        ExemptionService service = new ExemptionService(POLICY, members, devices, exemptions, ledger, notices, clock);
        this.administration = new Administration(POLICY, new AdminRequestJson(POLICY), members, devices, exemptions, ledger, service,
                killSwitch, new StatusExport(reports), new LedgerAudit(ledger, reports, new org.appban.ledger.LedgerJson(),
                        new LedgerAudit.Anchoring(digests, LEDGER_NAME, org.appban.ledger.LedgerDigestJson.JSON)),
                CampaignPreview.standard(POLICY),
                NetworkAccessLookup.fromLedger(Map.of("network.quarantined", "quarantined", "network.released", "allowed")), runs, clock);
        this.endpoint = new AdministrationJson(administration);
        this.handler = new AdminHandler(administration);
    }

    /** The admin function's handler over this world, for tools that invoke it as Lambda would. */
    /** Manual runs handed on so far (function and authorisation id, in order). */
    public ManualRuns.Recorded runs() {
        return runs;
    }

    public AdminHandler handler() {
        return handler;
    }

    public ExemptionStore exemptions() {
        return exemptions;
    }

    public Ledger ledger() {
        return ledger;
    }

    public KillSwitch killSwitch() {
        return killSwitch;
    }

    public AdminWorld seed() {
        members.save(Member.active("m-001", "Aroha Tūhoe", "aroha.tuhoe@parliament.govt.nz", Role.MEMBER));
        members.save(Member.active("m-002", "Ben O'Connor", "ben.oconnor@parliament.govt.nz", Role.MEMBER));
        members.save(Member.active("m-003", "Mere Ngata", "mere.ngata@parliament.govt.nz", Role.STAFF));
        devices.save(corporate("d-101", "m-001", AppPresence.PRESENT));
        devices.save(personal("d-102", "m-001", ComplianceState.NONCOMPLIANT));
        devices.save(corporate("d-201", "m-002", AppPresence.ABSENT));
        devices.save(personal("d-301", "m-003", ComplianceState.NONCOMPLIANT));
        exemptions.create(ExemptionFixtures.requested("ex-example-requested", "m-001", null, CLERK));
        exemptions.create(ExemptionFixtures.requested("ex-example-requested-by-manager", "m-001", "d-101", MANAGER));
        exemptions.create(ExemptionFixtures.requested("ex-example-to-refuse", "m-002", null, CLERK));
        exemptions.create(new Exemption("ex-example-granted", "m-003", "d-301", "Chairs the inquiry's hearings", ExemptionStatus.GRANTED,
                CLERK, nz("2023-03-17T10:00"), MANAGER, nz("2023-03-17T12:00"), nz("2023-06-30T17:00"), null, null));
        notice("m-001", "announcement", nz("2023-03-17T09:00"));
        notice("m-002", "announcement", nz("2023-03-17T09:00"));
        // hana asked to turn the kill switch off an hour ago; it waits for a second administrator (approval-approve.json).
        ledger.append(new LedgerRecord(NOW.minusSeconds(3600), Actor.administrator(CLERK), null, null, SecondApprovals.REQUESTED, "pending",
                false, "approval/" + PENDING_APPROVAL + "/requested", Map.of("approval", PENDING_APPROVAL, "operation", "killswitch.off",
                "request", "{\"operation\":\"killswitch.off\",\"reason\":\"complaint investigated, resume\"}", "requestedBy", CLERK,
                "expires", NOW.plusSeconds(23 * 3600).toString(), "why", "turning the kill switch off")));
        new org.appban.ledger.LedgerAnchor(ledger, digests, org.appban.ledger.LedgerDigestJson.JSON, LEDGER_NAME, clock).anchor();
        return this;
    }

    private void notice(String member, String stage, Instant at) {
        ledger.append(new LedgerRecord(at, Actor.schedule("notify-daily"), member, null, "notice.sent", "ok", false,
                "notice/" + POLICY.id() + "/" + member + "/" + stage + "/sent",
                Map.of("stage", stage, "kind", stage, "providerMessageId", "0100-" + member)));
    }

    /**
     * Invokes the handler as Lambda would. A function URL event (a sample) goes as it is and its response is
     * answered; a bare request is sent to the function URL signed by {@code caller} (an IAM principal ARN), and
     * the response's body is answered, or, with no caller, invoked directly (proving nobody).
     */
    JsonNode invoke(String event, String caller) {
        boolean url = false;
        try {
            url = AdminHandler.isFunctionUrlRequest(Json.parse(event));
        } catch (IOException notJson) {
            // sent as it is: the handler answers what is wrong with it
        }
        if (url || caller == null) return raw(event);
        JsonNode response = raw(FunctionUrlEvent.signedBy(caller, event).toString());
        try {
            return Json.parse(response.path("body").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The handler's answer to these bytes, through its stream entry point. */
    JsonNode raw(String event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, LocalContext.invocation("appban-admin"));
            return Json.parse(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path events() {
        return ProjectLayout.root().resolve("events").resolve("admin");
    }

    /** The admin request a sample carries (the body of its function URL event). */
    static String event(String name) {
        try {
            JsonNode sample = Json.parse(events().resolve(name));
            return AdminHandler.isFunctionUrlRequest(sample) ? sample.path("body").asText() : Json.write(sample);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sample as it is: the function URL event Lambda delivers. */
    static String sample(String name) {
        try {
            return Files.readString(events().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
