package org.appban.lambda.admin;

import org.appban.admin.NetworkAccessLookup;
import org.appban.admin.requests.Administration;
import org.appban.admin.requests.AdministrationJson;
import org.appban.admin.AdminRequest;
import org.appban.admin.Caller;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.UUID;
import org.appban.input.InvalidInputException;
import org.appban.identity.FunctionUrlIdentity;
import org.appban.json.Json;
import org.appban.lambda.JsonHandler;
import org.appban.aws.SdkPriming;
import org.appban.lambda.Priming;
import org.appban.lambda.Trigger;
import org.appban.exemption.ExemptionNotices;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * The admin function: manual invocation only. Takes an {@link AdminRequest} as the body of a function URL request
 * with AWS_IAM auth, whose caller is the IAM principal Lambda authenticated ({@link FunctionUrlIdentity}), and
 * answers with the {@link Administration} report wrapped as an HTTP response (200 done, 400 rejected). A direct
 * invocation (the request as the event itself) proves nobody: whatever its client context or body says, it runs
 * as {@link Caller#direct()}, which may only read.
 */
public final class AdminHandler extends JsonHandler {
    private final AdministrationJson administration;

    public AdminHandler() {
        // The status, the request a person waits for, calls DynamoDB alone: the S3, SSM and EventBridge clients of the
        // rarer operations (the full report, the kill switch, manual runs) are built when one first calls them, not
        // before every snapshot (about 600 classes between them).
        this(new Production(Settings.fromEnvironment()).clientsOnFirstUse("s3", "ssm", "eventbridge"));
    }

    private AdminHandler(Production production) {
        this(production.administration());
        Priming.register("admin", () -> warmUp(production.policy()));
    }

    /**
     * SnapStart priming: DynamoDB's calls, a function URL request unwrapped and a request parsed, and the status
     * operation run to its end on sample records in memory, as it usually comes (the counters read, the call recorded
     * in a ledger): nothing sent, nothing stored. Not the other stores' calls ({@code StorePriming.run}: the whole
     * tables the full report reads): the status runs the calls it makes, and the bench's count of classes a restored
     * first invocation loads is the check that nothing it needs was left out.
     */
    static void warmUp(org.appban.policy.BanPolicy policy) {
        // DynamoDB only: a status request, the one a person waits for, reads the counters and appends its record. The
        // S3, SSM and EventBridge clients serve the rarer operations (the full report, the kill switch, manual runs),
        // which load them on first use rather than lengthen every snapshot.
        SdkPriming.dynamoDb();
        JsonNode event = JsonHandler.warmUp("{\"requestContext\":{\"http\":{\"method\":\"POST\"},\"authorizer\":{\"iam\":"
                + "{\"userArn\":\"arn:aws:sts::000000000000:assumed-role/priming/priming\"}}},\"body\":\"{\\\"operation\\\":\\\"status\\\"}\"}");
        Caller caller = Caller.proven(FunctionUrlIdentity.of(event));
        org.appban.admin.AdminRequestJson.parse(body(event));
        response(statusOnSamples(policy, body(event), caller));
        // Not the full report (status with export): a rare request that reads the whole campaign, for which loading
        // its classes on first use is a small part; priming it would lengthen every snapshot for it.
    }

    /**
     * The status operation, as the function runs it, over one member with a device, an exemption and a notice: the
     * production stores on tables in the JVM ({@link org.appban.store.dynamo.PrimingTables}), the kill switch and the
     * reports bucket on canned SSM and S3 answers. Nothing leaves the process.
     */
    public static ObjectNode statusOnSamples(org.appban.policy.BanPolicy policy, JsonNode request, Caller caller) {
        java.time.Instant now = java.time.Instant.parse("2024-01-01T00:00:00Z");
        java.time.Clock clock = java.time.Clock.fixed(now, java.time.ZoneOffset.UTC);
        // The canned SSM and S3 clients are built only if the request reaches them (a status with export does).
        java.util.List<AutoCloseable> built = new java.util.ArrayList<>();
        java.util.function.Supplier<software.amazon.awssdk.services.ssm.SsmClient> ssm = once(built, () -> SdkPriming.ssmAnswering("off"));
        java.util.function.Supplier<software.amazon.awssdk.services.s3.S3Client> s3 = once(built, SdkPriming::emptyS3);
        try (var stores = org.appban.store.dynamo.StorePriming.stores(java.time.Duration.ofDays(30))) {
            org.appban.store.dynamo.StorePriming.samples(now).populate(stores.members(), stores.devices(), stores.exemptions(), stores.ledger());
            ExemptionNotices silent = new ExemptionNotices() {
                @Override
                public void granted(org.appban.domain.Exemption exemption, java.time.Instant at) {
                }

                @Override
                public void expiring(org.appban.domain.Exemption exemption, java.time.Instant at) {
                }

                @Override
                public void expired(org.appban.domain.Exemption exemption, java.time.Instant at) {
                }
            };
            org.appban.report.S3Reports reports = new org.appban.report.S3Reports(s3, "priming");
            Administration administration = new Administration(policy, new org.appban.admin.AdminRequestJson(policy), stores.members(),
                    stores.devices(), stores.exemptions(), stores.ledger(),
                    new org.appban.exemption.ExemptionService(policy, stores.members(), stores.devices(), stores.exemptions(), stores.ledger(), silent, clock),
                    new org.appban.safety.SsmKillSwitch(ssm, "/priming"), new org.appban.admin.StatusExport(reports),
                    new org.appban.admin.LedgerAudit(stores.ledger(), reports, new org.appban.ledger.LedgerJson()), org.appban.admin.preview.CampaignPreview.standard(policy),
                    NetworkAccessLookup.fromLedger(java.util.Map.of("nac.quarantined", "quarantined", "nac.released", "allowed")),
                    org.appban.admin.ManualRuns.unavailable(), clock);
            return new AdministrationJson(administration).handle(request, caller, "priming");
        } finally {
            for (AutoCloseable c : built) {
                try {
                    c.close();
                } catch (Exception e) {
                    // a canned client holds nothing outside the process
                }
            }
        }
    }

    /** A supplier that builds its client on first use, once, and keeps it for closing. */
    private static <C extends AutoCloseable> java.util.function.Supplier<C> once(java.util.List<AutoCloseable> built,
                                                                              java.util.function.Supplier<C> make) {
        return new java.util.function.Supplier<>() {
            private C client;

            @Override
            public synchronized C get() {
                if (client == null) {
                    client = make.get();
                    built.add(client);
                }
                return client;
            }
        };
    }

    public AdminHandler(Administration administration) {
        this.administration = new AdministrationJson(administration);
    }

    private static final String EXPECTED = "requests through its function URL and direct invocations";

    @Override
    protected Object handle(JsonNode event, Context context) {
        String invocation = context != null && context.getAwsRequestId() != null ? context.getAwsRequestId() : UUID.randomUUID().toString();
        Trigger trigger;
        try {
            trigger = Trigger.of(event);
        } catch (InvalidInputException e) {
            // Every refusal is recorded, this one too: the ledger keeps who tried what.
            return administration.rejected(e, Caller.direct(), invocation);
        }
        return switch (trigger) {
            case Trigger.FunctionUrlCall url -> functionUrl(url, invocation);
            case Trigger.DirectInvocation direct -> administration.handle(direct.event(), Caller.direct(), invocation);
            // Manual invocation only: a schedule, a rule or an event source mapping pointed at it is a wiring mistake.
            default -> administration.rejected(Trigger.notHandled("admin", trigger, EXPECTED), Caller.direct(), invocation);
        };
    }

    private Object functionUrl(Trigger.FunctionUrlCall url, String invocation) {
        JsonNode event = url.event();
        ObjectNode report;
        Caller caller;
        try {
            caller = Caller.proven(FunctionUrlIdentity.of(event));
        } catch (InvalidInputException e) {
            report = administration.rejected(e, Caller.direct(), invocation);
            return response(report);
        }
        try {
            report = administration.handle(body(event), caller, invocation);
        } catch (InvalidInputException e) {
            report = administration.rejected(e, caller, invocation);
        }
        return response(report);
    }

    private static ObjectNode response(ObjectNode report) {
        ObjectNode response = Json.object();
        String status = report.path("status").asText();
        // 202: accepted, waiting for a second administrator's approval.
        response.put("statusCode", "done".equals(status) ? 200 : "pending".equals(status) ? 202 : 400);
        response.putObject("headers").put("content-type", "application/json");
        response.put("body", Json.write(report));
        return response;
    }

    /** A function URL (payload format 2.0) request: it has {@code requestContext.http}. */
    public static boolean isFunctionUrlRequest(JsonNode event) {
        return FunctionUrlIdentity.isFunctionUrlRequest(event);
    }

    static JsonNode body(JsonNode event) {
        JsonNode body = event.get("body");
        if (body == null || !body.isTextual() || body.textValue().isBlank()) {
            throw new InvalidInputException("function URL request", "body", "is empty; send the admin request as JSON");
        }
        String text = body.textValue();
        try {
            if (event.path("isBase64Encoded").asBoolean(false)) {
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("function URL request", "body", "is marked base64 but is not");
                }
                // The bytes, not a String made of them: bytes that are not UTF-8 are refused, not replaced by '?'.
                return Json.parse(bytes);
            }
            return Json.parse(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("function URL request", "body", Json.problem(e));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
