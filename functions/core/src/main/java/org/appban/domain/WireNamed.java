package org.appban.domain;

/**
 * A value with a name of its own on the wire (reports, messages, the ledger): {@code sync}, {@code reconcile-device}.
 * The JSON writer of the adapters writes such an enum by this name, so that core names its wire forms without
 * depending on a JSON library.
 */
public interface WireNamed {
    String wireName();
}
