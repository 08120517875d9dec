package org.appban.access;

import java.io.BufferedReader;
import java.io.StringReader;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.network.NetworkAccess;
import org.appban.notice.Attestations;
import org.appban.policy.BanPolicy;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;
import org.appban.remote.Secret;
import org.appban.safety.KillSwitch;
import org.appban.json.Json;

/**
 * The network-access and attestation functions in process, for the rehearsal and the benchmark: the same services
 * the handlers call, over whatever adapters the caller passes (in-memory stores, the ISE simulator, a simulated
 * clock), wired the way {@code Production} wires them and the way the events between them flow on AWS
 * (an attestation re-evaluates the member's devices at once, as {@code MemberAttested} does; a telemetry batch
 * re-evaluates the devices seen in it, as the S3 notification does).
 *
 * <p>Typical rehearsal use, on the simulated clock:
 * <pre>
 * EmbeddedAccess access = EmbeddedAccess.of(policy, members, devices, exemptions, ledger, claims, new InMemoryEvidenceStore(),
 *         iseAdapter, killSwitch, notices, alerts, clock);
 * access.run(AccessRequest.schedule(), Actor.schedule("network-access-daily"), runId);   // daily, from the deadline on
 * access.attest("m10");                                                                  // a fleet attestation falls due
 * access.telemetry("dns:" + day, dnsLines);                                              // TelemetryGenerator's lines
 * </pre>
 */
public final class EmbeddedAccess {
    /** A key for links made and opened in the same process; nothing outside the rehearsal ever sees it. */
    private static final Secret REHEARSAL_KEY = new Secret("appban-rehearsal-link-key-not-a-secret-0123456789");

    private final NetworkAccessService service;
    private final TelemetryIngest telemetry;
    private final AttestationService attestations;
    private final AttestationLinks links;
    private final Clock clock;
    private int runs;
    private AccessReport lastAttestationRun;

    /** An attestation as recorded, and the re-evaluation of the member's devices it caused (null if none ran). */
    public record Attested(AttestationService.Result attestation, AccessReport access) {
    }

    private EmbeddedAccess(NetworkAccessService service, TelemetryIngest telemetry, AttestationService attestations, AttestationLinks links, Clock clock) {
        this.service = service;
        this.telemetry = telemetry;
        this.attestations = attestations;
        this.links = links;
        this.clock = clock;
    }

    public static EmbeddedAccess of(BanPolicy policy, MemberStore members, DeviceStore devices, ExemptionStore exemptions, Ledger ledger,
                                    Claims claims, EvidenceStore evidence, NetworkAccess nac, KillSwitch killSwitch, AccessNotices notices,
                                    AccessAlerts alerts, Clock clock) {
        NetworkAccessService service = new NetworkAccessService(policy, devices, exemptions, Attestations.fromLedger(ledger), evidence, nac,
                killSwitch, claims, ledger, notices, alerts, clock);
        SignedLinks signer = new SignedLinks(REHEARSAL_KEY, SignedLinks.ATTESTATION);
        EmbeddedAccess[] self = new EmbeddedAccess[1];
        // What MemberAttested does on AWS: the member's devices are looked at again at once.
        AttestationEvents events = (member, at) -> self[0].lastAttestationRun = self[0].service.run(AccessRequest.members("member-attested", List.of(member)),
                Actor.event("attestation:" + member), self[0].nextRunId("attested"));
        AttestationService attestation = new AttestationService(signer, members, ledger, events, policy, clock);
        self[0] = new EmbeddedAccess(service, new TelemetryIngest(policy.app(), devices, evidence, ledger, clock), attestation,
                new AttestationLinks(signer, URI.create("https://attest.rehearsal.invalid/"), policy.privateDevices().attestationLinkDays()), clock);
        return self[0];
    }

    /**
     * The signed links the rehearsal's notices carry, as the deployed notify function's do: the attestation link (the
     * same key and base as {@link #attest}'s) and the exemption request link, both with the rehearsal's key.
     */
    public static org.appban.notice.LinkIssuer rehearsalLinks(BanPolicy policy) {
        int days = policy.privateDevices().attestationLinkDays();
        return new AttestationLinks(new SignedLinks(REHEARSAL_KEY, SignedLinks.ATTESTATION), URI.create("https://attest.rehearsal.invalid/"), days)
                .withExemptionLinks(new org.appban.exemption.SignedExemptionLinks(URI.create("https://exemption.rehearsal.invalid/"),
                        new org.appban.signing.SignedTokens(org.appban.signing.Signer.withKey(REHEARSAL_KEY.reveal())), java.time.Duration.ofDays(days)));
    }

    public NetworkAccessService service() {
        return service;
    }

    public AccessReport run(AccessRequest request, Actor actor, String runId) {
        return service.run(request, actor, runId);
    }

    /**
     * The member opens a fresh signed link and confirms, now (the rehearsal's clock): recorded in their ledger chain
     * exactly as the attestation function records it, then their devices are re-evaluated.
     */
    public synchronized Attested attest(String member) {
        String url = links.url(member, "rehearsal", clock.instant());
        String token = URI.create(url).getRawQuery().substring("t=".length());
        lastAttestationRun = null;
        AttestationService.Result result = attestations.attest(token);
        return new Attested(result, lastAttestationRun);
    }

    /** A batch of telemetry lines (JSON lines, e.g. from the simulators' TelemetryGenerator), then the devices seen. */
    public Map<String, Object> telemetry(String source, List<String> jsonLines) {
        Actor actor = Actor.event("telemetry:" + source);
        TelemetryReport report = telemetry.ingest(source, Integer.toHexString(jsonLines.hashCode()),
                TelemetryReader.log(new BufferedReader(new StringReader(String.join("\n", jsonLines))), TelemetryReader.Format.JSON_LINES), actor, false);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("telemetry", report);
        if (!report.devices().isEmpty()) {
            out.put("access", service.run(AccessRequest.devices("telemetry", report.devices()), actor, nextRunId("telemetry")));
        }
        return out;
    }

    /** A report as the function would return it, for printing. */
    public static String json(Object report) {
        return Json.pretty(report);
    }

    private synchronized String nextRunId(String what) {
        return "embedded-" + what + "-" + (++runs);
    }
}
