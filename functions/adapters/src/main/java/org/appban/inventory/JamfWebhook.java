package org.appban.inventory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.appban.domain.Actor;
import org.appban.domain.Device;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MdmKind;
import org.appban.fleet.jamf.JamfIds;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.Ledger;

/**
 * Jamf Pro's device webhooks ({@link JamfWebhookEvent}), each re-evaluating its device exactly as the hourly
 * inventory sync does ({@link DeviceRefresh}: the device read from Jamf Pro, compared with the stored one, each change
 * published as {@code DeviceStatusChanged} to notices and network access), so a member who removes the app is
 * released within minutes of their device's next check-in, not at the next hourly sync.
 *
 * <p>In order, each step refusing what fails it: the credentials Jamf Pro was configured with ({@link JamfWebhookAuth},
 * 401); the payload (400, a malformed body or an event this system does not handle); the event time, which must be
 * within {@link #WINDOW} of now (409: a replayed or long-delayed delivery); the device, which must be known (404;
 * {@code MobileDeviceEnrolled} excepted when Jamf Pro itself has the device: a new enrolment is how a device becomes
 * known); and each event once (409), remembered through a claim on the event's identity. A refusal acts on nothing:
 * it is counted (an Embedded Metric Format line, metric {@value #METRIC} by reason, in the function's log) and
 * recorded in the ledger ({@code jamf-webhook.refused}, with the reason, never the body).
 */
public final class JamfWebhook {
    public static final Duration WINDOW = Duration.ofMinutes(5);
    public static final String METRIC = "JamfWebhookRefused";
    /** How long an event's identity is remembered: past the window, a replay is refused by its time already. */
    static final Duration REMEMBERED = WINDOW.multipliedBy(2);

    /** The HTTP answer: status and a small JSON body (never echoing the request). */
    public record Answer(int status, Map<String, Object> body) {
    }

    private final Supplier<JamfWebhookAuth> auth;
    private final Claims claims;
    private final DeviceStore devices;
    private final Ledger ledger;
    private final DeviceRefresh refresh;
    private final Consumer<String> metrics;
    private final Clock clock;
    private final Map<String, Integer> refused = new ConcurrentHashMap<>();

    /**
     * @param auth    read when the first request arrives (the function serves other triggers that never need it)
     * @param metrics where the refusal count lines go (the function's log: CloudWatch turns them into the metric)
     */
    public JamfWebhook(Supplier<JamfWebhookAuth> auth, Claims claims, DeviceStore devices, Ledger ledger, DeviceRefresh refresh,
                       Consumer<String> metrics, Clock clock) {
        this.auth = auth;
        this.claims = claims;
        this.devices = devices;
        this.ledger = ledger;
        this.refresh = refresh;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Refusals counted since this receiver was built, by reason. */
    public Map<String, Integer> refused() {
        return new TreeMap<>(refused);
    }

    public Answer receive(Map<String, String> headers, String body, String runId) {
        Instant now = clock.instant();
        if (!auth.get().accepts(headers)) return refuse("auth", 401, "the credentials Jamf Pro sends are missing or wrong", null, body, now);
        JamfWebhookEvent e;
        try {
            e = JamfWebhookEvent.parse(body);
        } catch (JamfWebhookEvent.Refused r) {
            return refuse(r.reason(), 400, r.getMessage(), null, body, now);
        }
        if (Duration.between(e.eventTime(), now).abs().compareTo(WINDOW) > 0) {
            return refuse("stale", 409, "the event's time " + e.eventTime() + " is more than " + WINDOW.toMinutes() + " minutes from now", e, body, now);
        }
        // jssID is a mobile device's or a computer's Jamf Pro id by the event (two series): the store tells them apart.
        String mdmId = e.type().mobile() ? e.jssId() : JamfIds.computer(e.jssId());
        String deviceId = MdmKind.JAMF.wireName() + ":" + mdmId;
        Optional<Device> known = devices.find(deviceId);
        boolean enrolment = e.type() == JamfWebhookEvent.Type.MOBILE_DEVICE_ENROLLED;
        if (known.isEmpty() && !enrolment) return refuse("unknown-device", 404, "no device " + deviceId + " in the inventory", e, body, now);
        String claimKey = "jamf-webhook/" + e.key();
        String holder = "jamf-webhook/" + runId;
        Claims.Outcome claim = claims.claim(claimKey, holder, now, REMEMBERED);
        if (claim == Claims.Outcome.ALREADY_DONE || claim == Claims.Outcome.HELD_ELSEWHERE) {
            return refuse("duplicate", 409, "this event was received before", e, body, now);
        }
        try {
            Actor actor = Actor.event("jamf-webhook:" + e.type().jamfName() + ":" + e.jssId());
            Optional<String> outcome = refresh.refresh(MdmKind.JAMF, mdmId, actor);
            if (outcome.isEmpty()) {
                claims.complete(claimKey, holder, "unknown-device", clock.instant());
                return refuse("unknown-device", 404, "Jamf Pro has no " + (e.type().mobile() ? "mobile device " : "computer ") + e.jssId(), e, body, now);
            }
            claims.complete(claimKey, holder, "applied", clock.instant());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("status", "applied");
            answer.put("event", e.type().jamfName());
            answer.put("device", deviceId);
            answer.put("changes", outcome.get());
            return new Answer(200, answer);
        } catch (RuntimeException ex) {
            // Nothing recorded as received: Jamf's next event about the device (or the hourly sync) re-evaluates it.
            claims.release(claimKey, holder);
            throw ex;
        }
    }

    private Answer refuse(String reason, int status, String why, JamfWebhookEvent e, String body, Instant now) {
        refused.merge(reason, 1, Integer::sum);
        metrics.accept("{\"_aws\":{\"Timestamp\":" + now.toEpochMilli() + ",\"CloudWatchMetrics\":[{\"Namespace\":\"appban\","
                + "\"Dimensions\":[[\"Reason\"]],\"Metrics\":[{\"Name\":\"" + METRIC + "\",\"Unit\":\"Count\"}]}]},\"Reason\":\"" + reason
                + "\",\"" + METRIC + "\":1}");
        Map<String, String> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("why", why);
        details.put("status", Integer.toString(status));
        if (e != null) {
            details.put("event", e.type().jamfName());
            details.put("eventTime", e.eventTime().toString());
            details.put("jssID", e.jssId());
        }
        // One entry per refused body and reason: a replayed request is recorded once, not once per replay.
        ledger.append(new LedgerRecord(now, Actor.event("jamf-webhook"), null, null, "jamf-webhook.refused", "refused", false,
                "jamf-webhook/refused/" + reason + "/" + digest(body), details));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "refused");
        answer.put("reason", reason);
        answer.put("detail", why);
        return new Answer(status, answer);
    }

    private static String digest(String body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((body == null ? "" : body).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 32);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
