package org.appban.coldstart;

import java.util.LinkedHashMap;
import java.util.Map;
import org.appban.aws.SdkPriming;
import org.appban.wiring.AdapterPriming;

/**
 * What each service costs a fresh JVM the first time a function uses it: the client built, its operations marshalled,
 * signed and unmarshalled against a canned response ({@link SdkPriming}), so no network and no emulator enter the
 * figure. {@code java -cp appban-functions-lambda.jar org.appban.coldstart.ServiceCosts dynamodb s3} prints one line
 * per service named, {@code NAME MILLIS}, in order: the first pays for the SDK's core as well, the next only for what
 * is its own. {@code ./appban bench coldstart --services} runs it.
 */
public final class ServiceCosts {
    static final Map<String, Runnable> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("dynamodb", SdkPriming::dynamoDb);
        SERVICES.put("s3", SdkPriming::s3);
        SERVICES.put("sqs", SdkPriming::sqs);
        SERVICES.put("sns", SdkPriming::sns);
        SERVICES.put("ssm", SdkPriming::ssm);
        SERVICES.put("sesv2", SdkPriming::sesV2);
        SERVICES.put("eventbridge", SdkPriming::eventBridge);
        SERVICES.put("secretsmanager", SdkPriming::secretsManager);
        SERVICES.put("mdm-nac-adapters", () -> {
            AdapterPriming.inventory();
            AdapterPriming.enforcement();
            AdapterPriming.networkAccess();
        });
    }

    private ServiceCosts() {
    }

    /** The services it can time, DynamoDB (the baseline's) first. */
    public static java.util.List<String> names() {
        return java.util.List.copyOf(SERVICES.keySet());
    }

    public static void main(String[] args) {
        for (String name : args) {
            Runnable use = SERVICES.get(name);
            if (use == null) throw new IllegalArgumentException("unknown service '" + name + "'; known: " + String.join(", ", SERVICES.keySet()));
            long started = System.nanoTime();
            use.run();
            System.out.printf(java.util.Locale.ROOT, "%s %.1f%n", name, (System.nanoTime() - started) / 1e6);
        }
    }
}
