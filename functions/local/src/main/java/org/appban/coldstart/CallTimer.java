package org.appban.coldstart;

import java.util.Map;
import java.util.TreeMap;
import org.appban.aws.SdkPriming;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * How long a function's AWS calls took, per phase (construction, first invocation, later invocations: warm) and operation: for
 * {@code ./appban bench coldstart --phases}, which installs it as a global SDK interceptor (a
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} file on the runner's classpath) so that the
 * first invocation's time can be split into the AWS calls it makes and the rest. Never installed on Lambda; the
 * timed runs of the bench run without it, so its few classes do not count against a handler.
 */
public final class CallTimer implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("appban.calltimer.started");
    /** "phase service:operation" to {calls, total nanos, first call's nanos}. */
    private static final Map<String, long[]> CALLS = new TreeMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    private static void record(ExecutionAttributes attributes) {
        Long started = attributes.getAttribute(STARTED);
        if (started == null || Boolean.TRUE.equals(attributes.getAttribute(SdkPriming.PRIMING))) return;
        long nanos = System.nanoTime() - started;
        String phase = System.getProperty(FirstInvocation.INVOCATION, "");
        phase = phase.equals("construct") || phase.equals("priming") ? phase : Boolean.getBoolean(FirstInvocation.FIRST_DONE) ? "warm" : "invoke";
        String key = phase + " " + attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        synchronized (CALLS) {
            long[] c = CALLS.computeIfAbsent(key, k -> new long[] {0, 0, nanos});
            c[0]++;
            c[1] += nanos;
        }
    }

    /** The calls timed so far as a JSON array of {phase, call, count, nanos, firstNanos}. */
    static String json() {
        StringBuilder b = new StringBuilder("[");
        synchronized (CALLS) {
            for (Map.Entry<String, long[]> e : CALLS.entrySet()) {
                String[] k = e.getKey().split(" ", 2);
                if (b.length() > 1) b.append(',');
                b.append("{\"phase\":\"").append(k[0]).append("\",\"call\":\"").append(k[1]).append("\",\"count\":").append(e.getValue()[0])
                        .append(",\"nanos\":").append(e.getValue()[1]).append(",\"firstNanos\":").append(e.getValue()[2]).append('}');
            }
        }
        return b.append(']').toString();
    }
}
