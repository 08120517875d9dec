package org.appban.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.junit.jupiter.api.Test;

/** When the sync may keep a stored device's owner without asking the roster. */
class OwnerAddressesTest {
    private static final Device STORED = new Device("intune:c1", "m1", Ownership.CORPORATE, Platform.IOS, null, true, MdmKind.INTUNE, "c1",
            null, AppPresence.PRESENT, ComplianceState.COMPLIANT, null, false);
    private static final String ADDRESSES = OwnerAddresses.fingerprint("Ana@Example.org", "ana@corp.example.org");

    @Test
    void the_fingerprint_is_of_the_addresses_case_and_blanks_aside_and_is_no_address() {
        assertEquals(ADDRESSES, OwnerAddresses.fingerprint(" ana@example.org", "ANA@corp.example.org"));
        assertNotEquals(ADDRESSES, OwnerAddresses.fingerprint("bo@example.org", "ana@corp.example.org"));
        assertNotEquals(OwnerAddresses.fingerprint("a@x", null), OwnerAddresses.fingerprint(null, "a@x"), "email and principal apart");
        assertEquals(OwnerAddresses.fingerprint(null, null), OwnerAddresses.fingerprint(" ", ""));
        assertTrue(ADDRESSES.matches("[0-9a-f]{8}\\.[0-9a-f]{8}"), ADDRESSES);
    }

    @Test
    void a_registered_endpoint_names_the_mdm_devices_owner_when_its_portal_user_is_the_owners_email() {
        assertTrue(OwnerAddresses.emailIs(ADDRESSES, "ANA@example.org "));
        assertFalse(OwnerAddresses.emailIs(ADDRESSES, "ana@corp.example.org"), "the principal is asked only when the email names nobody");
        assertFalse(OwnerAddresses.emailIs(null, "ana@example.org"));
        assertFalse(OwnerAddresses.emailIs(OwnerAddresses.fingerprint(null, "x@y"), " "));
    }

    @Test
    void the_owner_stands_for_the_same_addresses_within_the_period_it_was_looked_up_in() {
        assertTrue(OwnerAddresses.ownerStands(STORED, ADDRESSES, 7, ADDRESSES, 7));
        assertTrue(OwnerAddresses.ownerStands(STORED, ADDRESSES, 8, ADDRESSES, 7), "a later round's stamp");
    }

    @Test
    void the_roster_is_asked_for_a_new_device_a_returning_one_other_addresses_or_the_first_listing_of_a_period() {
        assertFalse(OwnerAddresses.ownerStands(null, null, 0, ADDRESSES, 7), "new");
        assertFalse(OwnerAddresses.ownerStands(STORED.withRetired(true), ADDRESSES, 7, ADDRESSES, 7), "back from gone");
        assertFalse(OwnerAddresses.ownerStands(STORED, ADDRESSES, 7, OwnerAddresses.fingerprint("bo@example.org", null), 7), "handed to someone else");
        assertFalse(OwnerAddresses.ownerStands(STORED, null, 7, ADDRESSES, 7), "stored before fingerprints, or by another path");
        assertFalse(OwnerAddresses.ownerStands(STORED, ADDRESSES, 6, ADDRESSES, 7), "a new period: roster changes reach it");
    }
}
