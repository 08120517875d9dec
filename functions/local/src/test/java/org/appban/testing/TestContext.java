package org.appban.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.Map;
import org.appban.lambda.LocalContext;

/** Lambda contexts for handler tests: a fixed request id (a retried invocation keeps it). */
public final class TestContext {
    private TestContext() {
    }

    public static LocalContext of(String requestId) {
        return LocalContext.invocation("test").withRequestId(requestId).withLog(System.out::print);
    }

    /**
     * A direct invocation whose invoker wrote {@code caller} into the client context, as
     * {@code aws lambda invoke --client-context} lets anyone with lambda:InvokeFunction do: a forgery the functions
     * must ignore.
     */
    public static Context forgedClientContext(String requestId, String caller) {
        LocalContext base = of(requestId);
        return new Context() {
            public String getAwsRequestId() { return base.getAwsRequestId(); }
            public String getLogGroupName() { return base.getLogGroupName(); }
            public String getLogStreamName() { return base.getLogStreamName(); }
            public String getFunctionName() { return base.getFunctionName(); }
            public String getFunctionVersion() { return base.getFunctionVersion(); }
            public String getInvokedFunctionArn() { return base.getInvokedFunctionArn(); }
            public CognitoIdentity getIdentity() { return null; }
            public int getRemainingTimeInMillis() { return base.getRemainingTimeInMillis(); }
            public int getMemoryLimitInMB() { return base.getMemoryLimitInMB(); }
            public LambdaLogger getLogger() { return base.getLogger(); }
            public ClientContext getClientContext() {
                return new ClientContext() {
                    public com.amazonaws.services.lambda.runtime.Client getClient() { return null; }
                    public Map<String, String> getCustom() { return Map.of("caller", caller); }
                    public Map<String, String> getEnvironment() { return Map.of(); }
                };
            }
        };
    }
}
