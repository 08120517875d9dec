package org.appban.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.appban.admin.AdminWorld;
import org.appban.cli.support.UsageException;
import org.appban.domain.LedgerEntry;
import org.appban.report.InMemoryReports;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.AwsEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/**
 * {@code ./appban admin --stack NAME} as an administrator runs it: the admin function URL is found in a real
 * CloudFormation stack's outputs (the AWS emulator's CloudFormation, reached through the SDK's own endpoint setting
 * as AWS_ENDPOINT_URL would reach it), with the caller's own credentials; the request is then signed and verified by
 * the local function URL front as in {@link AdminCommandTest}.
 */
class AdminStackIT {
    private static final String HANA = "arn:aws:sts::111122223333:assumed-role/appban-operator/hana";
    private static final AwsBasicCredentials HANA_KEY = AwsBasicCredentials.create("ASIATESTHANA00000001", "hana-secret");

    private final AwsEmulator aws = AwsEmulator.shared();
    private AdminWorld world;
    private FunctionUrlFront front;
    private String stack;
    private String endpointBefore;

    @BeforeEach
    void start() throws Exception {
        world = new AdminWorld(new InMemoryMemberStore(), new InMemoryDeviceStore(), new InMemoryExemptionStore(),
                new InMemoryLedger(), new InMemoryKillSwitch(), new InMemoryReports()).seed();
        front = new FunctionUrlFront(List.of(new FunctionUrlFront.Key(HANA_KEY.accessKeyId(), HANA_KEY.secretAccessKey(), HANA, "AROATEST:hana")),
                aws.region().id(), FunctionUrlFront.Backend.inProcess(world.handler(), "appban-admin"), Clock.systemUTC());
        stack = AwsEmulator.uniquePrefix("appban-admin").replaceAll("[^A-Za-z0-9-]", "-");
        // A stack as `sam deploy` leaves it, as far as the command reads it: an output AdminFunctionUrl.
        String template = """
                {"Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
                 "Outputs": {"AdminFunctionUrl": {"Description": "POST admin requests here", "Value": "%s"},
                             "AdminFunctionName": {"Value": "appban-admin"}}}
                """.formatted(front.url());
        try (CloudFormationClient cfn = CloudFormationClient.builder().endpointOverride(aws.endpoint()).region(aws.region())
                .credentialsProvider(aws.credentials()).build()) {
            cfn.createStack(r -> r.stackName(stack).templateBody(template));
            StackStatus status = null;
            for (int i = 0; i < 100 && status != StackStatus.CREATE_COMPLETE; i++) {
                status = cfn.describeStacks(r -> r.stackName(stack)).stacks().get(0).stackStatus();
                if (status != StackStatus.CREATE_COMPLETE) Thread.sleep(100);
            }
            assertEquals(StackStatus.CREATE_COMPLETE, status, "the emulator created the stack");
        }
        // The SDK's own endpoint setting (what AWS_ENDPOINT_URL sets): the command's CloudFormation client is built
        // exactly as for AWS, and the setting sends it to the emulator.
        endpointBefore = System.getProperty("aws.endpointUrl");
        System.setProperty("aws.endpointUrl", aws.endpoint().toString());
    }

    @AfterEach
    void stop() {
        if (endpointBefore == null) System.clearProperty("aws.endpointUrl");
        else System.setProperty("aws.endpointUrl", endpointBefore);
        front.close();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run admin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        // Production's stack lookup (CloudFormation DescribeStacks); the caller's credentials, as --profile hana gives them.
        AdminCommand command = new AdminCommand(o, e, (Optional<String> profile) -> (AwsCredentialsIdentity) HANA_KEY,
                AdminCommand::cloudFormationOutputs, Clock.systemUTC());
        int exit;
        try {
            exit = command.run(List.of(args));
        } catch (UsageException u) {
            e.println(u.getMessage());
            exit = 2;
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void the_stack_name_finds_the_admin_function_url_in_cloudformations_outputs_and_the_call_is_signed_as_the_caller() {
        Run run = admin("--stack", stack, "--region", aws.region().id(), "--profile", "hana", "killswitch", "on", "--reason", "Found by the stack's outputs");
        assertEquals(0, run.exit(), run.err() + run.out());
        assertTrue(world.killSwitch().read().engaged());
        assertEquals(HANA, world.killSwitch().read().by(), "the proven caller");
        List<LedgerEntry> fleet = world.ledger().chain("fleet");
        assertEquals(HANA, fleet.get(fleet.size() - 1).record().actor().id());
    }

    @Test
    void a_stack_that_does_not_exist_is_a_usage_error_naming_it() {
        Run run = admin("--stack", stack + "-missing", "--region", aws.region().id(), "status");
        assertEquals(2, run.exit(), run.out());
        assertTrue(run.err().contains(stack + "-missing"), run.err());
    }
}
