package org.appban.notice;

import org.appban.lambda.notice.NotifyMembersHandler;
import org.appban.testing.TestClock;
import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;
import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.Fixtures.personal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.appban.alerts.SnsAdminAlerts;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Member;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.mail.MimeWriter;
import org.appban.mail.RateLimitedMailer;
import org.appban.mail.SendRateLimiter;
import org.appban.mail.SesMailer;
import org.appban.mail.Ticker;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.EmulatorMailbox;
import org.appban.testing.ProjectLayout;
import org.appban.testing.TemplateTables;
import org.appban.testing.TestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * notify-members end to end on the emulator, over real HTTP: DynamoDB tables created from template.yaml, SES v2
 * with the policy's sender verified, the administrators' SNS topic delivering to a local HTTP subscriber. The
 * handler is fed the sample events from events/notify-members.
 */
class NotifyMembersHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestClock clock = new TestClock(nz("2023-03-17T09:00"));
    private final String token = AwsEmulator.uniquePrefix("notify").replaceAll("[^a-z0-9]", "");
    private final List<String> alerts = new CopyOnWriteArrayList<>();
    private TemplateTables.Created tables;
    private HttpServer subscriber;
    private DynamoMemberStore members;
    private DynamoDeviceStore devices;
    private NotifyMembersHandler handler;

    private String address(String name) {
        return name + "-" + token + "@example.org";
    }

    @BeforeEach
    void deploy() throws IOException {
        AwsEmulator emulator = AwsEmulator.shared();
        tables = TemplateTables.load().create(emulator.dynamoDb(), AwsEmulator.uniquePrefix("notify"),
                "MembersTable", "DevicesTable", "ExemptionsTable", "LedgerTable", "ClaimsTable");
        var dynamo = emulator.dynamoDb();
        members = new DynamoMemberStore(dynamo, tables.name("MembersTable"));
        devices = new DynamoDeviceStore(dynamo, tables.name("DevicesTable"));
        DynamoLedger ledger = new DynamoLedger(dynamo, tables.name("LedgerTable"));
        DynamoClaims claims = new DynamoClaims(dynamo, tables.name("ClaimsTable"));

        SesV2Client ses = emulator.clients().sesV2();
        ses.createEmailIdentity(r -> r.emailIdentity(POLICY.sender().address()));
        String configurationSet = "appban-it-" + token;
        ses.createConfigurationSet(r -> r.configurationSetName(configurationSet));
        RateLimitedMailer mailer = RateLimitedMailer.withDefaults(new SesMailer(ses, configurationSet),
                new SendRateLimiter(50, Ticker.system()));

        SnsClient sns = emulator.clients().sns();
        String topic = sns.createTopic(r -> r.name("appban-it-alerts-" + token)).topicArn();
        subscriber = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        subscriber.createContext("/", exchange -> {
            alerts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        subscriber.start();
        sns.subscribe(r -> r.topicArn(topic).protocol("http").endpoint("http://127.0.0.1:" + subscriber.getAddress().getPort() + "/"));

        members.save(Member.active("m-001", "Aroha Tūhoe", address("aroha"), Role.MEMBER));
        members.save(Member.active("m-002", "Sean O'Brien", address("sean"), Role.STAFF));
        members.save(Member.active("m-003", "Mere Parata", address("mere"), Role.MEMBER));
        members.save(Member.active("m-004", "Bounced", address("bounced"), Role.STAFF));
        members.save(Member.active("m-005", "Left Last Year", address("left"), Role.STAFF).deactivated());
        devices.save(corporate("d-101", "m-001", Platform.IOS, "iPhone 14", AppPresence.PRESENT));

        NoticeComposer composer = new NoticeComposer(POLICY, new NoticeRenderer(POLICY, TemplateSet.bundled()), new MimeWriter(), LinkIssuer.none());
        NotifyMembers notify = new NotifyMembers(POLICY, members, devices, new DynamoExemptionStore(dynamo, tables.name("ExemptionsTable")),
                claims, ledger, Attestations.fromLedger(ledger), new NoticePlanner(POLICY), composer,
                new NoticeSender(claims, ledger, mailer, clock, NoticeSender.DEFAULT_LEASE, org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000")), clock);
        handler = new NotifyMembersHandler(notify, new MailFeedbackRecorder(members, ledger, new SnsAdminAlerts(sns, topic), clock, org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000")));
    }

    @AfterEach
    void tearDown() {
        if (subscriber != null) subscriber.stop(0);
        if (tables != null) tables.close();
    }

    private JsonNode invoke(String event, String requestId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, TestContext.of(requestId));
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sample(String name) throws IOException {
        return Files.readString(ProjectLayout.root().resolve("events").resolve("notify-members").resolve(name));
    }

    @Test
    void the_scheduled_run_on_the_announcement_day_sends_one_email_per_member_and_a_second_run_sends_nothing() throws IOException {
        JsonNode first = invoke(sample("schedule.json"), "run-1");
        assertEquals(4, first.path("counts").path("sent").asInt(), first.toString());
        assertEquals(1, first.path("counts").path("skipped:inactive").asInt());
        for (String name : List.of("aroha", "sean", "mere", "bounced")) {
            List<String> got = EmulatorMailbox.to(address(name));
            assertEquals(1, got.size(), name);
            assertTrue(got.get(0).contains("Subject: TikTok must be removed from your devices by Friday 31 March 2023,"), got.get(0));
        }
        assertTrue(EmulatorMailbox.to(address("aroha")).get(0).contains("iPhone 14"));
        assertEquals(List.of(), EmulatorMailbox.to(address("left")));

        clock.advance(Duration.ofHours(3));
        JsonNode second = invoke(sample("schedule.json"), "run-2");
        assertEquals(4, second.path("counts").path("skipped:already-sent").asInt(), second.toString());
        for (String name : List.of("aroha", "sean", "mere", "bounced")) assertEquals(1, EmulatorMailbox.to(address(name)).size());
    }

    @Test
    void a_device_newly_found_with_the_app_brings_exactly_one_catch_up_notice() throws IOException {
        invoke(sample("schedule.json"), "run-1");
        clock.set(nz("2023-04-04T14:30"));
        devices.save(personal("d-207", "m-002", Platform.ANDROID, "Galaxy S22", ComplianceState.NONCOMPLIANT));

        JsonNode caughtUp = invoke(sample("device-status-changed.json"), "evt-1");
        assertEquals("sent", caughtUp.path("results").get(0).path("result").asText(), caughtUp.toString());
        assertEquals("overdue", caughtUp.path("results").get(0).path("stage").asText());
        JsonNode redelivered = invoke(sample("device-status-changed.json"), "evt-1-again");
        assertEquals("skipped:already-sent", redelivered.path("results").get(0).path("result").asText());

        List<String> toSean = EmulatorMailbox.to(address("sean"));
        assertEquals(2, toSean.size(), "the announcement and one catch-up");
        assertTrue(toSean.get(1).contains("Galaxy S22"));
    }

    @Test
    void no_mail_goes_to_an_address_that_bounced_and_the_administrators_are_told() throws Exception {
        String bounce = sample("ses-bounce.json").replace("bounced@example.org", address("bounced"))
                .replace("0108018701a3c4f1", "it" + token);
        JsonNode recorded = invoke(bounce, "evt-bounce");
        assertEquals("blocked", recorded.path("addresses").get(0).path("result").asText(), recorded.toString());
        assertTrue(members.find("m-004").orElseThrow().mailBlocked(), "the block is stored in DynamoDB");

        JsonNode run = invoke(sample("schedule.json"), "run-1");
        assertEquals(1, run.path("counts").path("skipped:mail-blocked").asInt(), run.toString());
        assertEquals(List.of(), EmulatorMailbox.to(address("bounced")));
        assertEquals(1, EmulatorMailbox.to(address("aroha")).size());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (alerts.isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals(1, alerts.size());
        JsonNode notification = JSON.readTree(alerts.get(0));
        assertTrue(notification.path("Subject").asText().contains("m-004"), notification.toString());
        assertTrue(notification.path("Message").asText().contains(address("bounced")));
    }
}
