package org.appban.lambda.admin;

import org.appban.admin.requests.Administration;
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
import org.appban.wiring.Production;

/**
 * The admin function: manual invocation only. Takes an {@link AdminRequest} as the body of a function URL request
 * with AWS_IAM auth, whose caller is the IAM principal Lambda authenticated ({@link FunctionUrlIdentity}), and
 * answers with the {@link Administration} report wrapped as an HTTP response (200 done, 400 rejected). A direct
 * invocation (the request as the event itself) proves nobody: whatever its client context or body says, it runs
 * as {@link Caller#direct()}, which may only read.
 */
public final class AdminHandler extends JsonHandler {
    private final Administration administration;

    public AdminHandler() {
        this(Production.administration());
        Priming.register("admin", AdminHandler::warmUp);
    }

    /** SnapStart priming: the SDK calls, a function URL request unwrapped and a request parsed; nothing done. */
    static void warmUp() {
        SdkPriming.dynamoDb();
        SdkPriming.s3();
        SdkPriming.ssm();
        SdkPriming.eventBridge();
        JsonNode event = JsonHandler.warmUp("{\"requestContext\":{\"http\":{\"method\":\"POST\"},\"authorizer\":{\"iam\":"
                + "{\"userArn\":\"arn:aws:sts::000000000000:assumed-role/priming/priming\"}}},\"body\":\"{\\\"operation\\\":\\\"status\\\"}\"}");
        FunctionUrlIdentity.of(event);
        AdminRequest.parse(body(event));
        response(Json.object().put("status", "done"));
    }

    public AdminHandler(Administration administration) {
        this.administration = administration;
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        String invocation = context != null && context.getAwsRequestId() != null ? context.getAwsRequestId() : UUID.randomUUID().toString();
        if (!isFunctionUrlRequest(event)) {
            return administration.handle(event, Caller.direct(), invocation);
        }
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
