package org.appban.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack in a container through Testcontainers, for machines with a Docker engine. Kept in its own class so
 * that Testcontainers is only loaded when this path is taken.
 */
final class LocalStackEmulator {
    /** The last LocalStack image published without an auth token requirement. */
    static final String IMAGE = "localstack/localstack:4.14.0";

    private LocalStackEmulator() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Starts the container (all services, loaded lazily by LocalStack) and stops it when the JVM exits. */
    static AwsEmulator start() {
        LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(IMAGE));
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "appban-localstack-stop"));
        return new AwsEmulator(AwsEmulator.Kind.LOCALSTACK, container.getEndpoint(), container.getRegion(),
                container.getAccessKey(), container.getSecretKey());
    }
}
