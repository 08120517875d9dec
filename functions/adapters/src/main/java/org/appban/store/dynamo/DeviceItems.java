package org.appban.store.dynamo;

import java.util.Map;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Maps a {@link Device} to its item in the devices table (partition key {@code id}, index on {@code owner}) and back. */
final class DeviceItems {
    static final String ID = "id";
    static final String OWNER = "owner";
    static final String OWNERSHIP = "ownership";
    static final String PLATFORM = "platform";
    static final String MODEL = "model";
    static final String SUPERVISED = "supervised";
    static final String MDM = "mdm";
    static final String MDM_ID = "mdmId";
    static final String MAC_ADDRESS = "macAddress";
    static final String APP_PRESENCE = "appPresence";
    static final String COMPLIANCE = "compliance";
    static final String LAST_SEEN = "lastSeen";
    static final String RETIRED = "retired";
    /** The sparse {@code byCarrying} index's key: present only on a corporate device still carrying the app. */
    static final String CARRYING = "carrying";
    static final String CORPORATE_CARRYING = "corporate";

    private DeviceItems() {
    }

    static Map<String, AttributeValue> key(String id) {
        return Map.of(ID, AttributeValue.fromS(id));
    }

    static Map<String, AttributeValue> toItem(Device d) {
        return new ItemBuilder()
                .string(ID, d.id())
                .string(OWNER, d.owner())
                .enumName(OWNERSHIP, d.ownership())
                .enumName(PLATFORM, d.platform())
                .string(MODEL, d.model())
                .bool(SUPERVISED, d.supervised())
                .enumName(MDM, d.mdm())
                .string(MDM_ID, d.mdmId())
                .string(MAC_ADDRESS, d.macAddress() == null ? null : d.macAddress().toString())
                .enumName(APP_PRESENCE, d.appPresence())
                .enumName(COMPLIANCE, d.compliance())
                .instant(LAST_SEEN, d.lastSeen())
                .bool(RETIRED, d.retired())
                .string(CARRYING, org.appban.ports.DeviceStore.carryingCorporate(d) ? CORPORATE_CARRYING : null)
                .build();
    }

    static Device fromItem(Map<String, AttributeValue> item, String table) {
        AttributeValue id = item.get(ID);
        ItemFields f = new ItemFields(item, table + " item " + ID + "=" + (id == null ? "?" : id.s()));
        return new Device(
                f.string(ID),
                f.string(OWNER),
                f.enumValue(OWNERSHIP, Ownership.class),
                f.enumValue(PLATFORM, Platform.class),
                f.optionalString(MODEL),
                f.bool(SUPERVISED),
                f.enumValue(MDM, MdmKind.class),
                f.optionalString(MDM_ID),
                storedMac(f.optionalString(MAC_ADDRESS)),
                f.enumValue(APP_PRESENCE, AppPresence.class),
                f.enumValue(COMPLIANCE, ComplianceState.class),
                f.optionalInstant(LAST_SEEN),
                f.bool(RETIRED));
    }

    /**
     * A stored MAC. Items written before MACs were parsed at the MDM's edge may hold text that is not one (Jamf's was
     * stored as given): such a device reads as having no MAC, which is what network access made of it then too,
     * and the next inventory sync writes what the MDM reports now.
     */
    private static MacAddress storedMac(String stored) {
        try {
            return MacAddress.parseOptional(stored).orElse(null);
        } catch (MacAddress.Malformed e) {
            return null;
        }
    }
}
