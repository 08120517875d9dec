package org.appban.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The Lambda context of an invocation outside Lambda (the CLI, the rehearsal, benches, tests): the function's
 * name, the request id, the time left, and where the function's log lines go. Like a direct invocation on Lambda,
 * it carries no client context: no function reads one, because it proves nobody.
 *
 * <p>The time left is a deadline read on a clock: {@link #withDeadline} on a running clock counts down as Lambda's
 * does (the scale bench imposes its limit that way); {@link #withRemainingMillis} (and {@link #invocation}'s fifteen
 * minutes) on a clock that stands still, so a test's or the CLI's run sees the same time left throughout.
 *
 * @param requestId null for a fresh id on every call (each invocation is a new request); a fixed id stands for a
 *                  retried invocation, which Lambda gives the same id
 * @param clock     what the time left is read on
 * @param deadline  when the invocation's time is up, on {@code clock}
 */
public record LocalContext(String functionName, String requestId, Clock clock, Instant deadline, Consumer<String> log)
        implements Context {
    public static final int FIFTEEN_MINUTES = 900_000;
    /** The clock of a time left that does not run down. */
    private static final Clock STANDING = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

    public LocalContext {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(log, "log");
    }

    /** A new request to {@code functionName}, logging to stderr, with fifteen minutes left throughout. */
    public static LocalContext invocation(String functionName) {
        return new LocalContext(functionName, null, STANDING, STANDING.instant().plusMillis(FIFTEEN_MINUTES), System.err::print);
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
        return new LocalContext(functionName, id, clock, deadline, log);
    }

    /** {@code millis} left throughout the invocation (the time does not run down). */
    public LocalContext withRemainingMillis(int millis) {
        return new LocalContext(functionName, requestId, STANDING, STANDING.instant().plusMillis(millis), log);
    }

    /** The time left runs down on {@code clock} to {@code at}, as Lambda's does to the function's timeout. */
    public LocalContext withDeadline(Instant at, Clock on) {
        return new LocalContext(functionName, requestId, on, at, log);
    }

    public LocalContext withLog(Consumer<String> lines) {
        return new LocalContext(functionName, requestId, clock, deadline, lines);
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

    /**
     * The milliseconds until the deadline. Once it has passed on a running clock, 1 and not 0 or less: the handlers
     * read 0 as a context that does not know its time (no limit), and an invocation whose time is up has none. A
     * time left given as a number ({@link #withRemainingMillis}) is returned as given.
     */
    @Override
    public int getRemainingTimeInMillis() {
        long left = deadline.toEpochMilli() - clock.millis();
        if (clock == STANDING) return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, left));
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
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
