package org.appban.access;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.network.AccessChange;
import org.appban.network.EndpointKey;
import org.appban.network.EndpointState;
import org.appban.network.NetworkAccess;
import org.appban.remote.RemoteFailure;

/** A NAC in memory that counts its calls and fails on request (unit tests; end-to-end tests use the ISE simulator). */
final class FakeNetworkAccess implements NetworkAccess {
    static final String POLICY = "Quarantine";
    final Map<String, String> policies = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    final Deque<RemoteFailure> failures = new ArrayDeque<>();
    boolean canList = true;
    /** Runs after a quarantine was applied (a test kills the invocation here: the change made, nothing recorded). */
    java.util.function.Consumer<String> afterChange = mac -> { };

    private void maybeFail() {
        RemoteFailure f = failures.poll();
        if (f != null) throw f;
    }

    private static String mac(EndpointKey key) {
        if (key.macAddress() == null) throw RemoteFailure.unsupported("fake", "key", "no MAC");
        return key.macAddress().toString();
    }

    @Override
    public Optional<String> ownPolicy() {
        return Optional.of(POLICY);
    }

    @Override
    public synchronized EndpointState state(EndpointKey key) {
        calls.add("state " + mac(key));
        return new EndpointState(EndpointKey.Kind.MAC, mac(key), policies.get(mac(key)));
    }

    @Override
    public synchronized AccessChange quarantine(EndpointKey key) {
        calls.add("quarantine " + mac(key));
        maybeFail();
        String before = policies.putIfAbsent(mac(key), POLICY);
        if (before != null && !before.equals(POLICY)) {
            throw new RemoteFailure(RemoteFailure.Kind.PERMANENT, "fake", "apply", 400, "endpoint is under another policy '" + before + "'");
        }
        if (before == null) afterChange.accept(mac(key));
        return new AccessChange(before == null ? AccessChange.Outcome.QUARANTINED : AccessChange.Outcome.ALREADY_QUARANTINED,
                EndpointKey.Kind.MAC, mac(key), POLICY, "fake");
    }

    @Override
    public synchronized AccessChange release(EndpointKey key) {
        calls.add("release " + mac(key));
        maybeFail();
        String current = policies.get(mac(key));
        if (current != null && !current.equals(POLICY)) {
            throw new RemoteFailure(RemoteFailure.Kind.PERMANENT, "fake", "clear", 400, "endpoint is under policy '" + current + "'");
        }
        String before = policies.remove(mac(key));
        return new AccessChange(before == null ? AccessChange.Outcome.ALREADY_CLEAR : AccessChange.Outcome.RELEASED,
                EndpointKey.Kind.MAC, mac(key), POLICY, "fake");
    }

    @Override
    public synchronized Optional<List<EndpointState>> quarantinedEndpoints() {
        if (!canList) return Optional.empty();
        calls.add("list");
        return Optional.of(policies.entrySet().stream().map(e -> new EndpointState(EndpointKey.Kind.MAC, e.getKey(), e.getValue())).toList());
    }

    synchronized long count(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }
}
