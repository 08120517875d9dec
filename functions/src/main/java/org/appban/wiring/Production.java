package org.appban.wiring;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.appban.admin.Administration;
import org.appban.admin.NetworkAccessLookup;
import org.appban.admin.preview.CampaignPreview;
import org.appban.aws.AwsClients;
import org.appban.exemption.ExemptionNotices;
import org.appban.exemption.ExemptionService;
import org.appban.policy.BanPolicy;
import org.appban.policy.PolicyLoader;
import org.appban.report.S3Reports;
import org.appban.safety.SsmKillSwitch;
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

    public static RosterFiles rosterFiles() {
        return new S3RosterFiles(Aws.CLIENTS.s3());
    }

    /** The policy named by POLICY: a bundled policy's name, or s3://bucket/key of a policy file. */
    public static BanPolicy policy() {
        return Policy.POLICY;
    }

    private static final class Policy {
        static final BanPolicy POLICY = load(SETTINGS.required("POLICY"));

        private static BanPolicy load(String reference) {
            if (!reference.startsWith("s3://")) return new PolicyLoader().bundled(reference);
            String path = reference.substring("s3://".length());
            int slash = path.indexOf('/');
            if (slash <= 0 || slash == path.length() - 1) {
                throw new IllegalStateException("POLICY must be a bundled policy name or s3://bucket/key, was " + reference);
            }
            String bucket = path.substring(0, slash);
            String key = path.substring(slash + 1);
            String json = S3.CLIENT.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
            return new PolicyLoader().parse(json, reference);
        }
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
}
