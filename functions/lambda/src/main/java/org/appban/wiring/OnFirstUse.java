package org.appban.wiring;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.appban.domain.MdmKind;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.network.AccessChange;
import org.appban.network.EndpointKey;
import org.appban.network.EndpointState;
import org.appban.network.NetworkAccess;
import org.appban.network.RegisteredDevices;
import org.appban.policy.BannedApp;

/**
 * Adapters built from a secret when a run first uses them, not when the function is constructed. With SnapStart a
 * function is constructed when its version is published, not when it runs: a secret read then would make the
 * deployment depend on the secret (a placeholder the administrator has not replaced yet fails the publish), and
 * would keep its value in every restore of the snapshot. A build that fails is not remembered: the next use tries
 * again (the administrator may have fixed the secret in between).
 */
final class OnFirstUse {
    private OnFirstUse() {
    }

    /** {@code build}'s value, built on the first {@code get} that succeeds, then kept. */
    public static <T> Supplier<T> memoized(Supplier<T> build) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        if (value == null) value = build.get();
                        v = value;
                    }
                }
                return v;
            }
        };
    }

    static FleetInventory inventory(Supplier<FleetInventory> build) {
        Supplier<FleetInventory> mdm = memoized(build);
        return new FleetInventory() {
            @Override
            public MdmKind mdm() {
                return mdm.get().mdm();
            }

            @Override
            public Stream<InventoriedDevice> devices(BannedApp app) {
                return mdm.get().devices(app);
            }

            // The adapter's own one-device read (a webhook's refresh): the interface's default would walk the
            // whole listing for every event.
            @Override
            public java.util.Optional<InventoriedDevice> device(BannedApp app, String mdmId) {
                return mdm.get().device(app, mdmId);
            }

            // The adapter's own paging cursor (a round's step): the default would walk the listing to the position.
            @Override
            public Listing listing(BannedApp app) {
                return mdm.get().listing(app);
            }
        };
    }

    static NetworkAccess networkAccess(Supplier<? extends NetworkAccess> build) {
        Supplier<? extends NetworkAccess> nac = memoized(build);
        return new NetworkAccess() {
            @Override
            public EndpointState state(EndpointKey key) {
                return nac.get().state(key);
            }

            @Override
            public AccessChange quarantine(EndpointKey key) {
                return nac.get().quarantine(key);
            }

            @Override
            public AccessChange release(EndpointKey key) {
                return nac.get().release(key);
            }

            @Override
            public Optional<List<EndpointState>> quarantinedEndpoints() {
                return nac.get().quarantinedEndpoints();
            }

            @Override
            public Optional<String> ownPolicy() {
                return nac.get().ownPolicy();
            }
        };
    }

    static RegisteredDevices registry(Supplier<? extends RegisteredDevices> build) {
        Supplier<? extends RegisteredDevices> registry = memoized(build);
        return new RegisteredDevices() {
            @Override
            public Stream<org.appban.network.RegisteredDevice> registered() {
                return registry.get().registered();
            }

            // ERS's own page numbers (a round's step), not a walk to the position.
            @Override
            public org.appban.fleet.SourcePage<org.appban.network.RegisteredDevice> page(String cursor) {
                return registry.get().page(cursor);
            }
        };
    }
}
