package org.appban.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A Lambda context for handler tests: a request id (a retried invocation keeps it), the caller that
 * {@code ./appban invoke} puts in the client context, and the time left.
 */
public record TestContext(String requestId, String caller, int remainingMillis) implements Context {
    public static TestContext of(String requestId) {
        return new TestContext(requestId, null, 900_000);
    }

    public static TestContext administrator(String requestId, String caller) {
        return new TestContext(requestId, caller, 900_000);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/test";
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return "test";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:ap-southeast-2:111122223333:function:test";
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
                System.out.print(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.print(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
