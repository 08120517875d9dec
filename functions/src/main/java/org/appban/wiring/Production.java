package org.appban.wiring;

import java.time.Clock;
import java.util.List;
import org.appban.admin.Administration;
import org.appban.admin.NetworkAccessLookup;
import org.appban.admin.preview.CampaignPreview;
import org.appban.aws.AwsClients;
import org.appban.exemption.ExemptionNotices;
import org.appban.exemption.ExemptionService;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.MdmAdapters;
import org.appban.inventory.EventBridgeDeviceEvents;
import org.appban.inventory.InventorySync;
import org.appban.lambda.Json;
import org.appban.policy.BanPolicy;
import org.appban.policy.PolicyLoader;
import org.appban.remote.RemoteOptions;
import org.appban.report.S3Reports;
import org.appban.safety.SsmKillSwitch;
import org.appban.secrets.SecretsManagerSecretSource;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
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

    private static final class S3 {
        static final software.amazon.awssdk.services.s3.S3Client CLIENT = Aws.CLIENTS.s3();
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

    /**
     * Exemption notices on Lambda. NOT WIRED YET: the notify function's NoticeRequests publisher is being built;
     * until it is hooked in here ({@code ExemptionNotices.asRequests(publisher::publish)}), every notice request
     * fails loudly, the admin report says so, and the exemption sweep asks again once it works. Decisions are
     * stored and recorded regardless.
     */
    public static ExemptionNotices exemptionNotices() {
        return ExemptionNotices.asRequests(request -> {
            throw new IllegalStateException("exemption notices are not wired to the notify function yet");
        });
    }

    public static ExemptionService exemptionService() {
        return new ExemptionService(policy(),
                new DynamoMemberStore(Dynamo.CLIENT, SETTINGS.required("MEMBERS_TABLE")),
                new DynamoDeviceStore(Dynamo.CLIENT, SETTINGS.required("DEVICES_TABLE")),
                new DynamoExemptionStore(Dynamo.CLIENT, SETTINGS.required("EXEMPTIONS_TABLE")),
                new DynamoLedger(Dynamo.CLIENT, SETTINGS.required("LEDGER_TABLE")),
                exemptionNotices(), CLOCK);
    }

    public static Administration administration() {
        BanPolicy policy = policy();
        DynamoMemberStore members = new DynamoMemberStore(Dynamo.CLIENT, SETTINGS.required("MEMBERS_TABLE"));
        DynamoDeviceStore devices = new DynamoDeviceStore(Dynamo.CLIENT, SETTINGS.required("DEVICES_TABLE"));
        DynamoExemptionStore exemptions = new DynamoExemptionStore(Dynamo.CLIENT, SETTINGS.required("EXEMPTIONS_TABLE"));
        DynamoLedger ledger = new DynamoLedger(Dynamo.CLIENT, SETTINGS.required("LEDGER_TABLE"));
        ExemptionService exemptionService = new ExemptionService(policy, members, devices, exemptions, ledger, exemptionNotices(), CLOCK);
        return new Administration(policy, members, devices, exemptions, ledger, exemptionService,
                new SsmKillSwitch(Aws.CLIENTS.ssm(), SETTINGS.required("KILL_SWITCH_PARAMETER")),
                new S3Reports(S3.CLIENT, SETTINGS.required("REPORTS_BUCKET")),
                CampaignPreview.standard(policy), NetworkAccessLookup.unknown(), CLOCK);
    }

    public static DynamoMemberStore memberStore() {
        return new DynamoMemberStore(Dynamo.CLIENT, SETTINGS.required("MEMBERS_TABLE"));
    }

    public static DynamoDeviceStore deviceStore() {
        return new DynamoDeviceStore(Dynamo.CLIENT, SETTINGS.required("DEVICES_TABLE"));
    }

    /** Signed link tokens, keyed by the secret SIGNING_SECRET_ARN (read on first use, once per container). */
    public static org.appban.signing.SignedTokens signedTokens() {
        return new org.appban.signing.SignedTokens(org.appban.signing.Signer.fromSecret(
                new SecretsManagerSecretSource(Aws.CLIENTS.secretsManager()), SETTINGS.required("SIGNING_SECRET_ARN")));
    }
}
