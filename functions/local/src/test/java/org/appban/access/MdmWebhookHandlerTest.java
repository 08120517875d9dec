package org.appban.access;

import org.appban.lambda.access.MdmWebhookHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.appban.domain.MdmKind;
import org.appban.inventory.JamfWebhook;
import org.appban.inventory.JamfWebhookAuth;
import org.appban.json.Json;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * The MDM webhook function's routing, on the samples under events/mdm-webhook: Jamf Pro's events on {@code /jamf},
 * authenticated as Jamf sends them; anything else is the signed relay's. What each receiver decides is
 * {@link org.appban.inventory.JamfWebhookTest}'s and {@link MdmWebhookTest}'s.
 */
class MdmWebhookHandlerTest {
    private static final String HEADER_VALUE = "sample-header-value-not-the-stacks-0123456789";
    private final Instant now = Instant.ofEpochMilli(1681337151000L).plusSeconds(30);
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private final List<String> refreshed = new ArrayList<>();
    private final JamfWebhook jamf = new JamfWebhook(() -> JamfWebhookAuth.header("X-Appban-Jamf", HEADER_VALUE), new InMemoryClaims(), devices,
            ledger, (mdm, id, actor) -> {
                refreshed.add(mdm.wireName() + ":" + id);
                return Optional.of("{new-device=1}");
            }, line -> { }, clock);
    private final MdmWebhook signed = new MdmWebhook(new WebhookSignature(new org.appban.remote.Secret("relay-secret-0123456789abcdef0123456789")),
            new InMemoryClaims(), devices, ledger, null, clock);
    private final MdmWebhookHandler handler = new MdmWebhookHandler(signed, jamf);

    private static String sample(String name) throws Exception {
        return Files.readString(ProjectLayout.root().resolve("events/mdm-webhook").resolve(name));
    }

    private JsonNode invoke(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toByteArray());
    }

    @Test
    void jamf_pros_enrolment_on_the_jamf_path_re_reads_the_device_from_jamf_pro() throws Exception {
        JsonNode r = invoke(sample("jamf-mobile-device-enrolled.json").replace("1681337091000", Long.toString(now.toEpochMilli())));
        assertEquals(200, r.path("statusCode").asInt(), r.toString());
        assertEquals("applied", Json.parse(r.path("body").asText()).path("status").asText());
        assertEquals(List.of(MdmKind.JAMF.wireName() + ":7"), refreshed);
    }

    @Test
    void a_jamf_event_with_the_wrong_header_value_is_401_and_acts_on_nothing() throws Exception {
        JsonNode r = invoke(sample("jamf-mobile-device-enrolled.json").replace(HEADER_VALUE, "guessed-value-guessed-value-guessed-value"));
        assertEquals(401, r.path("statusCode").asInt(), r.toString());
        assertEquals(List.of(), refreshed);
        assertTrue(ledger.chains().stream().flatMap(c -> ledger.chain(c).stream()).anyMatch(e -> e.record().action().equals("jamf-webhook.refused")));
    }

    @Test
    void a_signed_relay_delivery_on_the_root_path_is_the_hmac_webhooks_and_a_bad_signature_is_401() throws Exception {
        JsonNode r = invoke(sample("signed-compliance-changed.json"));
        assertEquals(401, r.path("statusCode").asInt(), r.toString());
        assertTrue(r.path("body").asText().contains("signature"), r.toString());
        assertEquals(List.of(), refreshed, "a relay's delivery never reaches the Jamf receiver");
    }

    @Test
    void only_post_and_only_function_url_requests() throws Exception {
        ObjectNode get = (ObjectNode) Json.parse(sample("jamf-mobile-device-check-in.json"));
        ((ObjectNode) get.path("requestContext").path("http")).put("method", "GET");
        assertEquals(405, invoke(Json.write(get)).path("statusCode").asInt());
        JsonNode direct = invoke("{\"rawPath\":\"/jamf\",\"body\":\"{}\"}");
        assertEquals("rejected", direct.path("status").asText(), direct.toString());
        assertTrue(direct.path("error").asText().contains("not a function URL request"), direct.toString());
        assertEquals(List.of(), refreshed);
    }
}
