package org.appban.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.appban.json.Json;

/**
 * Builds the event Lambda delivers for a function URL request (payload format 2.0) after it has authenticated the
 * caller with AWS_IAM: for whatever stands in for Lambda's front outside AWS (the local function URL front that
 * verifies SigV4, the rehearsal's in-process calls). On AWS only Lambda writes {@code requestContext.authorizer.iam};
 * a direct invocation that wrote one itself would be a forgery, which is why nobody but the deployer may hold
 * {@code lambda:InvokeFunction} on the admin function without the {@code lambda:InvokedViaFunctionUrl} condition.
 */
public final class FunctionUrlEvent {
    private FunctionUrlEvent() {
    }

    /**
     * @param principalArn the authenticated caller's ARN ({@code userArn})
     * @param callerId     IAM's unique id of the caller, e.g. {@code AROA...:session}; null when unknown
     * @param accessKey    the access key that signed the request; null when unknown
     */
    public static ObjectNode post(String host, String path, Map<String, String> headers, String body, String principalArn,
                                  String callerId, String accessKey, Instant at) {
        ObjectNode event = Json.object();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", path);
        event.put("rawQueryString", "");
        ObjectNode h = event.putObject("headers");
        headers.forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v));
        ObjectNode context = event.putObject("requestContext");
        String account = Principal.parse(principalArn).map(Principal::account).orElse("000000000000");
        context.put("accountId", "anonymous");
        context.put("apiId", host.split("\\.")[0]);
        ObjectNode iam = context.putObject("authorizer").putObject("iam");
        if (accessKey != null) iam.put("accessKey", accessKey);
        iam.put("accountId", account);
        if (callerId != null) iam.put("callerId", callerId);
        iam.put("userArn", principalArn);
        if (callerId != null) iam.put("userId", callerId);
        context.put("domainName", host);
        ObjectNode http = context.putObject("http");
        http.put("method", "POST");
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "127.0.0.1");
        http.put("userAgent", headers.getOrDefault("user-agent", "appban"));
        context.put("requestId", UUID.randomUUID().toString());
        context.put("routeKey", "$default");
        context.put("stage", "$default");
        context.put("timeEpoch", at.toEpochMilli());
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return event;
    }

    /** A POST of {@code body} to a local stand-in URL, signed by {@code principalArn}. */
    public static ObjectNode signedBy(String principalArn, String body) {
        return post("local.lambda-url.localhost", "/", Map.of("content-type", "application/json"), body, principalArn, null, null, Instant.now());
    }
}
