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
}
