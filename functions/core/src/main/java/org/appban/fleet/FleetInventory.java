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

    /**
     * One device as {@link #devices} reports it, or empty when the MDM does not manage it (any more). This default
     * walks the listing; an adapter that can ask for one device overrides it.
     */
    default java.util.Optional<InventoriedDevice> device(BannedApp app, String mdmId) {
        try (Stream<InventoriedDevice> all = devices(app)) {
            return all.filter(d -> d.mdmId().equals(mdmId)).findFirst();
        }
    }

    /** Devices a page of {@link #listing} holds, at most. */
    int LISTING_PAGE = 100;

    /**
     * The listing as pages a round reads across invocations, each from the cursor the previous one handed on. One
     * {@link Listing} serves one step (an invocation): what the whole listing needs first (the app's holders) is read
     * once per listing, not once per page. This default walks {@link #devices} to the position; adapters whose API
     * pages by a cursor override it.
     */
    default Listing listing(BannedApp app) {
        return cursor -> SourcePage.byPosition(devices(app), cursor, LISTING_PAGE);
    }

    /** One step's view of a listing. */
    interface Listing extends AutoCloseable {
        /**
         * The page at {@code cursor} (null: the first). A failure surfaces as a {@link org.appban.remote.RemoteFailure};
         * a cursor the source does not recognise as {@link IllegalArgumentException}.
         */
        SourcePage<InventoriedDevice> page(String cursor);

        @Override
        default void close() {
        }
    }
}
