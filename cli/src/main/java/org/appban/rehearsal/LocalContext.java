package org.appban.rehearsal;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.Map;
import java.util.UUID;

/** A Lambda context for invoking handlers in-process, as the rehearsal and the benches do. */
public final class LocalContext implements Context {
    private final String functionName;
    private final String caller;
    private final java.util.function.Consumer<String> log;

    public LocalContext(String functionName, String caller) {
        this(functionName, caller, line -> System.err.print(line));
    }

    /** @param log where the function's log lines go (CloudWatch on Lambda; a file in the rehearsal) */
    public LocalContext(String functionName, String caller, java.util.function.Consumer<String> log) {
        this(functionName, caller, log, UUID.randomUUID().toString());
    }

    /** @param requestId the invocation's id: one per invocation, kept by the platform's retries of it */
    public LocalContext(String functionName, String caller, java.util.function.Consumer<String> log, String requestId) {
        this.functionName = functionName;
        this.caller = caller;
        this.log = log;
        this.requestId = requestId;
    }

    private final String requestId;

    @Override
    public String getAwsRequestId() {
        return requestId;
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
            public com.amazonaws.services.lambda.runtime.Client getClient() {
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
        return 900_000;
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
                log.accept("[" + functionName + "] " + message);
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, java.nio.charset.StandardCharsets.UTF_8));
            }
        };
    }
}
