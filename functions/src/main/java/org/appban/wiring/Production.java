package org.appban.wiring;

import java.time.Clock;
import java.util.Map;
import org.appban.aws.AwsClients;
import org.appban.enforce.EnforceRemoval;
import org.appban.enforce.EnforceRemovalHandler;
import org.appban.enforce.LedgerEnforcementNotices;
import org.appban.enforce.SqsWorkQueue;
import org.appban.fleet.MdmAdapters;
import org.appban.policy.BanPolicy;
import org.appban.policy.PolicyLoader;
import org.appban.remote.RemoteOptions;
import org.appban.roster.RosterFiles;
import org.appban.roster.RosterImport;
import org.appban.roster.RosterParser;
import org.appban.roster.S3RosterFiles;
import org.appban.safety.SsmKillSwitch;
import org.appban.secrets.SecretsManagerSecretSource;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The composition root on Lambda: each function asks only for what it uses, so a container builds only the
 * clients its function needs (cold start), and each client once.
 */
public final class Production {
    private static final Settings SETTINGS = Settings.fromEnvironment();
    private static final Clock CLOCK = Clock.systemUTC();

    private Production() {
    }

    /** Lazily built, shared clients: the holder idiom builds each on first use, once, thread-safely. */
    private static final class Aws {
        static final AwsClients CLIENTS = AwsClients.fromEnvironment();
    }

    private static final class Dynamo {
        static final DynamoDbClient CLIENT = Aws.CLIENTS.dynamoDb();
    }

    public static RosterImport rosterImport() {
        return new RosterImport(new RosterParser(),
                new DynamoMemberStore(Dynamo.CLIENT, SETTINGS.required("MEMBERS_TABLE")),
                new DynamoLedger(Dynamo.CLIENT, SETTINGS.required("LEDGER_TABLE")),
                CLOCK);
    }

    public static RosterFiles rosterFiles() {
        return new S3RosterFiles(Aws.CLIENTS.s3());
    }

    /**
     * The enforce-removal function: DynamoDB (devices, exemptions, ledger, claims), SSM (kill switch), SQS (its
     * work queue), Secrets Manager (the MDM secret, read only when a run or work item first needs the MDM).
     * Each container's MDM client keeps to 1/{@link EnforceRemovalHandler#CONTAINERS} of the MDM's budget.
     */
    public static EnforceRemoval enforceRemoval() {
        DynamoLedger ledger = new DynamoLedger(Dynamo.CLIENT, SETTINGS.required("LEDGER_TABLE"));
        RemoteOptions options = RemoteOptions.standard(CLOCK).withBudgetScale(1.0 / EnforceRemovalHandler.CONTAINERS);
        return new EnforceRemoval(bundledPolicy(),
                new DynamoDeviceStore(Dynamo.CLIENT, SETTINGS.required("DEVICES_TABLE")),
                new DynamoExemptionStore(Dynamo.CLIENT, SETTINGS.required("EXEMPTIONS_TABLE")),
                ledger,
                new DynamoClaims(Dynamo.CLIENT, SETTINGS.required("CLAIMS_TABLE")),
                new SsmKillSwitch(Aws.CLIENTS.ssm(), SETTINGS.required("KILL_SWITCH_PARAMETER")),
                () -> {
                    MdmAdapters.Mdm mdm = MdmAdapters.fromSecret(new SecretsManagerSecretSource(Aws.CLIENTS.secretsManager()),
                            SETTINGS.required("MDM_SECRET_ARN"), options);
                    return Map.of(mdm.kind(), mdm.enforcement());
                },
                new SqsWorkQueue(Aws.CLIENTS.sqs(), SETTINGS.required("TRIGGER_QUEUE_URL")),
                // Until the notify function's request port is wired here, owed notices are recorded in the ledger.
                new LedgerEnforcementNotices(ledger),
                CLOCK);
    }

    /** A policy bundled in the jar (this function has no S3 client, so it does not read s3:// policies). */
    private static BanPolicy bundledPolicy() {
        String reference = SETTINGS.required("POLICY");
        if (reference.startsWith("s3://")) {
            throw new IllegalStateException("POLICY '" + reference + "': enforce-removal reads bundled policies only");
        }
        return new PolicyLoader().bundled(reference);
    }
}
