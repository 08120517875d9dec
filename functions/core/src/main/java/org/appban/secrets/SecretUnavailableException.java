package org.appban.secrets;

/** A secret could not be read or parsed; the message names the secret (ARN) and the problem, never its value. */
public class SecretUnavailableException extends RuntimeException {
    public SecretUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public SecretUnavailableException(String message) {
        super(message);
    }
}
