package org.appban.remote;

/**
 * A call to an external API (MDM, NAC) failed in a way the caller must decide about. The message names the API and
 * the operation and never carries a credential or a token.
 */
public class RemoteFailure extends RuntimeException {
    /** What kind of failure, so callers decide without parsing messages. */
    public enum Kind {
        /** The API kept answering 429 after every retry the budget allowed. */
        THROTTLED,
        /** Credentials refused (after one renewal of the token). */
        AUTH,
        NOT_FOUND,
        /** The API (or this adapter) cannot do this at all; retrying will not help. */
        UNSUPPORTED,
        /** 5xx, timeouts, connection failures that outlasted the retries: a later run may succeed. */
        TRANSIENT,
        /** Anything else the API refused: the request or the state is wrong. */
        PERMANENT
    }

    private final Kind kind;
    private final String api;
    private final String operation;
    private final int status;

    public RemoteFailure(Kind kind, String api, String operation, int status, String message) {
        this(kind, api, operation, status, message, null);
    }

    public RemoteFailure(Kind kind, String api, String operation, int status, String message, Throwable cause) {
        super(api + " " + operation + ": " + kind.name().toLowerCase(java.util.Locale.ROOT)
                + (status > 0 ? " (HTTP " + status + ")" : "") + (message == null || message.isBlank() ? "" : ": " + message), cause);
        this.kind = kind;
        this.api = api;
        this.operation = operation;
        this.status = status;
    }

    public static RemoteFailure unsupported(String api, String operation, String why) {
        return new RemoteFailure(Kind.UNSUPPORTED, api, operation, 0, why);
    }

    public Kind kind() {
        return kind;
    }

    public String api() {
        return api;
    }

    public String operation() {
        return operation;
    }

    /** The HTTP status of the last answer, 0 when there was none. */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return kind == Kind.THROTTLED || kind == Kind.TRANSIENT;
    }
}
