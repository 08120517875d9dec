package org.appban.wiring;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A function's AWS credentials on Lambda, with and without SnapStart.
 *
 * <ul>
 *   <li>Without SnapStart the runtime puts them in {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and
 *       {@code AWS_SESSION_TOKEN}: read from there on every call (three map lookups).</li>
 *   <li>With SnapStart those variables are absent: the runtime serves expiring credentials at
 *       {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, for the token in {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}, which
 *       the SDK's container provider reads (and refreshes before they expire).</li>
 * </ul>
 * An explicit two-step chain rather than the SDK's default one: the default chain would also look for system
 * properties, a web identity token, profile files and SSO before the container, which a function never has.
 *
 * <p>A snapshot must not carry credentials into its restores (they expire, and every restore of a version would
 * share them): the container provider, and whatever it cached, is dropped before a checkpoint and after a restore,
 * so the first call after a restore fetches fresh ones. Resolving credentials before the snapshot (priming that reads
 * a secret) is therefore harmless.
 *
 * <p>What that first fetch costs a restored function is cut two ways, neither of which carries credentials across
 * the snapshot: before it, the classes of the container provider's path are loaded (a provider built and closed,
 * never asked; a credentials answer parsed); after the restore, the fetch starts at once on a thread of its own
 * ({@link #afterRestore}), while the runtime hands the function its event and the handler reads it, so the
 * function's first AWS call finds them fetched or being fetched (the SDK's cache lets one caller fetch and the
 * others wait for it: one fetch either way). If that early fetch fails, nothing is cached and the first call fetches
 * as it would have.
 */
public final class FunctionCredentials implements AwsCredentialsProvider, Resource {
    /** The runtime's variables this class reads (none is ever in template.yaml). */
    public static final List<String> VARIABLES = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    /** org.crac holds resources weakly. */
    private static final List<FunctionCredentials> REGISTERED = new CopyOnWriteArrayList<>();

    private final Settings settings;
    private volatile ContainerCredentialsProvider container;

    private FunctionCredentials(Settings settings) {
        this.settings = settings;
    }

    /** Credentials from {@code settings}, forgotten at every checkpoint and restore of this JVM. */
    public static FunctionCredentials from(Settings settings) {
        FunctionCredentials credentials = new FunctionCredentials(settings);
        REGISTERED.add(credentials);
        Core.getGlobalContext().register(credentials);
        return credentials;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        Optional<String> key = settings.optional("AWS_ACCESS_KEY_ID");
        Optional<String> secret = settings.optional("AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent()) {
            Optional<String> token = settings.optional("AWS_SESSION_TOKEN");
            return token.<AwsCredentials>map(t -> AwsSessionCredentials.create(key.get(), secret.get(), t))
                    .orElseGet(() -> AwsBasicCredentials.create(key.get(), secret.get()));
        }
        if (settings.optional("AWS_CONTAINER_CREDENTIALS_FULL_URI").isPresent()) return container().resolveCredentials();
        throw SdkClientException.create("no AWS credentials: neither AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                + " (Lambda without SnapStart) nor AWS_CONTAINER_CREDENTIALS_FULL_URI (Lambda with SnapStart) is set");
    }

    private ContainerCredentialsProvider container() {
        ContainerCredentialsProvider c = container;
        if (c == null) {
            synchronized (this) {
                if (container == null) {
                    // The SDK's provider reads the endpoint and the token (AWS_CONTAINER_AUTHORIZATION_TOKEN) itself, from
                    // the same variables or their system properties (aws.containerCredentialsFullUri, ...); it refreshes
                    // on the calling thread, with no thread of its own to carry across a snapshot.
                    container = ContainerCredentialsProvider.builder().asyncCredentialUpdateEnabled(false).build();
                }
                c = container;
            }
        }
        return c;
    }

    /** Drops the container provider and its cached credentials: the next call fetches fresh ones. */
    void forget() {
        ContainerCredentialsProvider c;
        synchronized (this) {
            c = container;
            container = null;
        }
        if (c != null) c.close();
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        forget();
        if (fromContainer()) loadContainerPath();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        forget();
        if (fromContainer()) prefetch();
    }

    /** SnapStart's case: no key variables, the runtime's container endpoint. */
    private boolean fromContainer() {
        return (settings.optional("AWS_ACCESS_KEY_ID").isEmpty() || settings.optional("AWS_SECRET_ACCESS_KEY").isEmpty())
                && settings.optional("AWS_CONTAINER_CREDENTIALS_FULL_URI").isPresent();
    }

    /**
     * Fetches this restore's credentials on a thread of its own, so that the fetch overlaps the start of the first
     * invocation instead of preceding its first AWS call. Runs after the restore only: nothing it fetches is in a
     * snapshot.
     */
    Thread prefetch() {
        return Thread.ofPlatform().daemon().name("credentials-prefetch").start(() -> {
            try {
                resolveCredentials();
            } catch (RuntimeException e) {
                // The first AWS call fetches again and reports what went wrong; nothing was cached.
            }
        });
    }

    /**
     * Before a snapshot: loads the classes the container provider's first fetch uses, without asking the endpoint (no
     * connection, nothing resolved): a provider built and closed, a credentials answer parsed, session credentials
     * made, and the fetch's helpers loaded by name (an SDK that renamed one only loads it later).
     */
    private static void loadContainerPath() {
        try {
            ContainerCredentialsProvider.builder().asyncCredentialUpdateEnabled(false).build().close();
            software.amazon.awssdk.protocols.jsoncore.JsonNode answer = software.amazon.awssdk.protocols.jsoncore.JsonNode.parser()
                    .parse("{\"AccessKeyId\":\"priming\",\"SecretAccessKey\":\"priming\",\"Token\":\"priming\","
                            + "\"Expiration\":\"2024-01-01T00:00:00Z\"}");
            AwsSessionCredentials.builder().accessKeyId(answer.field("AccessKeyId").map(n -> n.text()).orElse("priming"))
                    .secretAccessKey("priming").sessionToken("priming")
                    .expirationTime(java.time.Instant.parse(answer.field("Expiration").map(n -> n.text()).orElse("2024-01-01T00:00:00Z")))
                    .build();
            for (String name : List.of("software.amazon.awssdk.auth.credentials.internal.HttpCredentialsLoader",
                    "software.amazon.awssdk.regions.util.HttpResourcesUtils", "software.amazon.awssdk.regions.util.ResourcesEndpointRetryPolicy",
                    "software.amazon.awssdk.regions.internal.util.ConnectionUtils", "software.amazon.awssdk.core.util.SdkUserAgent",
                    "software.amazon.awssdk.utils.cache.RefreshResult", "software.amazon.awssdk.utils.ComparableUtils")) {
                try {
                    Class.forName(name, true, FunctionCredentials.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    // Loaded when first used instead.
                }
            }
        } catch (RuntimeException e) {
            // Priming only: the first fetch after the restore loads what is missing.
        }
    }

    @Override
    public String toString() {
        return "FunctionCredentials";
    }
}
