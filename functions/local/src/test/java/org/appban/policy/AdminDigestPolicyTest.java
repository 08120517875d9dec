package org.appban.policy;

import org.appban.policy.file.PolicyLoader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalTime;
import java.util.List;
import java.util.function.Consumer;
import org.appban.input.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The policy's {@code adminDigest}: optional, and when present, a send time and administrators' addresses. */
class AdminDigestPolicyTest {
    private final PolicyLoader loader = new PolicyLoader();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void the_bundled_policy_sends_its_digest_at_half_past_eight() {
        BanPolicy.AdminDigest d = loader.bundled(PolicyLoader.BUNDLED).digest().orElseThrow();
        assertEquals(LocalTime.of(8, 30), d.sendTime());
        assertEquals(List.of("ict-security-manager@parliament.govt.nz"), d.recipients());
    }

    @Test
    void a_policy_without_one_has_none() {
        ObjectNode o = bundledJson();
        o.remove("adminDigest");
        assertTrue(loader.parse(o.toString(), "policy.json").digest().isEmpty());
    }

    @Test
    void a_recipient_that_is_not_an_address_is_named_with_the_file_and_field() {
        InvalidInputException e = rejected(o -> ((ObjectNode) o.get("adminDigest")).putArray("recipients")
                .add("ict@parliament.govt.nz").add("the ICT team"));
        assertTrue(e.problems().stream().anyMatch(p -> p.where().equals("adminDigest.recipients[1]")
                && p.problem().contains("'the ICT team' is not an email address")), e.getMessage());
        assertTrue(e.getMessage().startsWith("policy.json"), e.getMessage());
    }

    @Test
    void no_recipients_a_missing_send_time_an_http_link_and_unknown_fields_are_refused() {
        InvalidInputException e = rejected(o -> {
            ObjectNode d = (ObjectNode) o.get("adminDigest");
            d.putArray("recipients");
            d.remove("sendTime");
            d.put("statusUrl", "http://intranet/status");
            d.put("cc", "x@example.org");
        });
        String m = e.getMessage();
        assertTrue(m.contains("adminDigest.recipients") && m.contains("adminDigest.sendTime") && m.contains("adminDigest.statusUrl")
                && m.contains("adminDigest.cc"), m);
    }

    private InvalidInputException rejected(Consumer<ObjectNode> change) {
        ObjectNode o = bundledJson();
        change.accept(o);
        return assertThrows(InvalidInputException.class, () -> loader.parse(o.toString(), "policy.json"));
    }

    private ObjectNode bundledJson() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream("/policies/" + PolicyLoader.BUNDLED + ".json")) {
            return (ObjectNode) mapper.readTree(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
