package org.appban.sim.http;

/** A route refuses a request; the simulator renders it in its API's own error envelope. */
public class HttpFailure extends RuntimeException {
    private final int status;
    private final String code;

    public HttpFailure(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
