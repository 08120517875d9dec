package org.appban.testing;

import org.appban.lambda.LocalContext;

/**
 * Lambda contexts for handler tests: a fixed request id (a retried invocation keeps it), and the caller that
 * {@code ./appban invoke} puts in the client context for manual requests.
 */
public final class TestContext {
    private TestContext() {
    }

    public static LocalContext of(String requestId) {
        return administrator(requestId, null);
    }

    public static LocalContext administrator(String requestId, String caller) {
        return LocalContext.invocation("test", caller).withRequestId(requestId).withLog(System.out::print);
    }
}
