package org.appban.secrets;

import java.util.function.Supplier;
import org.appban.remote.Secret;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Reads secrets from AWS Secrets Manager (or the emulator behind AWS_ENDPOINT_URL). */
public final class SecretsManagerSecretSource implements SecretSource {
    private final Supplier<SecretsManagerClient> client;

    public SecretsManagerSecretSource(SecretsManagerClient client) {
        this(() -> client);
    }

    /** With the client built on first use: a run that never calls SecretsManager never pays for building its client (cold start). */
    public SecretsManagerSecretSource(Supplier<SecretsManagerClient> client) {
        this.client = client;
    }

    @Override
    public Secret secret(String arn) {
        if (arn == null || arn.isBlank()) throw new SecretUnavailableException("no secret ARN configured");
        try {
            String value = client.get().getSecretValue(b -> b.secretId(arn)).secretString();
            if (value == null) throw new SecretUnavailableException("secret " + arn + " has no string value");
            return new Secret(value);
        } catch (SdkException e) {
            // The SDK's message names the secret and the error code, not its value.
            throw new SecretUnavailableException("cannot read secret " + arn + ": " + e.getMessage(), e);
        }
    }
}
