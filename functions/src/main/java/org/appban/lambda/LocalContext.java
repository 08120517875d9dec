package org.appban.lambda;

import com.amazonaws.services.lambda.runtime.Client;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The Lambda context of an invocation outside Lambda (the CLI, the rehearsal, benches, tests): the function's
 * name, the request id, the caller that {@code aws lambda invoke --client-context} names (what {@link Invoker} reads
 * for manual requests), the time left, and where the function's log lines go.
 *
 * @param requestId null for a fresh id on every call (each invocation is a new request); a fixed id stands for a
 *                  retried invocation, which Lambda gives the same id
 */
public record LocalContext(String functionName, String requestId, String caller, int remainingMillis, Consumer<String> log)
        implements Context {
    public static final int FIFTEEN_MINUTES = 900_000;

    public LocalContext {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(log, "log");
    }

    /** A new request to {@code functionName} from {@code caller} (null: no client context), logging to stderr. */
    public static LocalContext invocation(String functionName, String caller) {
        return new LocalContext(functionName, null, caller, FIFTEEN_MINUTES, System.err::print);
    }

    public LocalContext withRequestId(String id) {
        return new LocalContext(functionName, id, caller, remainingMillis, log);
    }

    public LocalContext withRemainingMillis(int millis) {
        return new LocalContext(functionName, requestId, caller, millis, log);
    }

    public LocalContext withLog(Consumer<String> lines) {
        return new LocalContext(functionName, requestId, caller, remainingMillis, lines);
    }

    @Override
    public String getAwsRequestId() {
        return requestId != null ? requestId : UUID.randomUUID().toString();
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:local:000000000000:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        if (caller == null) return null;
        return new ClientContext() {
            @Override
            public Client getClient() {
                return null;
            }

            @Override
            public Map<String, String> getCustom() {
                return Map.of("caller", caller);
            }

            @Override
            public Map<String, String> getEnvironment() {
                return Map.of();
            }
        };
    }

    @Override
    public int getRemainingTimeInMillis() {
        return remainingMillis;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                log.accept(message);
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
