package org.appban.notice;

import org.appban.notice.commands.NotifyCommand;
import org.appban.notice.commands.NotifyCommands;
import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.appban.policy.StageKind;
import org.appban.testing.AwsEmulator;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Notice requests published through real EventBridge (the emulator) reach notify-members: the rule pattern is
 * the one template.yaml declares for NotifyMembersFunction, its target here an SQS queue standing in for the
 * function, and what arrives is read by the handler's own parser back into the request that was published.
 */
class EventBridgeNoticeRequestsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name = AwsEmulator.uniquePrefix("requests") + "bus";
    private EventBridgeClient events;
    private SqsClient sqs;
    private String queueUrl;

    @BeforeEach
    void busWithTheTemplatesRule() throws IOException {
        AwsEmulator emulator = AwsEmulator.shared();
        events = emulator.clients().eventBridge();
        sqs = emulator.clients().configure(SqsClient.builder().httpClient(UrlConnectionHttpClient.create())).build();
        queueUrl = sqs.createQueue(r -> r.queueName(name)).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        events.createEventBus(r -> r.name(name));
        JsonNode pattern = new ObjectMapper(new YAMLFactory()).readTree(ProjectLayout.template().toFile())
                .path("Resources").path("NotifyMembersFunction").path("Properties").path("Events")
                .path("NoticeRequested").path("Properties").path("Pattern");
        events.putRule(r -> r.name("notice-requested").eventBusName(name).eventPattern(pattern.toString()));
        events.putTargets(r -> r.rule("notice-requested").eventBusName(name).targets(t -> t.id("notify").arn(queueArn)));
    }

    @AfterEach
    void cleanUp() {
        if (queueUrl != null) sqs.deleteQueue(r -> r.queueUrl(queueUrl));
    }

    private List<JsonNode> delivered(int expected) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        // Waits for up to `expected` messages, or a few seconds: asking for more than should come proves none extra did.
        for (int attempt = 0; attempt < 5 && out.size() < expected; attempt++) {
            for (Message m : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                out.add(JSON.readTree(m.body()));
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        return out;
    }

    @Test
    void published_requests_are_routed_by_the_templates_rule_and_read_back_by_the_handler() throws IOException {
        List<NoticeRequest> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sent.add(new NoticeRequest(StageKind.ACCESS_REVOKED, "m-" + i, "d-" + i, null, nz("2023-04-07T09:05"), "nac/quarantine/d-" + i));
        }
        new EventBridgeNoticeRequests(events, name, "appban.network").requestAll(sent);

        NotifyCommands commands = new NotifyCommands(POLICY);
        List<NoticeRequest> received = new ArrayList<>();
        for (JsonNode event : delivered(12)) {
            NotifyCommand.Requested r = assertInstanceOf(NotifyCommand.Requested.class, commands.eventBridge(event));
            assertEquals("appban.network", r.source());
            received.add(r.request());
        }
        received.sort(Comparator.comparing(NoticeRequest::occasion));
        sent.sort(Comparator.comparing(NoticeRequest::occasion));
        assertEquals(sent, received);
    }

    @Test
    void only_notice_requests_from_appban_sources_reach_notify_members_through_this_rule() throws IOException {
        events.putEvents(r -> r.entries(e -> e.eventBusName(name).source("appban.network").detailType("QuarantineApplied").detail("{}"),
                e -> e.eventBusName(name).source("someone.else").detailType("NoticeRequested").detail("{}")));
        NoticeRequest real = new NoticeRequest(StageKind.ACCESS_RESTORED, "m-1", "d-1", null, nz("2023-04-07T11:40"), "nac/restore/d-1");
        new EventBridgeNoticeRequests(events, name, "appban.network").request(real);
        List<JsonNode> got = delivered(2);
        assertEquals(1, got.size(), got.toString());
        assertEquals(real, ((NotifyCommand.Requested) new NotifyCommands(POLICY).eventBridge(got.get(0))).request());
    }

    @Test
    void a_publisher_must_name_an_appban_source() {
        assertThrows(IllegalArgumentException.class, () -> new EventBridgeNoticeRequests(events, name, "evil.example"));
    }
}
