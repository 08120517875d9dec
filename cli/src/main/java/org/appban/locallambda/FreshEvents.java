package org.appban.locallambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.appban.access.SignedLinks;
import org.appban.access.WebhookSignature;
import org.appban.exemption.SignedExemptionLinks;
import org.appban.remote.Secret;
import org.appban.signing.SignedTokens;
import org.appban.signing.Signer;

/**
 * The function URL samples under events/ that carry a signature or a signed token, made fresh for a stack: signed
 * with its keys (the values of its SigningSecret and WebhookSecret, read by {@code secretValue}), dated now. The
 * samples' own are signed with keys nobody has and long expired.
 */
public final class FreshEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path events;
    private final UnaryOperator<String> secretValue;

    /** @param secretValue a secret's value by its ARN (the stack's Secrets Manager) */
    public FreshEvents(Path root, UnaryOperator<String> secretValue) {
        this.events = root.resolve("events");
        this.secretValue = secretValue;
    }

    /** The member's attestation link opened ({@code attestation/open-link.json}), signed with the key at {@code signingSecretArn}. */
    public String attestationLink(String signingSecretArn, String member) {
        ObjectNode event = sample("attestation/open-link.json");
        event.put("rawQueryString", "t=" + attestationToken(signingSecretArn, member));
        return event.toString();
    }

    /** The member's attestation confirmed ({@code attestation/confirm.json}, the box ticked). */
    public String attestationConfirmed(String signingSecretArn, String member) {
        ObjectNode event = sample("attestation/confirm.json");
        String form = "t=" + URLEncoder.encode(attestationToken(signingSecretArn, member), StandardCharsets.UTF_8) + "&confirm=yes";
        event.put("body", event.path("isBase64Encoded").asBoolean() ? Base64.getEncoder().encodeToString(form.getBytes(StandardCharsets.UTF_8)) : form);
        return event.toString();
    }

    /** The member's exemption-request form opened ({@code exemption-link/get-form.json}). */
    public String exemptionForm(String signingSecretArn, String member) {
        ObjectNode event = sample("exemption-link/get-form.json");
        String token = exemptionToken(signingSecretArn, member);
        event.putObject("queryStringParameters").put("token", token);
        event.put("rawQueryString", "token=" + token);
        return event.toString();
    }

    /** The member's exemption request sent from the form ({@code exemption-link/post-request.json}), for all their devices. */
    public String exemptionRequest(String signingSecretArn, String member, String reason) {
        ObjectNode event = sample("exemption-link/post-request.json");
        String form = "token=" + URLEncoder.encode(exemptionToken(signingSecretArn, member), StandardCharsets.UTF_8)
                + "&reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8);
        event.put("body", Base64.getEncoder().encodeToString(form.getBytes(StandardCharsets.UTF_8)));
        event.put("isBase64Encoded", true);
        return event.toString();
    }

    /**
     * The MDM's webhook ({@code mdm-webhook/signed-compliance-changed.json}) about the device with {@code mdmId}, a delivery of
     * its own, signed now with the secret at {@code webhookSecretArn}.
     */
    public String mdmWebhook(String webhookSecretArn, String mdmId) {
        ObjectNode event = sample("mdm-webhook/signed-compliance-changed.json");
        try {
            ObjectNode payload = (ObjectNode) JSON.readTree(event.path("body").asText());
            ((ObjectNode) payload.path("device")).put("mdmId", mdmId);
            payload.put("id", "evt-local-" + UUID.randomUUID());
            payload.put("occurredAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            event.put("body", payload.toString());
            ((ObjectNode) event.path("headers")).put("x-appban-signature",
                    new WebhookSignature(new Secret(secretValue.apply(webhookSecretArn))).sign(payload.toString(), Instant.now()));
            return event.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Jamf Pro's webhook as it posts it to the function URL plus {@code /jamf} ({@code mdm-webhook/jamf-mobile-device-check-in.json}
     * for the rest of the request): the headers and JSON body Jamf sends (e.g. the Jamf simulator's delivery), its
     * event renamed when {@code event} is not null, stamped now as Jamf stamps an event when it sends it.
     */
    public String jamfWebhook(java.util.Map<String, String> headers, String body, String event) {
        ObjectNode request = sample("mdm-webhook/jamf-mobile-device-check-in.json");
        try {
            ObjectNode payload = (ObjectNode) JSON.readTree(body);
            ObjectNode webhook = (ObjectNode) payload.path("webhook");
            webhook.put("eventTimestamp", Instant.now().toEpochMilli());
            if (event != null) webhook.put("webhookEvent", event).put("name", "appban " + event);
            request.put("body", payload.toString());
            ObjectNode h = request.putObject("headers");
            h.put("host", "abcdefghij.lambda-url.ap-southeast-2.on.aws").put("user-agent", "Jamf Pro");
            headers.forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v));
            return request.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String attestationToken(String signingSecretArn, String member) {
        SignedLinks links = new SignedLinks(new Secret(secretValue.apply(signingSecretArn)), SignedLinks.ATTESTATION);
        return links.sign(member, Instant.now().plus(7, ChronoUnit.DAYS), links.nonce("local", UUID.randomUUID().toString()));
    }

    private String exemptionToken(String signingSecretArn, String member) {
        SignedTokens tokens = new SignedTokens(Signer.of(new Secret(secretValue.apply(signingSecretArn))));
        return tokens.issue(SignedExemptionLinks.PURPOSE, member, Instant.now().plus(7, ChronoUnit.DAYS), "local-" + UUID.randomUUID());
    }

    private ObjectNode sample(String path) {
        try {
            return (ObjectNode) JSON.readTree(Files.readString(events.resolve(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
