package org.appban.admin;

import com.amazonaws.services.lambda.runtime.Client;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.Map;
import java.util.UUID;

/** The Lambda context of a direct invocation whose client context names the caller, as `aws lambda invoke --client-context` sets it. */
final class ManualInvocation implements Context {
    private final String caller;
    private final String requestId;

    ManualInvocation(String caller) {
        this(caller, UUID.randomUUID().toString());
    }

    ManualInvocation(String caller, String requestId) {
        this.caller = caller;
        this.requestId = requestId;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/appban-admin";
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return "appban-admin";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:ap-southeast-2:111122223333:function:appban-admin";
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
        return 60_000;
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
            }

            @Override
            public void log(byte[] message) {
            }
        };
    }
}
