package org.appban.fleet;

import java.util.stream.Stream;
import org.appban.domain.MdmKind;
import org.appban.policy.BannedApp;

/**
 * The MDM's view of the fleet. For corporate devices it says whether the banned app is there (matched by the
 * policy's identifiers and display names); for private devices it never asks for the app list, only compliance.
 */
public interface FleetInventory {
    MdmKind mdm();

    /**
     * Every device the MDM manages, fetched page by page as the stream is consumed. A failure part-way surfaces as a
     * {@link org.appban.remote.RemoteFailure} from the stream; devices already consumed stay valid.
     */
    Stream<InventoriedDevice> devices(BannedApp app);
}
