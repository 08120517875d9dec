package org.appban.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The Lambda context of an invocation outside Lambda (the CLI, the rehearsal, benches, tests): the function's
 * name, the request id, the time left, and where the function's log lines go. Like a direct invocation on Lambda,
 * it carries no client context: no function reads one, because it proves nobody.
 *
 * @param requestId null for a fresh id on every call (each invocation is a new request); a fixed id stands for a
 *                  retried invocation, which Lambda gives the same id
 */
public record LocalContext(String functionName, String requestId, int remainingMillis, Consumer<String> log)
        implements Context {
    public static final int FIFTEEN_MINUTES = 900_000;

    public LocalContext {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(log, "log");
    }

    /** A new request to {@code functionName}, logging to stderr. */
    public static LocalContext invocation(String functionName) {
        return new LocalContext(functionName, null, FIFTEEN_MINUTES, System.err::print);
    }

    /**
     * @deprecated a caller named here was once passed as the client context; nothing reads it any more (a direct
     * invocation proves nobody), so it is ignored. Use {@link #invocation(String)}.
     */
    @Deprecated
    public static LocalContext invocation(String functionName, String ignoredCaller) {
        return invocation(functionName);
    }

    public LocalContext withRequestId(String id) {
        return new LocalContext(functionName, id, remainingMillis, log);
    }

    public LocalContext withRemainingMillis(int millis) {
        return new LocalContext(functionName, requestId, millis, log);
    }

    public LocalContext withLog(Consumer<String> lines) {
        return new LocalContext(functionName, requestId, remainingMillis, lines);
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

    /** None, as for a direct invocation without one: Context requires the method; no function calls it. */
    @Override
    public ClientContext getClientContext() {
        return null;
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
