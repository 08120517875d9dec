package org.appban.network;

import java.util.stream.Stream;

/**
 * The devices the network access control knows, whoever manages them: a member's private phone that no MDM
 * enrols still gets on the network by being registered in the NAC (a BYOD / "My Devices" portal), and this is
 * where the system learns of it.
 */
public interface RegisteredDevices {
    /**
     * Every endpoint the NAC knows, streamed page by page. A listing that fails part-way throws
     * {@link org.appban.remote.RemoteFailure} from the stream, after the endpoints already delivered.
     */
    Stream<RegisteredDevice> registered();

    /**
     * The endpoints as pages, each from the cursor the previous one handed on (null: the first), for a sync that runs
     * across invocations. This default walks {@link #registered} to the position; an adapter that pages by itself
     * overrides it.
     */
    default org.appban.fleet.SourcePage<RegisteredDevice> page(String cursor) {
        return org.appban.fleet.SourcePage.byPosition(registered(), cursor, 100);
    }
}
