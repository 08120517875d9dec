package org.appban.inventory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.appban.domain.Device;

/**
 * When the inventory sync must ask the roster who owns a device. An MDM names a device's owner by address (email,
 * user principal); the roster answers an address by its index ({@code byAddress}), a Query an address. Asking for
 * every listed device every hour would cost a read a device an hour (reading the roster whole each step cost more
 * still); but the stored device already carries the owner the roster gave, so the question need only be asked again
 * when its answer can have changed:
 * <ul>
 *   <li>the device is new to the store, or was retired (gone) and is back;</li>
 *   <li>its MDM now names its owner by other addresses than when the owner was looked up (the device was handed to
 *       someone else, or the user's address changed): the stored device keeps a fingerprint of the addresses;</li>
 *   <li>its stamp is of an earlier period ({@code InventorySync.STAMP_PERIOD}, a day): the first listing of each
 *       period asks again, which is when the device is written anyway for its stamp. So a change on the roster's side
 *       (a member's address changed, a member added whose address an unknown owner's device names, a member removed)
 *       reaches the device within a period, where reading the roster each step reached it within the hour.</li>
 * </ul>
 * Pure.
 */
public final class OwnerAddresses {
    private OwnerAddresses() {
    }

    /**
     * A short fingerprint of the addresses an MDM names an owner by: the email's and the principal's, each 32 bits of a
     * SHA-256 of the address (case and surrounding blanks aside; absent and blank alike), joined by a dot. It only
     * tells "the same addresses as before" from "others": too few bits to stand for an address, enough that two
     * different addresses share one only once in four billion (and then the change waits for the next period's
     * look-up, as a roster change does).
     */
    public static String fingerprint(String email, String principal) {
        return part(email) + "." + part(principal);
    }

    /**
     * Whether {@code address} is the email of a stored fingerprint: the roster then names by it the same member as the
     * device's owner (the owner is looked up by the email first), or nobody, as when the owner was looked up.
     */
    public static boolean emailIs(String fingerprint, String address) {
        return fingerprint != null && address != null && !address.isBlank() && fingerprint.startsWith(part(address) + ".");
    }

    private static String part(String address) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(norm(address).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String norm(String address) {
        return address == null || address.isBlank() ? "" : address.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether the stored device's owner answers for this listing without asking the roster.
     *
     * @param stored            the stored device, or null when there is none
     * @param storedFingerprint the fingerprint stored with it, or null (stored before fingerprints, or by another path)
     * @param storedPeriod      its stamp's period (0: none)
     * @param fingerprint       the fingerprint of the addresses this listing names
     * @param period            the listing's period
     */
    public static boolean ownerStands(Device stored, String storedFingerprint, long storedPeriod, String fingerprint, long period) {
        return stored != null && !stored.retired() && Objects.equals(storedFingerprint, fingerprint) && storedFingerprint != null
                && storedPeriod >= period;
    }
}
