package org.appban.mail;

import java.util.Objects;

/** A display name and an address, as in {@code From: "Name" <addr>}. The name may be anything; it is made safe when written. */
public record Mailbox(String displayName, EmailAddress address) {
    public Mailbox {
        Objects.requireNonNull(address, "address");
    }

    public static Mailbox of(String displayName, String address) {
        return new Mailbox(displayName, EmailAddress.of(address));
    }
}
