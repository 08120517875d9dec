package org.appban.secrets;

import org.appban.remote.Secret;

/** Where credentials come from: a secret's value by its ARN (or name). Never from code, never logged. */
@FunctionalInterface
public interface SecretSource {
    /** The secret's string value; {@link SecretUnavailableException} when it cannot be read. */
    Secret secret(String arn);
}
