package org.appban.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.appban.domain.Actor;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MdmKind;
import org.appban.input.StrictObject;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.Ledger;
import org.appban.json.Json;

/**
 * The MDM's webhook: "this device's compliance changed". The request must carry a valid, fresh signature
 * ({@link WebhookSignature}) and a delivery id never seen before (remembered through a claim
 * {@code webhook/<id>}, so a replay inside the signature's time window is refused too). Body (strict):
 * <pre>{"id":"evt-8f14e45f","type":"device.compliance-changed","occurredAt":"2023-04-10T10:00:00+12:00",
 *  "device":{"mdm":"intune","mdmId":"..."},"compliance":"compliant"}</pre>
 * A report newer than what the inventory holds updates the device's compliance (the next inventory sync
 * confirms it from the MDM itself), is recorded in the owner's ledger chain, and the device is re-evaluated at
 * once: a device that complies gets its network access back without waiting for the daily run.
 */
public final class MdmWebhook {
    public static final String TYPE = "device.compliance-changed";
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");

    private final WebhookSignature signature;
    private final Claims claims;
    private final DeviceStore devices;
    private final Ledger ledger;
    private final NetworkAccessService service;
    private final Clock clock;

    public MdmWebhook(WebhookSignature signature, Claims claims, DeviceStore devices, Ledger ledger, NetworkAccessService service, Clock clock) {
        this.signature = signature;
        this.claims = claims;
        this.devices = devices;
        this.ledger = ledger;
        this.service = service;
        this.clock = clock;
    }

    /** The HTTP answer: status and a small JSON body (never echoing the request). */
    public record Answer(int status, Map<String, Object> body) {
    }

    public Answer receive(String signatureHeader, String body, String runId) {
        Instant now = clock.instant();
        WebhookSignature.Problem problem = signature.check(signatureHeader, body, now);
        if (problem != null) return refuse(401, "signature " + problem.name().toLowerCase(Locale.ROOT));
        JsonNode json;
        try {
            json = Json.parse(body);
        } catch (JsonProcessingException e) {
            return refuse(400, "the body is not JSON: " + Json.problem(e));
        }
        StrictObject.Problems problems = new StrictObject.Problems("webhook");
        StrictObject o = StrictObject.root(json, problems);
        String id = o.text("id");
        String type = o.text("type");
        Instant occurredAt = o.instant("occurredAt", true);
        StrictObject dev = o.object("device", true);
        MdmKind mdm = dev == null ? null : dev.parsed("mdm", true, "intune or jamf", MdmKind::parse);
        String mdmId = dev == null ? null : dev.text("mdmId");
        if (dev != null) dev.rejectUnknownFields();
        ComplianceState compliance = o.parsed("compliance", true, "compliant, noncompliant, inGracePeriod or unknown", ComplianceState::parse);
        o.rejectUnknownFields();
        if (id != null && !ID.matcher(id).matches()) o.problem("id", "must be 1 to 128 letters, digits and ._:-");
        if (type != null && !type.equals(TYPE)) o.problem("type", "must be " + TYPE);
        if (mdm == MdmKind.NONE) o.problem("device.mdm", "must name an MDM");
        if (!problems.isEmpty()) return refuse(400, problems.list().toString());

        String claimKey = "webhook/" + id;
        String deviceId = mdm.wireName() + ":" + mdmId;
        // The delivery's claim, its device and the reads of the device's run that need only its id, at once: a round
        // trip where they took five one after another. Reads only: if the claim is refused they are let go unused.
        Alongside<Optional<Device>> found = Alongside.start(() -> devices.find(deviceId));
        NetworkAccessService.Started reads = service.start(List.of(deviceId));
        Claims.Outcome claim;
        try {
            claim = claims.claim(claimKey, runId, now, Duration.ofMinutes(5));
        } catch (RuntimeException e) {
            found.settle();
            reads.settle();
            throw e;
        }
        if (claim == Claims.Outcome.ALREADY_DONE || claim == Claims.Outcome.HELD_ELSEWHERE) {
            found.settle();
            reads.settle();
            return claim == Claims.Outcome.ALREADY_DONE ? refuse(409, "delivery " + id + " was received before: replay refused")
                    : refuse(409, "delivery " + id + " is being processed");
        }
        try {
            Answer answer = apply(id, occurredAt, deviceId, compliance, runId, now, found, reads);
            claims.complete(claimKey, runId, "status " + answer.status(), clock.instant());
            return answer;
        } catch (RuntimeException e) {
            found.settle();
            reads.settle();
            // Nothing recorded as received: the MDM's retry of this delivery is processed.
            claims.release(claimKey, runId);
            throw e;
        }
    }

    private Answer apply(String id, Instant occurredAt, String deviceId, ComplianceState compliance, String runId, Instant now,
                         Alongside<Optional<Device>> read, NetworkAccessService.Started reads) {
        Optional<Device> found = read.join();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("delivery", id);
        body.put("device", deviceId);
        if (found.isEmpty()) {
            reads.settle();
            body.put("status", "ignored");
            body.put("reason", "no such device in the inventory (the next inventory sync may add it)");
            return new Answer(202, body);
        }
        Device d = found.get();
        // Newer than the latest report the store may stand for: a device whose check-ins are kept coarsely
        // (CheckIns) may have reported after its stored time, so an event in between is left to the hourly sync.
        Instant latest = org.appban.inventory.CheckIns.latestPossible(d);
        boolean newer = latest == null || occurredAt.isAfter(latest);
        Device judged = d;
        Alongside<Void> recorded = Alongside.done(null);
        if (newer && d.compliance() != compliance) {
            Device reported = d.withCompliance(compliance).withLastSeen(occurredAt);
            judged = reported;
            Map<String, String> details = new LinkedHashMap<>();
            details.put("via", "mdm webhook");
            details.put("delivery", id);
            details.put("before", d.compliance().name());
            details.put("after", compliance.name());
            details.put("reportedAt", occurredAt.toString());
            LedgerRecord entry = new LedgerRecord(now, Actor.event("webhook:" + id), d.owner(), d.id(), "device.compliance-reported", "ok", false,
                    "webhook/" + id, details);
            // Beside the run's reads. The entry first, then the device: a crash between the two leaves the device as it
            // was, so the MDM's retry reports the change again and finds its entry by the key, where the other order
            // left a changed device whose change no entry records.
            recorded = Alongside.run(() -> {
                ledger.append(entry);
                devices.save(reported);
            });
        }
        Alongside<Void> writes = recorded;
        AccessReport report;
        try {
            // The device judged as saved, without reading it back; its run acts only once the writes are done.
            report = service.run(AccessRequest.devices("webhook", List.of(d.id())), Actor.event("webhook:" + id), runId, List.of(judged), reads,
                    writes::join);
        } catch (RuntimeException e) {
            writes.settle();
            throw e;
        }
        writes.join();
        body.put("status", newer ? "applied" : "stale");
        if (!newer) body.put("reason", "the inventory holds (or may hold) a newer report");
        body.put("decisions", report.decisions());
        body.put("actions", report.actions().stream().map(a -> a.action() + ":" + a.outcome()).toList());
        return new Answer(200, body);
    }

    private static Answer refuse(int status, String why) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "refused");
        body.put("reason", why);
        return new Answer(status, body);
    }
}
