package org.appban.wiring;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.appban.access.AccessAlerts;
import org.appban.access.AccessFunction;
import org.appban.access.AccessNotices;
import org.appban.access.AttestationLinks;
import org.appban.access.AttestationService;
import org.appban.access.EventBridgeAttestationEvents;
import org.appban.access.LoggedAccessAlerts;
import org.appban.access.MdmWebhook;
import org.appban.access.NetworkAccessService;
import org.appban.access.S3TelemetryObjects;
import org.appban.access.SignedLinks;
import org.appban.access.TelemetryIngest;
import org.appban.access.WebhookSignature;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.appban.admin.requests.Administration;
import org.appban.admin.LedgerAudit;
import org.appban.admin.NetworkAccessLookup;
import org.appban.admin.preview.CampaignPreview;
import org.appban.domain.MdmKind;
import org.appban.enforce.EnforceRemoval;
import org.appban.lambda.enforce.EnforceRemovalHandler;
import org.appban.enforce.SqsWorkQueue;
import org.appban.fleet.FleetEnforcement;
import org.appban.exemption.ExemptionNotices;
import org.appban.exemption.ExemptionService;
import org.appban.exemption.SignedExemptionLinks;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.mdm.MdmAdapters;
import org.appban.inventory.EventBridgeDeviceEvents;
import org.appban.inventory.InventorySync;
import org.appban.network.nac.NacAdapters;
import org.appban.network.RegisteredDevices;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.ApiBudgets;
import org.appban.remote.RemoteOptions;
import org.appban.store.dynamo.DynamoRateLimits;
import org.appban.report.S3Reports;
import org.appban.safety.SsmKillSwitch;
import org.appban.secrets.SecretsManagerSecretSource;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.alerts.SnsAdminAlerts;
import org.appban.mail.MimeWriter;
import org.appban.mail.RateLimitedMailer;
import org.appban.mail.SendRateLimiter;
import org.appban.mail.SesMailer;
import org.appban.mail.Ticker;
import org.appban.notice.Attestations;
import org.appban.notice.EventBridgeNoticeRequests;
import org.appban.notice.LinkIssuer;
import org.appban.notice.MailFeedbackRecorder;
import org.appban.notice.NoticeComposer;
import org.appban.notice.NoticePlanner;
import org.appban.notice.NoticeSender;
import org.appban.notice.NotifyMembers;
import org.appban.notice.TemplateSet;
import org.appban.store.dynamo.DynamoEvidenceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.roster.RosterFiles;
import org.appban.roster.RosterImport;
import org.appban.roster.RosterParser;
import org.appban.roster.S3RosterFiles;
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
    private final Settings settings;
    private final Clock clock;
    /** The container's SDK clients, by type, each built when the function first asks for it (see {@link #client}). */
    private final Map<Class<?>, Object> clients = new LinkedHashMap<>();
    private AwsClients aws;
    /**
     * The external APIs' budgets, shared by every container of every function through RATE_BUDGETS_TABLE (see
     * {@link org.appban.remote.ApiBudgets}). One set per container, so that the container's clients of one API
     * share one batch of permits.
     */
    private DynamoRateLimits sharedLimits;
    private NotifyParts notify;

    /**
     * The root of one container, configured by {@code settings} alone (the handler's no-argument constructor passes
     * {@link Settings#fromEnvironment()}). Nothing is built here: each client and shared part is built when a
     * function's wiring first asks for it, once per root (so once per container), never for a function that does
     * not ask.
     */
    public Production(Settings settings) {
        this(settings, Clock.systemUTC());
    }

    /**
     * As {@link #Production(Settings)}, on {@code clock}: {@code ./appban bench scale} runs a container an hour later on
     * the simulators' clock by moving the functions' clock with it (Lambda's is the system clock).
     */
    public Production(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The client of {@code type}, built on first use, then kept. Plain methods rather than a memoizing lambda per
     * client: a lambda is a class loaded at construction, and a cold start pays for each.
     */
    private synchronized <T> T client(Class<T> type) {
        Object client = clients.get(type);
        if (client == null) {
            if (aws == null) aws = AwsClients.from(settings);
            client = type == DynamoDbClient.class ? aws.dynamoDb()
                    : type == software.amazon.awssdk.services.s3.S3Client.class ? aws.s3()
                    : type == software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.class ? aws.secretsManager()
                    : type == software.amazon.awssdk.services.eventbridge.EventBridgeClient.class ? aws.eventBridge()
                    : type == software.amazon.awssdk.services.ssm.SsmClient.class ? aws.ssm()
                    : type == software.amazon.awssdk.services.sns.SnsClient.class ? aws.sns()
                    : type == software.amazon.awssdk.services.sqs.SqsClient.class ? aws.sqs()
                    : type == software.amazon.awssdk.services.sesv2.SesV2Client.class ? aws.sesV2()
                    : null;
            if (client == null) throw new IllegalArgumentException("no AWS client " + type.getName());
            clients.put(type, client);
        }
        return type.cast(client);
    }

    private DynamoDbClient dynamo() {
        return client(DynamoDbClient.class);
    }

    private synchronized DynamoRateLimits sharedLimits() {
        if (sharedLimits == null) sharedLimits = DynamoRateLimits.forContainer(dynamo(), settings.required("RATE_BUDGETS_TABLE"), clock);
        return sharedLimits;
    }

    private synchronized NotifyParts notifyParts() {
        if (notify == null) notify = new NotifyParts(policy(),
                new DynamoMemberStore(dynamo(), settings.required("MEMBERS_TABLE")),
                new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE")),
                // Keyed hashes of addresses for the ledger and the log; the key is read when the first one is needed.
                org.appban.ledger.Pseudonyms.fromSecret(
                        new SecretsManagerSecretSource(secretsClient()), settings.required(org.appban.ledger.Pseudonyms.ENV)));
        return notify;
    }

    // The clients other than DynamoDB's are handed to their adapters as suppliers (through lazily()), so a
    // container builds a client only when its function's run first calls that service: building one loads a few
    // hundred classes, which a run that never calls the service (a status page, a schedule with nothing to send)
    // should not pay.

    /** Services whose client is built before a SnapStart snapshot (see {@link #lazily}). */
    private final java.util.Set<String> primed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Services whose client is built on first use only, never before a snapshot (see {@link #clientsOnFirstUse}). */
    private final java.util.Set<String> onFirstUse = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Leaves the clients of {@code services} (e.g. "sns", "s3") to be built when a run first calls them, not before a
     * SnapStart snapshot: for a function whose person waits on its cold start and whose usual request never calls
     * them, since each client built before the snapshot loads a few hundred classes into every publication and into
     * every start without a snapshot. Called before the function's wiring; returns this root.
     */
    public Production clientsOnFirstUse(String... services) {
        onFirstUse.addAll(List.of(services));
        return this;
    }

    /**
     * {@code client} as handed to an adapter: built on first use, and also before a SnapStart snapshot (a priming
     * resource), so a restored function does not build after the restore a client its wiring may call. Only the
     * services a function's wiring asks for are registered, and not those it leaves to first use.
     */
    private <T> Supplier<T> lazily(String service, Supplier<T> client) {
        if (!onFirstUse.contains(service) && primed.add(service)) org.appban.lambda.Priming.register("client " + service, client::get);
        return client;
    }

    private Supplier<software.amazon.awssdk.services.secretsmanager.SecretsManagerClient> secretsClient() {
        return lazily("secretsmanager", () -> client(software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.class));
    }

    private Supplier<software.amazon.awssdk.services.eventbridge.EventBridgeClient> eventsClient() {
        return lazily("eventbridge", () -> client(software.amazon.awssdk.services.eventbridge.EventBridgeClient.class));
    }

    private Supplier<software.amazon.awssdk.services.ssm.SsmClient> ssmClient() {
        return lazily("ssm", () -> client(software.amazon.awssdk.services.ssm.SsmClient.class));
    }

    private Supplier<software.amazon.awssdk.services.sns.SnsClient> snsClient() {
        return lazily("sns", () -> client(software.amazon.awssdk.services.sns.SnsClient.class));
    }

    private Supplier<software.amazon.awssdk.services.sqs.SqsClient> sqsClient() {
        return lazily("sqs", () -> client(software.amazon.awssdk.services.sqs.SqsClient.class));
    }

    private Supplier<software.amazon.awssdk.services.sesv2.SesV2Client> sesClient() {
        return lazily("sesv2", () -> client(software.amazon.awssdk.services.sesv2.SesV2Client.class));
    }

    private Supplier<software.amazon.awssdk.services.s3.S3Client> s3Client() {
        return lazily("s3", () -> client(software.amazon.awssdk.services.s3.S3Client.class));
    }

    public RosterImport rosterImport() {
        // The policy's languages, so a row in a language it does not write is reported at import (issue 21).
        return new RosterImport(new RosterParser(policy().notices().languages()),
                new DynamoMemberStore(dynamo(), settings.required("MEMBERS_TABLE")),
                new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE")),
                clock);
    }

    /** Options for the MDM and NAC adapters: production's timeouts and retries, the shared budgets. */
    private RemoteOptions sharedBudgets(ApiBudgets budgets) {
        return RemoteOptions.standard(clock).withLimits(sharedLimits()).withBudgets(budgets);
    }

    /** The deployment's budget settings; a misconfigured one stops the function at start, naming the setting. */
    private ApiBudgets iseBudgets() {
        return ApiBudgets.fromSetting(settings.optional(ApiBudgets.ISE_SETTING));
    }

    public InventorySync inventorySync() {
        // Its NAC budget setting only when it reads the NAC's registry (the only ISE calls it makes).
        ApiBudgets budgets = settings.optional("NAC_SECRET_ARN").isPresent() ? iseBudgets() : ApiBudgets.DEFAULT;
        RemoteOptions options = sharedBudgets(budgets);
        // Each MDM's secret is read when a run first lists it, not at construction (OnFirstUse: SnapStart constructs
        // the function when a version is published).
        var secrets = new SecretsManagerSecretSource(secretsClient());
        List<FleetInventory> mdms = MdmAdapters.secretArns(settings.required("MDM_SECRET_ARN")).stream()
                .map(arn -> OnFirstUse.inventory(() -> MdmAdapters.fromSecret(secrets, arn, options).inventory())).toList();
        // With a NAC configured, its device registry adds the private devices no MDM enrols (read with the same secret).
        Optional<RegisteredDevices> registry = settings.optional("NAC_SECRET_ARN")
                .map(nac -> OnFirstUse.registry(() -> NacAdapters.registryFromSecret(secrets, nac, options)));
        return new InventorySync(policy(), mdms, registry,
                new DynamoMemberStore(dynamo(), settings.required("MEMBERS_TABLE")),
                new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE")),
                new EventBridgeDeviceEvents(eventsClient(), settings.required("EVENT_BUS_NAME")),
                new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE")),
                clock);
    }

    /**
     * The hourly sync as a round of queued steps on the function's own queue (INVENTORY_WORK_QUEUE_URL), which invokes it
     * again; null when no queue is configured (a local run: the sync runs whole in one call). Steps are let in by a gate
     * that records what it refuses in the ledger, marks steps done in the claims table, and checks the round's own
     * shape (its hour, its cursor among this function's sources).
     */
    public org.appban.inventory.InventoryRound inventoryRound(InventorySync sync) {
        Optional<String> queue = settings.optional("INVENTORY_WORK_QUEUE_URL");
        if (queue.isEmpty()) return null;
        var claims = new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE"));
        int sources = org.appban.inventory.InventoryRound.sources(sync);
        var gate = new org.appban.work.ContinuationGate(org.appban.inventory.InventoryRound.KIND, queue.get(), org.appban.work.ContinuationJson.JSON, claims,
                new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE")), clock, c -> org.appban.inventory.InventoryRound.check(c, sources));
        return new org.appban.inventory.InventoryRound(sync, new org.appban.work.WorkSteps(gate, new org.appban.work.SqsWork(sqsClient(), queue.get())), clock);
    }

    public RosterFiles rosterFiles() {
        return new S3RosterFiles(s3Client());
    }

    /** The roster function's own work queue: an import that runs short of time continues from a message on it. */
    public org.appban.roster.RosterWork rosterWork() {
        return new org.appban.roster.SqsRosterWork(sqsClient(), settings.required("ROSTER_WORK_QUEUE_URL"));
    }

    /**
     * The enforce-removal function: DynamoDB (devices, exemptions, ledger, claims), SSM (kill switch), SQS (its
     * work queue), Secrets Manager (the MDM secrets, read only when a run or work item first needs the MDM).
     * Its containers (the deciding run and the queue's workers) draw on the MDMs' budgets shared with every
     * other function that calls them (the inventory sync).
     */
    /**
     * The blast-radius confirmation the stack's deadline schedule was deployed with (template parameter
     * DeadlineConfirm, as DEADLINE_CONFIRM); null when none (0).
     */
    public Integer deadlineConfirm() {
        return settings.optional("DEADLINE_CONFIRM").map(String::strip).filter(v -> !v.isEmpty()).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("DEADLINE_CONFIRM is '" + v + "', not a number (template.yaml: Ref DeadlineConfirm)");
            }
        }).filter(n -> n > 0).orElse(null);
    }

    public EnforceRemoval enforceRemoval() {
        // Its budgets' table is named at start (a deployment without it fails here, not at the first MDM call).
        settings.required("RATE_BUDGETS_TABLE");
        DynamoLedger ledger = new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE"));
        return new EnforceRemoval(policy(),
                new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE")),
                new DynamoExemptionStore(dynamo(), settings.required("EXEMPTIONS_TABLE")),
                ledger,
                new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE")),
                new SsmKillSwitch(ssmClient(), settings.required("KILL_SWITCH_PARAMETER")),
                this::enforcementMdms,
                new SqsWorkQueue(sqsClient(), settings.required("TRIGGER_QUEUE_URL")),
                // removal-escalated notices go to the notify function as NoticeRequested events on the project bus.
                new EventBridgeNoticeRequests(eventsClient(), settings.required("EVENT_BUS_NAME"), "appban.enforce")::request,
                clock);
    }

    private Map<MdmKind, FleetEnforcement> enforcementMdms;

    /**
     * The MDM adapters of enforce-removal, built when a run or a step first needs an MDM (once per root, shared by the
     * run and the round): the HTTP client and its TLS set-up are a cold-start cost that invocations with nothing for
     * the MDMs (a work item already done, a kill switch on) avoid.
     */
    private synchronized Map<MdmKind, FleetEnforcement> enforcementMdms() {
        if (enforcementMdms == null) {
            RemoteOptions options = sharedBudgets(ApiBudgets.DEFAULT);
            Map<MdmKind, FleetEnforcement> mdms = new LinkedHashMap<>();
            for (MdmAdapters.Mdm mdm : MdmAdapters.all(new SecretsManagerSecretSource(secretsClient()), settings.required("MDM_SECRET_ARN"), options)) {
                mdms.put(mdm.kind(), mdm.enforcement());
            }
            enforcementMdms = Map.copyOf(mdms);
        }
        return enforcementMdms;
    }

    /** Parts enforcement's deciding round is cut into: the round queue's workers (its mapping's MaximumConcurrency). */
    public static final int ENFORCE_ROUND_PARTS = 2;

    /**
     * Enforcement's deciding run as work on the function's own round queue (ENFORCE_ROUND_QUEUE_URL), which invokes
     * it again: steps let in by a gate that records what it refuses in the ledger and marks steps done in the claims
     * table; their device actions go to the device work queue (TRIGGER_QUEUE_URL), as a run's do.
     */
    public org.appban.enforce.EnforcementRound enforcementRound() {
        String queue = settings.required("ENFORCE_ROUND_QUEUE_URL");
        DynamoLedger ledger = new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE"));
        var claims = new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE"));
        var gate = new org.appban.work.ContinuationGate(org.appban.enforce.EnforcementRound.KIND, queue, org.appban.work.ContinuationJson.JSON, claims, ledger, clock);
        return new org.appban.enforce.EnforcementRound(policy(),
                new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE")),
                new DynamoExemptionStore(dynamo(), settings.required("EXEMPTIONS_TABLE")),
                ledger, claims,
                new SsmKillSwitch(ssmClient(), settings.required("KILL_SWITCH_PARAMETER")),
                this::enforcementMdms,
                new SqsWorkQueue(sqsClient(), settings.required("TRIGGER_QUEUE_URL")),
                new org.appban.work.WorkSteps(gate, new org.appban.work.SqsWork(sqsClient(), queue)),
                ENFORCE_ROUND_PARTS, deadlineConfirm(), new SnsAdminAlerts(snsClient(), settings.required("ADMIN_TOPIC_ARN")), clock);
    }

    /**
     * The policy named by {@code POLICY}: a policy bundled in the jar, or {@code s3://bucket/key} of a policy file
     * (read once per container; a bad policy stops the function at its first invocation, naming every problem).
     */
    public synchronized BanPolicy policy() {
        // Once per container: a function's parts each ask for it, and parsing and checking it twice costs a cold start.
        if (loadedPolicy == null) loadedPolicy = loadPolicy();
        return loadedPolicy;
    }

    private BanPolicy loadedPolicy;

    private BanPolicy loadPolicy() {
        String reference = settings.required("POLICY");
        PolicyLoader loader = new PolicyLoader();
        if (!reference.startsWith("s3://")) return loader.bundled(reference);
        String path = reference.substring("s3://".length());
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new IllegalStateException("POLICY '" + reference + "' is not s3://bucket/key");
        }
        String bucket = path.substring(0, slash);
        String key = path.substring(slash + 1);
        byte[] bytes = client(software.amazon.awssdk.services.s3.S3Client.class).getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
        return loader.parse(new String(bytes, StandardCharsets.UTF_8), reference);
    }

    /** The notify-members function's parts: its stores, SES v2 (no MDM, no NAC), built once per container. */
    private record NotifyParts(BanPolicy policy, DynamoMemberStore members, DynamoLedger ledger,
                               org.appban.ledger.Pseudonyms pseudonyms) {
    }


    public NotifyMembers notifyMembers() {
        BanPolicy policy = notifyParts().policy();
        DynamoClaims claims = new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE"));
        // SES_CONFIGURATION_SET publishes this function's bounces and complaints back to it.
        SendRateLimiter own = SendRateLimiter.fromEnvironment(
                settings.optional(SendRateLimiter.ENV).map(rate -> Map.of(SendRateLimiter.ENV, rate)).orElse(Map.of()), Ticker.system());
        // The daily round's parts run in workers at once: together they draw on one budget for the account's rate.
        SendRateLimiter limiter = own.sharing(sharedLimits().limit(SendRateLimiter.accountBudget(own.maxPerSecond())));
        RateLimitedMailer mailer = RateLimitedMailer.withDefaults(
                new SesMailer(sesClient(), settings.optional("SES_CONFIGURATION_SET").orElse(null)), limiter);
        NoticePlanner planner = new NoticePlanner(policy);
        NoticeComposer composer = new NoticeComposer(policy, org.appban.notice.NoticeLanguages.load(policy),
                new MimeWriter(), noticeLinks(policy), true);
        return new NotifyMembers(policy, notifyParts().members(),
                new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE")),
                new DynamoExemptionStore(dynamo(), settings.required("EXEMPTIONS_TABLE")),
                claims, notifyParts().ledger(), Attestations.fromLedger(notifyParts().ledger()), planner, composer,
                new NoticeSender(claims, notifyParts().ledger(), mailer, clock, NoticeSender.DEFAULT_LEASE, notifyParts().pseudonyms()), clock,
                NotifyMembers.parallelismFor(limiter.maxPerSecond()));
    }

    /** Parts a daily round is cut into: the workers that run it at once (the queue's mapping caps them the same). */
    public static final int NOTIFY_ROUND_PARTS = 4;

    /**
     * The daily round as work on the function's own queue (NOTIFY_WORK_QUEUE_URL), which invokes it again: steps
     * let in by a gate that records what it refuses in the ledger and marks steps done in the claims table.
     *
     * @param notify the function's notifier, whose parts the steps run
     */
    public org.appban.notice.NoticeRound noticeRound(NotifyMembers notify) {
        String queue = settings.required("NOTIFY_WORK_QUEUE_URL");
        DynamoClaims claims = new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE"));
        var gate = new org.appban.work.ContinuationGate(org.appban.notice.NoticeRound.KIND, queue, org.appban.work.ContinuationJson.JSON, claims,
                notifyParts().ledger(), clock);
        return new org.appban.notice.NoticeRound(notify, new org.appban.work.WorkSteps(gate, new org.appban.work.SqsWork(sqsClient(), queue)),
                NOTIFY_ROUND_PARTS, clock);
    }

    /**
     * The links each notice carries: the member's attestation link (ATTESTATION_URL, the attestation function) and
     * exemption request link (EXEMPTION_LINK_URL, the exemption-link function), both signed with the key in
     * SIGNING_SECRET_ARN and valid for the policy's attestationLinkDays. The key is read when the first notice is
     * composed, not when the function starts: most invocations send nothing (a round with nothing due, a device
     * change that changes no notice) and need neither the key nor a Secrets Manager client. SnapStart priming
     * composes a notice, so a published version has the key read before its snapshot.
     */
    LinkIssuer noticeLinks(BanPolicy policy) {
        String arn = settings.required("SIGNING_SECRET_ARN");
        org.appban.signing.Signer signer = org.appban.signing.Signer.fromSecret(new SecretsManagerSecretSource(secretsClient()), arn);
        int days = policy.privateDevices().attestationLinkDays();
        SignedExemptionLinks exemptions = new SignedExemptionLinks(URI.create(settings.required("EXEMPTION_LINK_URL")),
                new org.appban.signing.SignedTokens(signer), Duration.ofDays(days));
        return new AttestationLinks(new SignedLinks(signer, SignedLinks.ATTESTATION), URI.create(settings.required("ATTESTATION_URL")), days)
                .withExemptionLinks(exemptions);
    }

    /**
     * The administrators' daily digest, on notify-members' own stores and SES (its sender is the policy's, as the
     * notices'), and the day's campaign metrics. The full report's link: the policy's {@code adminDigest.statusUrl}.
     */
    public org.appban.digest.AdminDigest adminDigest() {
        BanPolicy policy = notifyParts().policy();
        return new org.appban.digest.AdminDigest(policy,
                new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE")),
                new DynamoExemptionStore(dynamo(), settings.required("EXEMPTIONS_TABLE")), notifyParts().ledger(),
                new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE")),
                new SesMailer(sesClient(), settings.optional("SES_CONFIGURATION_SET").orElse(null)),
                new org.appban.digest.DigestMail(policy, new MimeWriter(), null),
                org.appban.digest.FleetChainApprovals.of(policy, notifyParts().ledger()), clock, NoticeSender.DEFAULT_LEASE);
    }

    public MailFeedbackRecorder mailFeedbackRecorder() {
        return new MailFeedbackRecorder(notifyParts().members(), notifyParts().ledger(),
                new SnsAdminAlerts(snsClient(), settings.required("ADMIN_TOPIC_ARN")), clock, notifyParts().pseudonyms());
    }

    /**
     * Exemption notices on Lambda: published as NoticeRequested events on the project's bus, which the notify
     * function sends (once per exemption and kind: the request's occasion is the exemption id).
     */
    public ExemptionNotices exemptionNotices() {
        EventBridgeNoticeRequests requests = new EventBridgeNoticeRequests(eventsClient(),
                settings.required("EVENT_BUS_NAME"), "appban.admin");
        return ExemptionNotices.asRequests(requests::request);
    }

    public ExemptionService exemptionService() {
        return new ExemptionService(policy(),
                new DynamoMemberStore(dynamo(), settings.required("MEMBERS_TABLE")),
                new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE")),
                new DynamoExemptionStore(dynamo(), settings.required("EXEMPTIONS_TABLE")),
                new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE")),
                exemptionNotices(), clock);
    }

    /**
     * The daily exemption sweep as work on the function's own queue (EXEMPTION_SWEEP_WORK_QUEUE_URL), which invokes
     * it again: steps let in by a gate that records what it refuses in the ledger and marks steps done in the claims
     * table (CLAIMS_TABLE).
     */
    /** The daily sweep as a round of steps on the sweep's own queue. */
    public org.appban.exemption.ExemptionSweepRound exemptionSweepRound(ExemptionService service) {
        String queue = settings.required("EXEMPTION_SWEEP_WORK_QUEUE_URL");
        DynamoClaims claims = new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE"));
        DynamoLedger ledger = new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE"));
        org.appban.work.ContinuationGate gate = new org.appban.work.ContinuationGate(org.appban.exemption.ExemptionSweepRound.KIND, queue,
                org.appban.work.ContinuationJson.JSON, claims, ledger, clock);
        return new org.appban.exemption.ExemptionSweepRound(service, new org.appban.work.WorkSteps(gate, new org.appban.work.SqsWork(sqsClient(), queue)),
                clock, policy().zone());
    }

    public Administration administration() {
        BanPolicy policy = policy();
        DynamoMemberStore members = new DynamoMemberStore(dynamo(), settings.required("MEMBERS_TABLE"));
        DynamoDeviceStore devices = new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE"));
        DynamoExemptionStore exemptions = new DynamoExemptionStore(dynamo(), settings.required("EXEMPTIONS_TABLE"));
        DynamoLedger ledger = new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE"));
        ExemptionService exemptionService = new ExemptionService(policy, members, devices, exemptions, ledger, exemptionNotices(), clock);
        S3Reports reports = new S3Reports(s3Client(), settings.required("REPORTS_BUCKET"));
        return new Administration(policy, new org.appban.admin.AdminRequestJson(policy), members, devices, exemptions, ledger,
                exemptionService, new SsmKillSwitch(ssmClient(), settings.required("KILL_SWITCH_PARAMETER")),
                new org.appban.admin.StatusExport(reports),
                new LedgerAudit(ledger, reports, new org.appban.ledger.LedgerJson(), new LedgerAudit.Anchoring(
                        new org.appban.ledger.S3DigestStore(s3Client(), settings.required("DIGEST_BUCKET")), settings.required("LEDGER_TABLE"),
                        org.appban.ledger.LedgerDigestJson.JSON)),
                CampaignPreview.standard(policy),
                // The network-access function's own record of each device, as its ledger entries tell it.
                NetworkAccessLookup.fromLedger(java.util.Map.of("nac.quarantined", "quarantined", "nac.released", "allowed")),
                new org.appban.admin.EventBridgeManualRuns(eventsClient(), settings.required("EVENT_BUS_NAME")), clock);
    }

    /**
     * The ledger-digest function: the ledger's heads (LEDGER_TABLE, whose name every digest carries) anchored in the
     * Object Lock bucket DIGEST_BUCKET.
     */
    public org.appban.ledger.LedgerAnchor ledgerAnchor() {
        String table = settings.required("LEDGER_TABLE");
        return new org.appban.ledger.LedgerAnchor(new DynamoLedger(dynamo(), table),
                new org.appban.ledger.S3DigestStore(s3Client(), settings.required("DIGEST_BUCKET")), org.appban.ledger.LedgerDigestJson.JSON, table, clock);
    }

    public DynamoMemberStore memberStore() {
        return new DynamoMemberStore(dynamo(), settings.required("MEMBERS_TABLE"));
    }

    public DynamoDeviceStore deviceStore() {
        return new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE"));
    }

    /** Signed link tokens, keyed by the secret SIGNING_SECRET_ARN (read on first use, once per container). */
    public org.appban.signing.SignedTokens signedTokens() {
        return new org.appban.signing.SignedTokens(org.appban.signing.Signer.fromSecret(
                new SecretsManagerSecretSource(secretsClient()), settings.required("SIGNING_SECRET_ARN")));
    }

    // --- Network access (quarantine and release of private devices) and the attestation link --------------------

    private SignedLinks attestationSigner() {
        // The key is read on first use (Signer.fromSecret), not when the function is constructed.
        return new SignedLinks(org.appban.signing.Signer.fromSecret(new SecretsManagerSecretSource(secretsClient()),
                settings.required("SIGNING_SECRET_ARN")), SignedLinks.ATTESTATION);
    }

    /**
     * The network-access function: the rules over DynamoDB, the NAC from NAC_SECRET_ARN, the kill switch in SSM,
     * notices asked for on the bus (NoticeRequested from appban.network), alerts to the administrators' topic and
     * the log, telemetry from S3. The MDM webhook has a function of its own ({@link #mdmWebhook()}).
     */
    public AccessFunction networkAccess() {
        BanPolicy policy = policy();
        var devices = new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE"));
        var ledger = new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE"));
        var evidence = evidenceStore(policy);
        NetworkAccessService service = accessService(policy, devices, ledger, evidence);
        TelemetryIngest telemetry = new TelemetryIngest(policy.app(), devices, evidence, ledger, clock);
        return new AccessFunction(service, telemetry, new S3TelemetryObjects(s3Client()), null, accessRound(policy, service, ledger));
    }

    /** Parts network access's daily round is cut into: the workers that run it at once (the queue's mapping caps them the same). */
    public static final int ACCESS_ROUND_PARTS = 4;

    /**
     * Network access's daily run as work on the function's own queue (ACCESS_WORK_QUEUE_URL), which invokes it again:
     * steps let in by a gate that records what it refuses in the ledger and marks steps done in the claims table.
     */
    private org.appban.access.AccessRound accessRound(BanPolicy policy, NetworkAccessService service, DynamoLedger ledger) {
        String queue = settings.required("ACCESS_WORK_QUEUE_URL");
        var claims = new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE"));
        var gate = new org.appban.work.ContinuationGate(org.appban.access.AccessRound.KIND, queue, org.appban.work.ContinuationJson.JSON, claims, ledger, clock);
        return new org.appban.access.AccessRound(service, new org.appban.work.WorkSteps(gate, new org.appban.work.SqsWork(sqsClient(), queue)),
                claims, ACCESS_ROUND_PARTS, policy.zone(), clock);
    }

    private DynamoEvidenceStore evidenceStore(BanPolicy policy) {
        // Matched telemetry is kept twice the quiet period (at least 30 days), long enough for every decision that
        // reads it; what justified an action is copied into the ledger, which keeps it for good.
        Duration retention = Duration.ofDays(Math.max(30, 2L * policy.privateDevices().quietPeriodDays()));
        return new DynamoEvidenceStore(dynamo(), settings.required("EVIDENCE_TABLE"), retention);
    }

    /** Network access's rules and NAC, for the network-access function and the MDM webhook's device runs. */
    private NetworkAccessService accessService(BanPolicy policy, DynamoDeviceStore devices, DynamoLedger ledger,
                                                      DynamoEvidenceStore evidence) {
        var secrets = new SecretsManagerSecretSource(secretsClient());
        var claims = new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE"));
        String nacSecret = settings.required("NAC_SECRET_ARN");
        RemoteOptions nacOptions = sharedBudgets(iseBudgets());
        var nac = OnFirstUse.networkAccess(() -> NacAdapters.fromSecret(secrets, nacSecret, nacOptions));
        AccessNotices notices = AccessNotices.asRequests(
                new EventBridgeNoticeRequests(eventsClient(), settings.required("EVENT_BUS_NAME"), "appban.network"));
        AccessAlerts alerts = AccessAlerts.both(new LoggedAccessAlerts(System.out),
                AccessAlerts.to(new SnsAdminAlerts(snsClient(), settings.required("ADMIN_TOPIC_ARN"))));
        return new NetworkAccessService(policy, devices,
                new DynamoExemptionStore(dynamo(), settings.required("EXEMPTIONS_TABLE")), Attestations.fromLedger(ledger), evidence, nac,
                new SsmKillSwitch(ssmClient(), settings.required("KILL_SWITCH_PARAMETER")), claims, ledger, notices, alerts, clock);
    }

    /**
     * The MDM webhook function's signed (HMAC) compliance changes: the secret WEBHOOK_SECRET_ARN (read right after a
     * SnapStart restore, else on the first request), each delivery claimed once, the device re-evaluated by network access's rules.
     */
    public MdmWebhook mdmWebhook() {
        BanPolicy policy = policy();
        var devices = new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE"));
        var ledger = new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE"));
        var secrets = new SecretsManagerSecretSource(secretsClient());
        String webhookSecret = settings.required("WEBHOOK_SECRET_ARN");
        // Read after a SnapStart restore, beside the event's hand-over, and never kept in the snapshot (SecretAfterRestore).
        // Registered after the credentials (dynamo() above built them): a restore runs the hooks in the order they were
        // registered, so the credentials drop the snapshot's provider before this read asks for the restore's.
        return new MdmWebhook(new WebhookSignature(SecretAfterRestore.of(secrets, webhookSecret)),
                new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE")), devices, ledger,
                accessService(policy, devices, ledger, evidenceStore(policy)), clock);
    }

    /**
     * The MDM webhook function's Jamf Pro webhooks: the credentials Jamf Pro sends, from JAMF_WEBHOOK_SECRET_ARN (read
     * on the first request); each event claimed once; the device re-read from Jamf Pro (MDM_SECRET_ARN, the Jamf
     * secret among them, read on first use) and applied as the hourly sync does, changes published on the bus.
     * Refusals are counted in the log (Embedded Metric Format).
     */
    public org.appban.inventory.JamfWebhook jamfWebhook() {
        var secrets = new SecretsManagerSecretSource(secretsClient());
        RemoteOptions options = sharedBudgets(ApiBudgets.DEFAULT);
        List<FleetInventory> mdms = MdmAdapters.secretArns(settings.required("MDM_SECRET_ARN")).stream()
                .map(arn -> OnFirstUse.inventory(() -> MdmAdapters.fromSecret(secrets, arn, options).inventory())).toList();
        var devices = new DynamoDeviceStore(dynamo(), settings.required("DEVICES_TABLE"));
        var ledger = new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE"));
        InventorySync sync = new InventorySync(policy(), mdms, Optional.empty(),
                new DynamoMemberStore(dynamo(), settings.required("MEMBERS_TABLE")), devices,
                new EventBridgeDeviceEvents(eventsClient(), settings.required("EVENT_BUS_NAME")), ledger, clock);
        String authSecret = settings.required("JAMF_WEBHOOK_SECRET_ARN");
        java.util.function.Supplier<org.appban.inventory.JamfWebhookAuth> auth = OnFirstUse.memoized(
                () -> org.appban.inventory.JamfWebhookAuth.fromSecret(secrets.secret(authSecret), authSecret));
        return new org.appban.inventory.JamfWebhook(auth, new DynamoClaims(dynamo(), settings.required("CLAIMS_TABLE")), devices, ledger,
                sync, System.out::println, clock);
    }

    /** The attestation function behind the signed link: members, ledger, the signing key, EventBridge. */
    public AttestationService attestation() {
        return new AttestationService(attestationSigner(), new DynamoMemberStore(dynamo(), settings.required("MEMBERS_TABLE")),
                new DynamoLedger(dynamo(), settings.required("LEDGER_TABLE")),
                new EventBridgeAttestationEvents(eventsClient(), settings.required("EVENT_BUS_NAME")), policy(), clock);
    }
}
