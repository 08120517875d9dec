package org.appban.wiring;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.appban.access.AccessFunction;
import org.appban.access.AttestationLinks;
import org.appban.access.AttestationService;
import org.appban.access.EventBridgeAccessNotices;
import org.appban.access.EventBridgeAttestationEvents;
import org.appban.access.LoggedAccessAlerts;
import org.appban.access.MdmWebhook;
import org.appban.access.NetworkAccessService;
import org.appban.access.S3TelemetryObjects;
import org.appban.access.SignedLinks;
import org.appban.access.TelemetryIngest;
import org.appban.access.WebhookSignature;
import org.appban.aws.AwsClients;
import org.appban.network.NacAdapters;
import org.appban.notice.Attestations;
import org.appban.policy.BanPolicy;
import org.appban.policy.PolicyLoader;
import org.appban.remote.RemoteOptions;
import org.appban.roster.RosterFiles;
import org.appban.roster.RosterImport;
import org.appban.roster.RosterParser;
import org.appban.roster.S3RosterFiles;
import org.appban.safety.SsmKillSwitch;
import org.appban.secrets.SecretSource;
import org.appban.secrets.SecretsManagerSecretSource;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoEvidenceStore;
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

    // --- Network access (quarantine and release of private devices) and the attestation link --------------------

    private static final class Secrets {
        static final SecretSource SOURCE = new SecretsManagerSecretSource(Aws.CLIENTS.secretsManager());
    }

    /** The policy named by POLICY: a bundled name, or s3://bucket/key of a policy file. */
    private static BanPolicy accessPolicy() {
        String reference = SETTINGS.required("POLICY");
        if (!reference.startsWith("s3://")) return new PolicyLoader().bundled(reference);
        String path = reference.substring("s3://".length());
        int slash = path.indexOf('/');
        if (slash <= 0) throw new IllegalStateException("POLICY '" + reference + "' is not s3://bucket/key");
        String json = Aws.CLIENTS.s3().getObjectAsBytes(b -> b.bucket(path.substring(0, slash)).key(path.substring(slash + 1))).asUtf8String();
        return new PolicyLoader().parse(json, reference);
    }

    private static SignedLinks attestationSigner() {
        return new SignedLinks(Secrets.SOURCE.secret(SETTINGS.required("SIGNING_SECRET_ARN")), SignedLinks.ATTESTATION);
    }

    /** The network-access function: rules, telemetry, webhook, on DynamoDB, the NAC from NAC_SECRET_ARN, SSM, EventBridge. */
    public static AccessFunction networkAccess() {
        BanPolicy policy = accessPolicy();
        var devices = new DynamoDeviceStore(Dynamo.CLIENT, SETTINGS.required("DEVICES_TABLE"));
        var ledger = new DynamoLedger(Dynamo.CLIENT, SETTINGS.required("LEDGER_TABLE"));
        var claims = new DynamoClaims(Dynamo.CLIENT, SETTINGS.required("CLAIMS_TABLE"));
        // Matched telemetry is kept twice the quiet period (at least 30 days), long enough for every decision that
        // reads it; what justified an action is copied into the ledger, which keeps it for good.
        Duration retention = Duration.ofDays(Math.max(30, 2L * policy.privateDevices().quietPeriodDays()));
        var evidence = new DynamoEvidenceStore(Dynamo.CLIENT, SETTINGS.required("EVIDENCE_TABLE"), retention);
        var nac = NacAdapters.fromSecret(Secrets.SOURCE, SETTINGS.required("NAC_SECRET_ARN"), RemoteOptions.standard(CLOCK));
        var events = Aws.CLIENTS.eventBridge();
        NetworkAccessService service = new NetworkAccessService(policy, devices,
                new DynamoExemptionStore(Dynamo.CLIENT, SETTINGS.required("EXEMPTIONS_TABLE")), Attestations.fromLedger(ledger), evidence, nac,
                new SsmKillSwitch(Aws.CLIENTS.ssm(), SETTINGS.required("KILL_SWITCH_PARAMETER")), claims, ledger,
                new EventBridgeAccessNotices(events, SETTINGS.required("EVENT_BUS_NAME")), new LoggedAccessAlerts(System.out), CLOCK);
        TelemetryIngest telemetry = new TelemetryIngest(policy.app(), devices, evidence, ledger, CLOCK);
        MdmWebhook webhook = new MdmWebhook(new WebhookSignature(Secrets.SOURCE.secret(SETTINGS.required("WEBHOOK_SECRET_ARN"))),
                claims, devices, ledger, service, CLOCK);
        return new AccessFunction(service, telemetry, new S3TelemetryObjects(Aws.CLIENTS.s3()), webhook);
    }

    /** The attestation function behind the signed link: members, ledger, the signing key, EventBridge. */
    public static AttestationService attestation() {
        BanPolicy policy = accessPolicy();
        return new AttestationService(attestationSigner(), new DynamoMemberStore(Dynamo.CLIENT, SETTINGS.required("MEMBERS_TABLE")),
                new DynamoLedger(Dynamo.CLIENT, SETTINGS.required("LEDGER_TABLE")),
                new EventBridgeAttestationEvents(Aws.CLIENTS.eventBridge(), SETTINGS.required("EVENT_BUS_NAME")), policy, CLOCK);
    }

    /** The attestation links for the notices (the notify function): ATTESTATION_URL and SIGNING_SECRET_ARN. */
    public static AttestationLinks attestationLinks(BanPolicy policy) {
        return new AttestationLinks(attestationSigner(), URI.create(SETTINGS.required("ATTESTATION_URL")), policy.privateDevices().attestationLinkDays());
    }
}
