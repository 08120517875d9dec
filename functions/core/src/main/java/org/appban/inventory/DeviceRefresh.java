package org.appban.inventory;

import java.util.Optional;
import org.appban.domain.Actor;
import org.appban.domain.MdmKind;

/**
 * Re-reads one device from its MDM and applies it as the hourly sync would: what an MDM's webhook asks of inventory
 * sync ({@code inventory.JamfWebhook} in adapters calls it; {@code InventorySync} does it).
 */
@FunctionalInterface
public interface DeviceRefresh {
    /** @return what changed, or empty when the MDM does not have the device */
    Optional<String> refresh(MdmKind mdm, String mdmId, Actor actor);
}
