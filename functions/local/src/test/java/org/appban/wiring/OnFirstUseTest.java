package org.appban.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.appban.domain.MdmKind;
import org.appban.fleet.FleetInventory;
import org.appban.network.NetworkAccess;
import org.appban.network.RegisteredDevices;
import org.junit.jupiter.api.Test;

/**
 * With SnapStart a function is constructed when its version is published: the adapters built from a secret (the
 * inventory sync's MDMs and NAC registry, network access's NAC) read it when a run first uses them, never then.
 */
class OnFirstUseTest {
    /** Counts the secret reads, failing the first {@code failures} of them. */
    private static final class SecretReads<T> implements Supplier<T> {
        final AtomicInteger reads = new AtomicInteger();
        private final T value;
        private int failures;

        SecretReads(T value, int failures) {
            this.value = value;
            this.failures = failures;
        }

        @Override
        public T get() {
            reads.incrementAndGet();
            if (failures-- > 0) throw new IllegalStateException("secret still holds its placeholder");
            return value;
        }
    }

    @Test
    void an_mdm_is_built_from_its_secret_at_the_first_listing_and_once() {
        FleetInventory real = new FleetInventory() {
            @Override
            public MdmKind mdm() {
                return MdmKind.INTUNE;
            }

            @Override
            public Stream<org.appban.fleet.InventoriedDevice> devices(org.appban.policy.BannedApp app) {
                return Stream.empty();
            }
        };
        SecretReads<FleetInventory> secret = new SecretReads<>(real, 0);
        FleetInventory inventory = OnFirstUse.inventory(secret);
        assertEquals(0, secret.reads.get(), "constructing reads nothing");
        assertEquals(MdmKind.INTUNE, inventory.mdm());
        assertEquals(0, inventory.devices(null).count());
        assertEquals(1, secret.reads.get());
    }

    @Test
    void the_nac_is_built_at_its_first_use_and_a_failed_build_is_tried_again_at_the_next() {
        NetworkAccess real = new NetworkAccess() {
            @Override
            public org.appban.network.EndpointState state(org.appban.network.EndpointKey key) {
                throw new UnsupportedOperationException();
            }

            @Override
            public org.appban.network.AccessChange quarantine(org.appban.network.EndpointKey key) {
                throw new UnsupportedOperationException();
            }

            @Override
            public org.appban.network.AccessChange release(org.appban.network.EndpointKey key) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<String> ownPolicy() {
                return Optional.of("AppbanQuarantine");
            }
        };
        SecretReads<NetworkAccess> secret = new SecretReads<>(real, 1);
        NetworkAccess nac = OnFirstUse.networkAccess(secret);
        assertEquals(0, secret.reads.get(), "constructing reads nothing");
        assertThrows(IllegalStateException.class, nac::quarantinedEndpoints);
        assertEquals(Optional.of("AppbanQuarantine"), nac.ownPolicy());
        assertEquals(2, secret.reads.get(), "the administrator may have fixed the secret since");
        assertEquals(Optional.empty(), nac.quarantinedEndpoints());
        assertEquals(2, secret.reads.get());
    }

    @Test
    void the_registry_is_built_at_its_first_listing() {
        SecretReads<RegisteredDevices> secret = new SecretReads<>(Stream::empty, 0);
        RegisteredDevices registry = OnFirstUse.registry(secret);
        assertEquals(0, secret.reads.get());
        assertEquals(0, registry.registered().count());
        assertEquals(1, secret.reads.get());
    }
}
