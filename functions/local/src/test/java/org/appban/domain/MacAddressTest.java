package org.appban.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A MAC address is one value, whichever vendor wrote it, and text that is not one is refused saying so. */
class MacAddressTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "02:AB:00:00:00:1D",        // Jamf, ISE, the fleet file
            "02:ab:00:00:00:1d",        // lower case
            "02ab0000001d",             // Intune's wiFiMacAddress
            "02AB0000001D",
            "02-AB-00-00-00-1D",        // Windows
            "02ab.0000.001d",           // Cisco switches
            "  02:AB:00:00:00:1D\t"})   // blanks around it
    void everyVendorsFormIsTheSameAddress(String written) {
        MacAddress mac = MacAddress.parse(written);
        assertEquals(MacAddress.parse("02:AB:00:00:00:1D"), mac);
        assertEquals(MacAddress.parse("02:AB:00:00:00:1D").hashCode(), mac.hashCode());
    }

    @Test
    void itsNormalFormIsUpperCaseColonSeparated_whatTheNacIsSentAndTheDeviceTableStores() {
        assertEquals("02:AB:00:00:00:1D", MacAddress.parse("02ab0000001d").toString());
        assertEquals("00:00:00:00:00:00", MacAddress.parse("000000000000").toString());
        assertEquals("FF:FF:FF:FF:FF:FF", MacAddress.parse("ff-ff-ff-ff-ff-ff").toString());
    }

    @Test
    void itsHexDigitsAreTheFormRegistryDeviceIdsWereBuiltFrom() {
        assertEquals("02ab0000001d", MacAddress.parse("02:AB:00:00:00:1D").hexDigits());
        assertEquals("000000000001", MacAddress.parse("00:00:00:00:00:01").hexDigits());
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "zz",
            "",
            "02:AB:00:00:00",            // five pairs
            "02:AB:00:00:00:1D:07",      // seven
            "02:AB:00:00:00:1G",         // not hex
            "02:AB-00:00:00:1D",         // two separators
            "02:AB:0000:00:1D:",         // separators out of place
            "2:AB:0:0:0:1D",             // pairs not padded
            "02ab0000001",               // eleven digits
            "02ab.0000.001d.",
            "０２ab0000001d"})            // fullwidth digits are not hex digits
    void textThatIsNotAMacIsRefusedQuotingItAndNamingTheFormsAccepted(String written) {
        MacAddress.Malformed e = assertThrows(MacAddress.Malformed.class, () -> MacAddress.parse(written));
        assertTrue(e.getMessage().startsWith("'" + written + "' is not a MAC address ("), e.getMessage());
        assertTrue(e.getMessage().contains("AA:BB:CC:DD:EE:FF"), e.getMessage());
    }

    @Test
    void nullIsNotAMacEither() {
        assertThrows(MacAddress.Malformed.class, () -> MacAddress.parse(null));
    }

    @Test
    void anOptionalMacIsAbsentWhenNotGivenAndRefusedWhenGivenWrong() {
        assertEquals(Optional.empty(), MacAddress.parseOptional(null));
        assertEquals(Optional.empty(), MacAddress.parseOptional("  "));
        assertEquals(Optional.of(MacAddress.parse("02:AB:00:00:00:1D")), MacAddress.parseOptional("02ab0000001d"));
        assertThrows(MacAddress.Malformed.class, () -> MacAddress.parseOptional("zz"));
    }

    @Test
    void addressesCompareByValue() {
        assertNotEquals(MacAddress.parse("02:AB:00:00:00:1D"), MacAddress.parse("02:AB:00:00:00:1E"));
        assertTrue(MacAddress.parse("02:AB:00:00:00:1D").compareTo(MacAddress.parse("02:AB:00:00:00:1E")) < 0);
    }
}
