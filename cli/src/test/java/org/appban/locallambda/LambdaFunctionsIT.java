package org.appban.locallambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.MdmKind;
import org.appban.fleet.SimulatedFleet;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.MotoServer;
import org.appban.testing.ProjectLayout;
import org.appban.testing.TemplateResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Every function of template.yaml run as Lambda runs it ({@link LocalLambda}: AWS's Runtime Interface Emulator and
 * Runtime Interface Client, the template's handler, environment, timeout and memory, the jar read-only), as a
 * SnapStart function: credentials only from a container endpoint that checks its token, the CRaC hooks run around a
 * restore before the first invocation. Each is invoked with a sample from events/ shaped as its trigger delivers it,
 * against the AWS emulator the tests share, and its answer and a side effect are checked. The functions run in the
 * campaign's order on one stack (the roster imported, then the fleet synced, ...), each in a JVM of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LambdaFunctionsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APPROVER = "ict-security-manager@parliament.govt.nz";

    private final Path root = ProjectLayout.root();
    private final Map<String, FunctionConfig> functions = FunctionConfig.all(root.resolve("template.yaml"));
    private AwsEmulator aws;
    private SimulatedFleet fleet;
    private TemplateResources stack;
    private Path work;
    private Path jar;
    private FreshEvents fresh;

    @BeforeAll
    void createTheStack() throws Exception {
        jar = root.resolve("functions/target/appban-functions-lambda.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: ./mvnw verify packages it first");
        aws = AwsEmulator.shared();
        fleet = SimulatedFleet.sample();
        String stage = "ll" + UUID.randomUUID().toString().substring(0, 6);
        stack = TemplateResources.create(root, MotoServer.python(ProjectLayout.emulatorHome()), aws.endpoint(), aws.region().id(), stage,
                new TemplateResources.SimulatorPorts("127.0.0.1", fleet.sims.intune().baseUri().getPort(),
                        fleet.sims.jamf().baseUri().getPort(), fleet.sims.ise().baseUri().getPort()), Map.of());
        work = Files.createDirectories(root.resolve("cli/target/local-lambda/it-" + stage));
        fresh = new FreshEvents(root, arn -> aws.clients().secretsManager().getSecretValue(r -> r.secretId(arn)).secretString());
    }

    @AfterAll
    void stop() {
        if (fleet != null) fleet.close();
    }

    /** Runs {@code function} as SnapStart, invokes it once with {@code event}, and checks what every restore must show. */
    private LocalLambda.Answer invoke(String function, String event) throws Exception {
        return invoke(function, event, LocalLambda.Mode.SNAPSTART, stack.environment(function), true);
    }

    private LocalLambda start(String function, LocalLambda.Mode mode, Map<String, String> env) throws Exception {
        return LocalLambda.start(root, jar, functions.get(function), env, "appban-" + stack.stage() + "-" + function,
                new LocalLambda.Aws(aws.endpoint(), aws.region().id(), "test", "test"), mode, work);
    }

    private LocalLambda.Answer invoke(String function, String event, LocalLambda.Mode mode, Map<String, String> env, boolean callsAws)
            throws Exception {
        try (LocalLambda lambda = start(function, mode, env)) {
            LocalLambda.Answer answer = lambda.invoke(event);
            System.out.printf("%s (%s): %.0f ms, %d credential fetch(es): %.400s%n", function, mode, answer.elapsed().toNanos() / 1e6,
                    lambda.credentialFetches(), answer.body());
            if (mode == LocalLambda.Mode.SNAPSTART && !answer.failed()) {
                assertEquals(1, lambda.restores(), function + " went through one restore before its first invocation");
                if (callsAws) assertTrue(lambda.credentialFetches() >= 1, function + " signed its calls with the container endpoint's credentials");
                assertEquals(0, lambda.refusedCredentialRequests(), function + " sent the runtime's token");
            }
            assertFalse(answer.failed(), () -> function + " failed: " + answer.body() + "\n" + lambda.logTail(40));
            return answer;
        }
    }

    private String sample(String path) throws Exception {
        return Files.readString(root.resolve("events").resolve(path));
    }

    private int items(String table) {
        return aws.dynamoDb().scan(r -> r.tableName(stack.ref(table)).select("COUNT")).count();
    }

    private Device inventoried(Predicate<Device> which) {
        return new DynamoDeviceStore(aws.dynamoDb(), stack.ref("DevicesTable")).all().stream().filter(which).findFirst()
                .orElseThrow(() -> new AssertionError("the inventory sync stored no such device"));
    }

    /** A function URL response's JSON body. */
    private static JsonNode body(LocalLambda.Answer answer) throws Exception {
        return JSON.readTree(answer.json().path("body").asText());
    }

    @Test
    @Order(1)
    void roster_import_reads_the_roster_an_s3_notification_names() throws Exception {
        String bucket = stack.ref("RosterBucket");
        aws.clients().s3().putObject(r -> r.bucket(bucket).key("rosters/parliament 2023-03-16.csv"),
                RequestBody.fromFile(root.resolve("events/roster-import/rosters/parliament 2023-03-16.csv")));
        LocalLambda.Answer answer = invoke("RosterImportFunction",
                sample("roster-import/s3-object-created.json").replace("appban-prod-roster-111122223333-ap-southeast-2", bucket));
        assertTrue(answer.json().toString().contains("imported") || answer.json().path("status").isTextual(), answer.body());
        assertTrue(items("MembersTable") > 0, "the members are in the members table");
    }

    @Test
    @Order(2)
    void inventory_sync_lists_the_mdms_and_the_nac_on_its_hourly_schedule() throws Exception {
        LocalLambda.Answer answer;
        List<String> steps = new java.util.ArrayList<>();
        try (LocalLambda lambda = start("InventorySyncFunction", LocalLambda.Mode.SNAPSTART, stack.environment("InventorySyncFunction"))) {
            answer = lambda.invoke(sample("inventory-sync/schedule.json"));
            assertFalse(answer.failed(), () -> answer.body() + "\n" + lambda.logTail(40));
            // The schedule hands the hour's round on to the function's queue; its messages (as the event source mapping
            // delivers them) list the MDM and the NAC a page at a time.
            String queue = stack.environment("InventorySyncFunction").get("INVENTORY_WORK_QUEUE_URL");
            var sqs = aws.clients().sqs();
            for (var batch = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages(); !batch.isEmpty();
                 batch = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages()) {
                for (var m : batch) {
                    var record = JSON.createObjectNode().put("messageId", m.messageId()).put("eventSource", "aws:sqs").put("body", m.body());
                    var event = JSON.createObjectNode();
                    event.putArray("Records").add(record);
                    LocalLambda.Answer step = lambda.invoke(event.toString());
                    assertFalse(step.failed(), () -> step.body() + "\n" + lambda.logTail(40));
                    assertEquals(0, step.json().path("batchItemFailures").size(), step.body());
                    steps.add(step.json().path("steps").path(0).path("status").asText());
                    sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
                }
            }
        }
        assertEquals("handed-on", answer.json().path("status").asText(), answer.body());
        assertEquals(List.of("part-done"), steps, "the sample fleet's round is one step");
        assertTrue(items("DevicesTable") > 0, "the fleet is in the devices table");
    }

    @Test
    @Order(3)
    void notify_members_runs_its_daily_round_with_credentials_fetched_again_after_the_restore() throws Exception {
        int before = items("LedgerTable");
        LocalLambda.Answer answer;
        List<String> steps = new java.util.ArrayList<>();
        try (LocalLambda lambda = start("NotifyMembersFunction", LocalLambda.Mode.SNAPSTART, stack.environment("NotifyMembersFunction"))) {
            answer = lambda.invoke(sample("notify-members/schedule.json"));
            assertFalse(answer.failed(), () -> answer.body() + "\n" + lambda.logTail(40));
            // Its priming composes a notice, which reads the signing key before the snapshot: those credentials are
            // forgotten at the restore, and the run fetches its own.
            assertEquals(2, lambda.credentialFetches(), "one set before the snapshot, a fresh one after the restore");
            // The schedule hands the round on to the function's queue; the queue's messages (as the event source
            // mapping delivers them) send the notices.
            String queue = stack.environment("NotifyMembersFunction").get("NOTIFY_WORK_QUEUE_URL");
            var sqs = aws.clients().sqs();
            for (var batch = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages(); !batch.isEmpty();
                 batch = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages()) {
                for (var m : batch) {
                    var record = JSON.createObjectNode().put("messageId", m.messageId()).put("eventSource", "aws:sqs").put("body", m.body());
                    var event = JSON.createObjectNode();
                    event.putArray("Records").add(record);
                    LocalLambda.Answer step = lambda.invoke(event.toString());
                    assertFalse(step.failed(), () -> step.body() + "\n" + lambda.logTail(40));
                    steps.add(step.json().path("steps").path(0).path("status").asText());
                    sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
                }
            }
        }
        assertEquals("schedule", answer.json().path("trigger").asText(), answer.body());
        assertEquals("handed-on", answer.json().path("status").asText(), answer.body());
        assertTrue(!steps.isEmpty() && steps.stream().allMatch("part-done"::equals), "every part done in one step: " + steps);
        assertTrue(items("LedgerTable") > before, "the round recorded its notices in the ledger: " + answer.body());
    }

    @Test
    @Order(4)
    void the_admin_function_answers_a_status_request_on_its_function_url() throws Exception {
        LocalLambda.Answer answer = invoke("AdminFunction", sample("admin/function-url-status.json"));
        assertEquals(200, answer.json().path("statusCode").asInt(), answer.body());
        assertEquals("done", body(answer).path("status").asText(), answer.body());
        // From the campaign's counters, which the notify round's notices moved as the ledger recorded them.
        JsonNode counters = body(answer).path("result").path("counters");
        assertEquals("unchecked", counters.path("state").asText(), answer.body());
        assertTrue(counters.path("counted").path("noticesSent").asInt() > 0, answer.body());

        LocalLambda.Answer full = invoke("AdminFunction", sample("admin/status.json"));
        assertEquals("done", body(full).path("status").asText(), full.body());
        assertTrue(aws.clients().s3().listObjectsV2(r -> r.bucket(stack.ref("ReportsBucket"))).keyCount() > 0, "the full status report is in the reports bucket");
    }

    @Test
    @Order(5)
    void the_exemption_link_takes_a_members_request_from_its_form() throws Exception {
        String event = fresh.exemptionRequest(stack.ref("SigningSecret"), "m-001", "Reviews public submissions for the select committee");
        int before = items("ExemptionsTable");
        LocalLambda.Answer answer = invoke("ExemptionLinkFunction", event);
        assertTrue(answer.json().path("statusCode").asInt() < 400, answer.body());
        assertEquals(before + 1, items("ExemptionsTable"), "the request is in the exemptions table");
    }

    @Test
    @Order(6)
    void the_exemption_sweep_finds_an_expired_exemption_on_its_daily_schedule() throws Exception {
        Instant decided = Instant.now().minus(40, ChronoUnit.DAYS);
        DynamoExemptionStore exemptions = new DynamoExemptionStore(aws.dynamoDb(), stack.ref("ExemptionsTable"));
        exemptions.create(new Exemption("ex-it-expired", "m-003", "d-301", "Chairs the inquiry's hearings", ExemptionStatus.GRANTED,
                APPROVER, decided, APPROVER, decided, Instant.now().minus(1, ChronoUnit.DAYS), null, null));
        int before = items("LedgerTable");
        // The schedule hands the day's sweep on to the function's queue; its message, as the mapping delivers it, sweeps.
        LocalLambda.Answer scheduled = invoke("ExemptionSweepFunction", sample("exemption-sweep/schedule.json"));
        assertEquals("handed-on", scheduled.json().path("status").asText(), scheduled.body());
        String queue = stack.environment("ExemptionSweepFunction").get("EXEMPTION_SWEEP_WORK_QUEUE_URL");
        var m = aws.clients().sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(1).waitTimeSeconds(5)).messages().get(0);
        var record = JSON.createObjectNode().put("messageId", m.messageId()).put("eventSource", "aws:sqs").put("body", m.body());
        var event = JSON.createObjectNode();
        event.putArray("Records").add(record);
        LocalLambda.Answer answer = invoke("ExemptionSweepFunction", event.toString());
        assertEquals("part-done", answer.json().path("steps").path(0).path("status").asText(), answer.body());
        assertTrue(answer.body().contains("ex-it-expired"), answer.body());
        assertTrue(items("LedgerTable") > before, "the sweep recorded the expiry");
    }

    @Test
    @Order(6)
    void the_ledger_digest_anchors_every_chain_head_in_the_object_lock_bucket_on_its_hourly_schedule_and_a_stream_batch_adds_none_without_a_change() throws Exception {
        LocalLambda.Answer answer = invoke("LedgerDigestFunction", sample("ledger-digest/schedule.json"));
        assertTrue(answer.body().contains("\"result\":\"written\""), answer.body());
        String bucket = stack.ref("LedgerDigestBucket");
        String key = aws.clients().s3().listObjectsV2(r -> r.bucket(bucket).prefix("digests/").maxKeys(1)).contents().get(0).key();
        assertTrue(aws.clients().s3().headObject(r -> r.bucket(bucket).key(key)).objectLockModeAsString().equals("COMPLIANCE"), key);
        // The ledger table's stream, as the event source mapping delivers a batch: nothing changed since that digest.
        LocalLambda.Answer stream = invoke("LedgerDigestFunction", sample("ledger-digest/stream.json"));
        assertTrue(stream.body().contains("\"trigger\":\"stream:2\"") && stream.body().contains("\"result\":\"unchanged\""), stream.body());
    }

    @Test
    @Order(7)
    void the_mdm_webhook_function_takes_a_relays_signed_compliance_change_on_its_url() throws Exception {
        Device device = inventoried(d -> d.mdm() == MdmKind.INTUNE && d.id().startsWith("intune:"));
        String event = fresh.mdmWebhook(stack.ref("WebhookSecret"), device.mdmId());
        int before = items("LedgerTable");
        LocalLambda.Answer answer = invoke("MdmWebhookFunction", event);
        assertEquals(200, answer.json().path("statusCode").asInt(), answer.body());
        assertTrue(items("LedgerTable") > before, "the delivery is in the ledger");
    }

    @Test
    @Order(7)
    void the_mdm_webhook_function_takes_jamf_pros_webhooks_as_jamf_sends_them_each_once_and_refuses_wrong_credentials() throws Exception {
        // This stack's MDM is Jamf Pro (the Jamf simulator) for this function: the organisation whose MDM sends webhooks.
        String jamfSecret = aws.clients().secretsManager().createSecret(r -> r.name("appban-" + stack.stage() + "-jamf-mdm")
                .secretString("{\"kind\":\"jamf\",\"url\":\"" + fleet.sims.jamf().baseUri().toString().replaceAll("/$", "")
                        + "\",\"clientId\":\"" + org.appban.sim.Simulators.JAMF_CLIENT_ID + "\",\"clientSecret\":\""
                        + org.appban.sim.Simulators.JAMF_CLIENT_SECRET + "\"}")).arn();
        Map<String, String> env = new HashMap<>(stack.environment("MdmWebhookFunction"));
        env.put("MDM_SECRET_ARN", jamfSecret);
        // Jamf Pro configured with the stack's JamfWebhookSecret (Header Authentication), as README says.
        JsonNode auth = JSON.readTree(aws.clients().secretsManager().getSecretValue(r -> r.secretId(stack.ref("JamfWebhookSecret"))).secretString());
        fleet.sims.jamf().webhooks(org.appban.sim.jamf.JamfWebhooks.withHeader(auth.path("name").asText(), auth.path("value").asText()));
        org.appban.sim.world.SimDevice device = fleet.sims.world().devices().stream()
                .filter(d -> d.spec().mdm() == org.appban.sim.fleet.FleetDevice.Mdm.JAMF && d.enrolled()).findFirst().orElseThrow();
        fleet.sims.world().checkInNow(device);
        org.appban.sim.jamf.JamfWebhooks.Delivery checkIn = fleet.sims.jamf().webhooksSent().stream()
                .filter(d -> d.event().equals("MobileDeviceCheckIn")).findFirst().orElseThrow(() -> new AssertionError("Jamf sent no check-in"));
        String stored = "jamf:" + device.jamfId();
        try (LocalLambda lambda = start("MdmWebhookFunction", LocalLambda.Mode.SNAPSTART, env)) {
            // The device is new to appban: its enrolment (Jamf's MobileDeviceEnrolled, the same payload) makes it known.
            LocalLambda.Answer enrolled = lambda.invoke(fresh.jamfWebhook(checkIn.headers(), checkIn.body(), "MobileDeviceEnrolled"));
            assertEquals(200, enrolled.json().path("statusCode").asInt(), enrolled.body() + "\n" + lambda.logTail(40));
            assertTrue(new DynamoDeviceStore(aws.dynamoDb(), stack.ref("DevicesTable")).find(stored).isPresent(), "read from Jamf Pro and stored");
            String event = fresh.jamfWebhook(checkIn.headers(), checkIn.body(), null);
            LocalLambda.Answer first = lambda.invoke(event);
            assertEquals(200, first.json().path("statusCode").asInt(), first.body());
            assertEquals("applied", body(first).path("status").asText(), first.body());
            // Jamf Pro delivering the same event again: acted on once.
            LocalLambda.Answer again = lambda.invoke(event);
            assertEquals(409, again.json().path("statusCode").asInt(), again.body());
            assertEquals("duplicate", body(again).path("reason").asText(), again.body());
            // Someone who guesses: refused, and the answer says nothing of the secret.
            LocalLambda.Answer forged = lambda.invoke(event.replace(auth.path("value").asText(), "guessed-guessed-guessed-guessed-guessed"));
            assertEquals(401, forged.json().path("statusCode").asInt(), forged.body());
            assertFalse(forged.body().contains(auth.path("value").asText()));
            assertEquals(1, lambda.restores(), "one restore before the first invocation");
        }
    }

    @Test
    @Order(8)
    void attestation_records_a_members_confirmation_from_the_signed_link() throws Exception {
        String event = fresh.attestationConfirmed(stack.ref("SigningSecret"), "m-001");
        int before = items("LedgerTable");
        LocalLambda.Answer answer = invoke("AttestationFunction", event);
        assertEquals(200, answer.json().path("statusCode").asInt(), answer.body());
        assertTrue(items("LedgerTable") > before, "the attestation is in the ledger");
    }

    @Test
    @Order(9)
    void enforce_removal_answers_an_sqs_batch_with_its_failed_items() throws Exception {
        int before = items("LedgerTable") + items("ClaimsTable");
        LocalLambda.Answer answer = invoke("EnforceRemovalFunction", sample("enforce-removal/sqs-batch.json"));
        assertTrue(answer.json().path("batchItemFailures").isArray(), answer.body());
        assertTrue(items("LedgerTable") + items("ClaimsTable") > before, "the work items were claimed and recorded");
    }

    // --- the same path, other conditions -------------------------------------------------------------------------

    @Test
    @Order(10)
    void without_snapstart_a_function_signs_with_the_classic_key_variables() throws Exception {
        LocalLambda.Answer answer = invoke("AdminFunction", sample("admin/function-url-status.json"), LocalLambda.Mode.CLASSIC,
                stack.environment("AdminFunction"), true);
        assertEquals(200, answer.json().path("statusCode").asInt(), answer.body());
    }

    @Test
    @Order(11)
    void an_event_no_trigger_of_the_function_sends_is_rejected_naming_the_function_and_the_field() throws Exception {
        LocalLambda.Answer answer = invoke("ExemptionSweepFunction", sample("roster-import/s3-object-created.json"), LocalLambda.Mode.SNAPSTART,
                stack.environment("ExemptionSweepFunction"), false);
        assertEquals("rejected", answer.json().path("status").asText(), answer.body());
        assertTrue(answer.json().path("function").asText().endsWith("ExemptionSweepFunction"), answer.body());
        assertFalse(answer.body().contains("\tat "), "no stack trace: " + answer.body());
    }

    @Test
    @Order(12)
    void a_missing_variable_fails_the_init_naming_the_variable_and_the_template() throws Exception {
        Map<String, String> env = new HashMap<>(stack.environment("ExemptionSweepFunction"));
        env.remove("POLICY");
        try (LocalLambda lambda = start("ExemptionSweepFunction", LocalLambda.Mode.SNAPSTART, env)) {
            LocalLambda.Answer answer = lambda.invoke(sample("exemption-sweep/schedule.json"));
            assertTrue(answer.failed(), answer.body());
            assertTrue(answer.errorMessage().contains("POLICY") && answer.errorMessage().contains("template.yaml"), answer.body());
            java.util.TreeSet<String> fields = new java.util.TreeSet<>();
            answer.json().fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("errorMessage", "errorType"), List.copyOf(fields), "Lambda's error shape, no stack trace: " + answer.body());
        }
    }
}
