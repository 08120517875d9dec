package org.appban.locallambda;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * AWS's Runtime Interface Client (Maven {@code com.amazonaws:aws-lambda-java-runtime-interface-client}, pinned in
 * cli/pom.xml) and the libraries the managed java21 runtime puts beside it in /var/runtime/lib: the Lambda core
 * interfaces and serialization, and the SDK's utils-lite the client needs. Found where this process loaded them
 * from, so the function's JVM runs the same jars as the build resolved.
 */
final class RuntimeClient {
    private static final List<String> CLASSES = List.of(
            "com.amazonaws.services.lambda.runtime.Context",
            LocalLambda.RUNTIME_CLIENT_MAIN,
            "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
            "software.amazon.awssdk.utilslite.SdkInternalThreadLocal");

    private RuntimeClient() {
    }

    /** The runtime's class path (its /var/runtime/lib). */
    static String classpath() {
        Set<String> jars = new LinkedHashSet<>();
        for (String name : CLASSES) jars.add(jarOf(name).toString());
        return String.join(java.io.File.pathSeparator, jars);
    }

    /** Where the runtime client's jar is (LAMBDA_RUNTIME_DIR). */
    static Path directory() {
        return jarOf(LocalLambda.RUNTIME_CLIENT_MAIN).getParent();
    }

    private static Path jarOf(String className) {
        try {
            Class<?> c = Class.forName(className, false, RuntimeClient.class.getClassLoader());
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is not on the class path: the cli module depends on "
                    + "aws-lambda-java-runtime-interface-client", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
