package org.appban.wiring;

import java.time.Clock;
import java.util.List;
import org.appban.aws.AwsClients;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.MdmAdapters;
import org.appban.inventory.EventBridgeDeviceEvents;
import org.appban.inventory.InventorySync;
import org.appban.lambda.Json;
import org.appban.policy.BanPolicy;
import org.appban.policy.PolicyLoader;
import org.appban.remote.RemoteOptions;
import org.appban.secrets.SecretsManagerSecretSource;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.roster.RosterFiles;
import org.appban.roster.RosterImport;
import org.appban.roster.RosterParser;
import org.appban.roster.S3RosterFiles;
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

    /** The ban policy named by POLICY (a bundled policy's name). */
    public static BanPolicy policy() {
        return new PolicyLoader().resolve(SETTINGS.optional("POLICY").orElse(PolicyLoader.BUNDLED));
    }

    public static InventorySync inventorySync() {
        RemoteOptions options = RemoteOptions.standard(CLOCK);
        List<FleetInventory> mdms = MdmAdapters.allFromEnvironment(new SecretsManagerSecretSource(Aws.CLIENTS.secretsManager()), options)
                .stream().map(MdmAdapters.Mdm::inventory).toList();
        return new InventorySync(policy(), mdms,
                new DynamoMemberStore(Dynamo.CLIENT, SETTINGS.required("MEMBERS_TABLE")),
                new DynamoDeviceStore(Dynamo.CLIENT, SETTINGS.required("DEVICES_TABLE")),
                new EventBridgeDeviceEvents(Aws.CLIENTS.eventBridge(), SETTINGS.required("EVENT_BUS_NAME"), Json.MAPPER),
                new DynamoLedger(Dynamo.CLIENT, SETTINGS.required("LEDGER_TABLE")),
                CLOCK);
    }

    public static RosterFiles rosterFiles() {
        return new S3RosterFiles(Aws.CLIENTS.s3());
    }
}
