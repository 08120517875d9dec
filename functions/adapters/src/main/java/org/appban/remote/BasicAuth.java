package org.appban.remote;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** HTTP Basic credentials (Cisco ISE ERS). Nothing to renew: a 401 means the credentials are wrong. */
public final class BasicAuth implements Authorizer {
    private final Secret header;

    public BasicAuth(String username, Secret password) {
        this.header = new Secret("Basic " + Base64.getEncoder().encodeToString((username + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String authorization() {
        return header.reveal();
    }

    @Override
    public void invalidate() {
    }

    @Override
    public String toString() {
        return "BasicAuth[****]";
    }
}
