package org.appban.lambda.access;

import org.appban.access.FunctionUrlRequest;
import org.appban.access.MdmWebhook;
import org.appban.access.WebhookSignature;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.UUID;
import org.appban.aws.SdkPriming;
import org.appban.input.InvalidInputException;
import org.appban.inventory.JamfWebhook;
import org.appban.json.Json;
import org.appban.lambda.JsonHandler;
import org.appban.lambda.Priming;
import org.appban.wiring.AdapterPriming;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * The MDM webhook function: the public function URL the MDMs post device events to, apart from network access so
 * that a flood of requests (signed or not) is capped by this function's own reserved concurrency and never takes
 * the containers network access's scheduled runs, quarantines and releases need.
 * <ul>
 *   <li>{@code POST /jamf}: Jamf Pro's own device webhooks, authenticated as Jamf Pro sends them (basic or header
 *       authentication, {@link org.appban.inventory.JamfWebhookAuth}): each re-reads its device from Jamf Pro as the
 *       hourly inventory sync does ({@link JamfWebhook}), and the changes go on the bus to notices and network access;</li>
 *   <li>{@code POST /} (any other path): the HMAC-signed compliance change of a relay ({@link MdmWebhook}), which
 *       re-evaluates that device's network access at once.</li>
 * </ul>
 * Every refusal (wrong credentials or signature, a malformed body, an unknown event or device, a replay) is an
 * HTTP answer that acts on nothing; only a failure of the world (a store that does not answer) is thrown.
 */
public final class MdmWebhookHandler extends JsonHandler {
    /** Where Jamf Pro is configured to post (Settings, Global, Webhooks: the function URL plus this path). */
    public static final String JAMF_PATH = "/jamf";

    private final MdmWebhook signed;
    private final JamfWebhook jamf;

    public MdmWebhookHandler() {
        // SNS carries only the alerts to the administrators, which a delivery rarely raises: its client is built by
        // the first alert rather than carried by every snapshot (see warmUp).
        this(new Production(Settings.fromEnvironment()).clientsOnFirstUse("sns"));
    }

    private MdmWebhookHandler(Production production) {
        this(production.mdmWebhook(), production.jamfWebhook());
        Priming.register("mdm-webhook", () -> warmUp(production.policy()));
    }

    /**
     * SnapStart priming: a signed delivery run to its end on sample records in memory (checked, claimed, applied, the
     * device released through the NAC on canned answers: {@link NetworkAccessHandler#webhookOnSamples}), which runs
     * the stores' calls, the kill switch's SSM read and the NAC adapter on the webhook's path; Jamf Pro's one-device
     * reads (a mobile device, a computer) on canned answers; DynamoDB's answers, the secret's read and a bus event marshalled; a request read. Nothing received, nothing
     * stored.
     *
     * <p>Only what a restored webhook runs: every class priming loads is loaded again by each snapshot's publication
     * and by every cold start that has no snapshot to restore, so the paths this function never takes are left out
     * (the bench's count of classes the restored first invocation loads shows whether one was needed): the MDM and NAC
     * listings (the inventory sync's, and the NAC's quarantine list: the delivery's run quarantines and releases), every store call of the other functions ({@code StorePriming.run}), a second
     * SSM read (the delivery's run made it), and SNS, which only an alert to the
     * administrators uses (its query protocol and an XML parser, about 400 classes): an invocation that alerts loads it.
     */
    static void warmUp(org.appban.policy.BanPolicy policy) {
        AdapterPriming.jamfDevices();
        NetworkAccessHandler.webhookOnSamples(policy);
        // The answers' other shapes (consumed capacities, numbers, pages): the delivery's run on the priming tables
        // does not read them, and a restored first invocation loaded 40 more classes without this.
        SdkPriming.dynamoDb();
        SdkPriming.secretsManager();
        SdkPriming.eventBridge();
        FunctionUrlRequest.from(JsonHandler.warmUp("{\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"rawPath\":\"/jamf\",\"body\":\"{}\"}"));
        FunctionUrlRequest.response(200, Map.of("Content-Type", "application/json"), "{}");
    }

    public MdmWebhookHandler(MdmWebhook signed, JamfWebhook jamf) {
        this.signed = signed;
        this.jamf = jamf;
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        if (!FunctionUrlRequest.is(event)) {
            throw new InvalidInputException("mdm-webhook event", "requestContext.http", "not a function URL request: this function "
                    + "answers only the MDMs' webhooks on its URL (stack output MdmWebhookUrl)");
        }
        String runId = context != null && context.getAwsRequestId() != null ? context.getAwsRequestId() : UUID.randomUUID().toString();
        FunctionUrlRequest request = FunctionUrlRequest.from(event);
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Cache-Control", "no-store");
        if (!request.method().equals("POST")) {
            return FunctionUrlRequest.response(405, Map.of("Content-Type", "application/json", "Allow", "POST"),
                    "{\"status\":\"refused\",\"reason\":\"POST only\"}");
        }
        if (request.path().equals(JAMF_PATH) || request.path().equals(JAMF_PATH + "/")) {
            JamfWebhook.Answer answer = jamf.receive(request.headers(), request.body(), runId);
            return FunctionUrlRequest.response(answer.status(), headers, Json.write(answer.body()));
        }
        MdmWebhook.Answer answer = signed.receive(request.header(WebhookSignature.HEADER), request.body(), runId);
        return FunctionUrlRequest.response(answer.status(), headers, Json.write(answer.body()));
    }
}
