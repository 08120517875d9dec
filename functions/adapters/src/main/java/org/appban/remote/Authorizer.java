package org.appban.remote;

/** Supplies the Authorization header of an API and renews it when the API refuses it. */
public interface Authorizer {
    /** The header value, e.g. {@code Bearer ...}; fetches a token when none is cached. */
    String authorization();

    /** The API answered 401: forget the cached token so the next call fetches a new one. */
    void invalidate();

    Authorizer NONE = new Authorizer() {
        @Override
        public String authorization() {
            return null;
        }

        @Override
        public void invalidate() {
        }
    };
}
