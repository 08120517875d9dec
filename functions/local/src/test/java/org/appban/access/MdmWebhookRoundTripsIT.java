package org.appban.access;

import static org.appban.access.AccessFixtures.GRACE_ENDS;
import static org.appban.access.AccessFixtures.POLICY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.notice.Attestations;
import org.appban.safety.SsmKillSwitch;
import org.appban.secrets.SecretsManagerSecretSource;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoEvidenceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import org.appban.testing.TestClock;
import org.appban.wiring.AdapterPriming;
import org.appban.wiring.SecretAfterRestore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * What a signed compliance report costs in AWS round trips, on the production stores against the AWS emulator (the
 * tables as template.yaml declares them): every call is timed from its start to its answer, with a
 * {@value #LATENCY_MS} ms latency added to each, as a network between Lambda and DynamoDB has, so that calls made
 * at once overlap and calls made one after another do not. The round trips are the longest chain of calls each of
 * which started after the one before it answered: what the person waiting on the webhook waits for.
 */
class MdmWebhookRoundTripsIT {
    static final int LATENCY_MS = 60;
    static final String KEY = "whsec-rt-" + UUID.randomUUID() + "-0123456789";
    static final String MAC = "02:AB:00:00:00:40";

    /** One AWS call: its operation and when it started and answered. */
    record Call(String operation, long start, long end) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    TestClock clock;
    DynamoDeviceStore devices;
    DynamoLedger ledger;
    DynamoClaims claims;
    MdmWebhook webhook;
    WebhookSignature signature;

    @BeforeEach
    void deploy() {
        AwsEmulator aws = AwsEmulator.shared();
        String prefix = AwsEmulator.uniquePrefix("webhook-rt");
        TemplateTables.Created tables = TemplateTables.load().create(aws.dynamoDb(), prefix, "DevicesTable", "ExemptionsTable", "LedgerTable",
                "ClaimsTable", "EvidenceTable");
        ExecutionInterceptor timed = new Timed(calls);
        DynamoDbClient dynamo = aws.clients().configure(DynamoDbClient.builder()).overrideConfiguration(o -> o.addExecutionInterceptor(timed)).build();
        SsmClient ssm = aws.clients().configure(SsmClient.builder()).overrideConfiguration(o -> o.addExecutionInterceptor(timed)).build();
        SecretsManagerClient sm = aws.clients().configure(SecretsManagerClient.builder()).overrideConfiguration(o -> o.addExecutionInterceptor(timed)).build();
        String arn = aws.clients().secretsManager().createSecret(b -> b.name(prefix + "webhook").secretString(KEY)).arn();

        clock = new TestClock(GRACE_ENDS.minus(Duration.ofDays(3)));
        devices = new DynamoDeviceStore(dynamo, tables.name("DevicesTable"));
        ledger = new DynamoLedger(dynamo, tables.name("LedgerTable"));
        claims = new DynamoClaims(dynamo, tables.name("ClaimsTable"));
        // No NAC command is due in these runs (within the grace period nothing is quarantined): priming's canned NAC stands in.
        NetworkAccessService service = new NetworkAccessService(POLICY, devices, new DynamoExemptionStore(dynamo, tables.name("ExemptionsTable")),
                Attestations.fromLedger(ledger), new DynamoEvidenceStore(dynamo, tables.name("EvidenceTable"), Duration.ofDays(30)),
                AdapterPriming.cannedNac(), new SsmKillSwitch(ssm, "/" + prefix + "kill-switch"), claims, ledger, AccessNotices.none(),
                (subject, body, facts) -> { }, clock);
        // As production wires it: the key read on the first request (without SnapStart; after a restore it is read
        // beside the event's hand-over, SecretAfterRestoreTest), then kept.
        webhook = new MdmWebhook(new WebhookSignature(SecretAfterRestore.of(new SecretsManagerSecretSource(sm), arn)), claims, devices, ledger,
                service, clock);
        signature = new WebhookSignature(new org.appban.remote.Secret(KEY));
        devices.save(new Device("intune:d40", "m40", Ownership.PRIVATE, Platform.IOS, "iPhone 12", false, MdmKind.INTUNE, "d40",
                MacAddress.parse(MAC), AppPresence.UNKNOWN, ComplianceState.NONCOMPLIANT, clock.instant().minus(Duration.ofDays(1)), false));
        calls.clear();
    }

    MdmWebhook.Answer send(String id, String compliance) {
        String body = "{\"id\":\"" + id + "\",\"type\":\"device.compliance-changed\",\"occurredAt\":\"" + clock.instant().minusSeconds(5)
                + "\",\"device\":{\"mdm\":\"intune\",\"mdmId\":\"d40\"},\"compliance\":\"" + compliance + "\"}";
        calls.clear();
        return webhook.receive(signature.sign(body, clock.instant()), body, "req-" + id);
    }

    @Test
    void aComplianceChangeOnTheFirstRequestWaitsForSixRoundTripsOfThirteenCalls() {
        MdmWebhook.Answer a = send("evt-rt-1", "compliant");
        assertEquals(200, a.status(), a.body().toString());
        assertEquals("applied", a.body().get("status"));
        // Before: 15 calls in 14 round trips (the secret, the claim, the device read, written and read again, an append of
        // three, the kill switch, two evidence reads, the MAC's devices, the exemptions, the chain, the claim completed).
        // Now the secret, then [the claim, the device, the kill switch, its record and sighting], then [the append's two
        // reads, the MAC's devices, the exemptions, the owner's chain], the entry, the device, the claim completed.
        System.out.println("a compliance change, first request: " + describe());
        assertEquals(13, calls.size(), describe());
        assertTrue(roundTrips() <= 6, describe());
        assertEquals(ComplianceState.COMPLIANT, devices.find("intune:d40").orElseThrow().compliance());
        assertEquals(1, ledger.chain("member#m40").stream().filter(e -> e.record().action().equals("device.compliance-reported")).count());
        assertEquals(org.appban.ports.Claims.Outcome.ALREADY_DONE, claims.claim("webhook/evt-rt-1", "x", clock.instant(), Duration.ofMinutes(1)));
    }

    @Test
    void aReportThatChangesNothingWaitsForThreeRoundTripsAndAReplayForTwo() {
        send("evt-rt-2", "compliant");
        clock.advance(Duration.ofMinutes(1));
        MdmWebhook.Answer same = send("evt-rt-3", "compliant");
        assertEquals(200, same.status(), same.body().toString());
        // The key is kept: [the claim, the device, the kill switch, record and sighting], [the MAC's devices, the
        // exemptions, the chain], the claim completed; nothing written. Before: 10 calls in 10 round trips.
        System.out.println("no change: " + describe());
        assertEquals(8, calls.size(), describe());
        assertTrue(roundTrips() <= 3, describe());
        // A replay: the claim refused (a conditional write, then the claim's state read to say why), the reads beside it let go.
        MdmWebhook.Answer replay = send("evt-rt-3", "compliant");
        assertEquals(409, replay.status());
        System.out.println("replay: " + describe());
        assertTrue(roundTrips() <= 2, describe());
    }

    /** The longest chain of calls each started after the previous one answered (greedy by answer time: exact). */
    int roundTrips() {
        List<Call> byEnd = new ArrayList<>(calls);
        byEnd.sort(Comparator.comparingLong(Call::end));
        int chain = 0;
        long free = Long.MIN_VALUE;
        for (Call c : byEnd) {
            if (c.start() >= free) {
                chain++;
                free = c.end();
            }
        }
        return chain;
    }

    String describe() {
        long t0 = calls.stream().mapToLong(Call::start).min().orElse(0);
        StringBuilder s = new StringBuilder(calls.size() + " calls, " + roundTrips() + " round trips:");
        calls.stream().sorted(Comparator.comparingLong(Call::start)).forEach(c -> s.append(String.format("%n  %-20s %5d .. %5d ms", c.operation(),
                (c.start() - t0) / 1_000_000, (c.end() - t0) / 1_000_000)));
        return s.toString();
    }

    /** Times each call and adds the latency of a network before it is sent. */
    static final class Timed implements ExecutionInterceptor {
        static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("roundTripsStarted");
        private final List<Call> calls;

        Timed(List<Call> calls) {
            this.calls = calls;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            attributes.putAttribute(STARTED, System.nanoTime());
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            try {
                Thread.sleep(LATENCY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            record(attributes);
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            record(attributes);
        }

        private void record(ExecutionAttributes attributes) {
            calls.add(new Call(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), attributes.getAttribute(STARTED), System.nanoTime()));
        }
    }
}
