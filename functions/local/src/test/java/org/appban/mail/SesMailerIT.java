package org.appban.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.appban.testing.AwsEmulator;
import org.appban.domain.Actor;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.notice.ComposedNotice;
import org.appban.notice.Delivery;
import org.appban.notice.DueNotice;
import org.appban.notice.LinkIssuer;
import org.appban.notice.MemberSnapshot;
import org.appban.notice.NoticeComposer;
import org.appban.notice.NoticePlanner;
import org.appban.notice.NoticeRenderer;
import org.appban.notice.NoticeSender;
import org.appban.notice.TemplateSet;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryLedger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The SES adapter against the emulator over real HTTP: notices rendered from the bundled policy go out as raw
 * MIME from the verified sender, and what the emulator received parses back to what was meant.
 */
class SesMailerIT {
    private static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    private static final Instant NOW = LocalDateTime.parse("2023-03-17T09:00").atZone(ZoneId.of("Pacific/Auckland")).toInstant();
    private static URI endpoint;
    private static SesV2Client ses;
    private static Mailer mailer;
    private static NoticeComposer composer;

    @BeforeAll
    static void emulator() {
        endpoint = AwsEmulator.shared().endpoint();
        ses = AwsEmulator.shared().clients().sesV2();
        // SES sends only from a verified identity; the emulator verifies on creation.
        ses.createEmailIdentity(r -> r.emailIdentity(POLICY.sender().address()));
        mailer = RateLimitedMailer.withDefaults(new SesMailer(ses, null), new SendRateLimiter(50, Ticker.system()));
        composer = new NoticeComposer(POLICY, new NoticeRenderer(POLICY, TemplateSet.bundled()), new MimeWriter(), LinkIssuer.none());
    }

    private static ComposedNotice announcementFor(String name, String address) {
        Member m = Member.active("m-" + UUID.randomUUID(), name, address, Role.MEMBER);
        DueNotice n = new NoticePlanner(POLICY).due(MemberSnapshot.of(m, List.of(), List.of()), NOW).due().get(0);
        return composer.compose(n, NOW);
    }

    private static String uniqueAddress() {
        return "member-" + UUID.randomUUID() + "@example.org";
    }

    /**
     * Raw messages the emulator accepted: moto lists them at GET /moto-api/data.json (ses.RawMessage, field
     * raw_data), LocalStack at GET /_aws/ses (messages, field RawData); both normalised to {raw_data}.
     */
    private static List<JsonNode> received() throws Exception {
        List<JsonNode> list = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        if (AwsEmulator.shared().kind() == AwsEmulator.Kind.LOCALSTACK) {
            try (InputStream in = endpoint.resolve("/_aws/ses").toURL().openStream()) {
                for (JsonNode m : mapper.readTree(in).path("messages")) {
                    if (m.has("RawData")) list.add(mapper.createObjectNode().put("raw_data", m.path("RawData").asText()));
                }
            }
            return list;
        }
        try (InputStream in = endpoint.resolve("/moto-api/data.json").toURL().openStream()) {
            mapper.readTree(in).path("ses").path("RawMessage").forEach(list::add);
            return list;
        }
    }

    private static List<JsonNode> receivedFor(String address) throws Exception {
        return received().stream().filter(m -> m.path("raw_data").asText().contains(address)).toList();
    }

    private static MimeMessage parse(JsonNode raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.path("raw_data").asText().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a_notice_goes_out_as_raw_mime_from_the_verified_sender_and_parses_back() throws Exception {
        String address = uniqueAddress();
        ComposedNotice notice = announcementFor("Aroha Tūhoe", address);
        String id = mailer.send(notice.mail());

        JsonNode raw = received().stream().filter(m -> m.path("id").asText().equals(id)).findFirst().orElseThrow();
        assertEquals(POLICY.sender().address(), raw.path("source").asText());
        MimeMessage m = parse(raw);
        assertEquals("TikTok must be removed from your devices by Friday 31 March 2023, 12:00 am NZDT", m.getSubject());
        InternetAddress to = (InternetAddress) m.getRecipients(MimeMessage.RecipientType.TO)[0];
        assertEquals("Aroha Tūhoe", to.getPersonal());
        assertEquals(address, to.getAddress());
        assertEquals("Parliamentary Service ICT Security", ((InternetAddress) m.getFrom()[0]).getPersonal());
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertTrue(((String) parts.getBodyPart(0).getContent()).contains("Kia ora Aroha Tūhoe,"));
        assertTrue(((String) parts.getBodyPart(1).getContent()).contains("Kia ora Aroha Tūhoe,"));
    }

    @Test
    void a_name_crafted_to_add_a_recipient_adds_none() throws Exception {
        String address = uniqueAddress();
        mailer.send(announcementFor("Evil\r\nBcc: x@y.z", address).mail());
        mailer.send(announcementFor("O'Brien <b>&", address).mail());

        List<JsonNode> got = receivedFor(address);
        assertEquals(2, got.size());
        for (JsonNode raw : got) {
            // moto lists the To header's mailboxes next to Destination; every one must be the member's address.
            for (JsonNode destination : raw.path("destinations")) {
                assertEquals(address, new InternetAddress(destination.asText()).getAddress(), raw.toString());
            }
            MimeMessage m = parse(raw);
            assertNull(m.getHeader("Bcc"));
            assertEquals(1, m.getAllRecipients().length);
        }
        assertTrue(((String) ((MimeMultipart) parse(got.get(0)).getContent()).getBodyPart(0).getContent())
                .contains("Kia ora Evil Bcc: x@y.z,"), "the name is one line in the body too");
        assertEquals("O'Brien <b>&", ((InternetAddress) parse(got.get(1)).getRecipients(MimeMessage.RecipientType.TO)[0]).getPersonal());
    }

    @Test
    void sending_from_an_unverified_identity_is_a_typed_rejection_not_an_unknown_outcome() {
        ComposedNotice n = announcementFor("Aroha", uniqueAddress());
        OutgoingMail fromStranger = new OutgoingMail(EmailAddress.of("not-verified-" + UUID.randomUUID() + "@example.org"),
                n.mail().recipient(), n.mail().mime(), Map.of());
        Mailer.Rejected e = assertThrows(Mailer.Rejected.class, () -> new SesMailer(ses, null).send(fromStranger));
        assertEquals("MessageRejected", e.code());
        assertFalse(e.accountLevel());
    }

    @Test
    void through_the_notice_sender_a_second_run_sends_nothing() throws Exception {
        String address = uniqueAddress();
        ComposedNotice n = announcementFor("Aroha Tūhoe", address);
        NoticeSender sender = new NoticeSender(new InMemoryClaims(), new InMemoryLedger(), mailer,
                java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC), Duration.ofMinutes(16), org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000"));

        assertEquals(Delivery.Status.SENT, sender.send(n, Actor.schedule("it"), "run-1").status());
        assertEquals(Delivery.Status.ALREADY_SENT, sender.send(n, Actor.schedule("it"), "run-2").status());
        assertEquals(1, receivedFor(address).size());
    }
}
