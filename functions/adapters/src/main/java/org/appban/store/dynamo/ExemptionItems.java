package org.appban.store.dynamo;

import java.util.Map;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Maps an {@link Exemption} to its item in the exemptions table (partition key {@code id}, index on {@code member}) and back. */
final class ExemptionItems {
    static final String ID = "id";
    static final String MEMBER = "member";
    static final String DEVICE = "device";
    static final String REASON = "reason";
    static final String STATUS = "status";
    static final String REQUESTED_BY = "requestedBy";
    static final String REQUESTED_AT = "requestedAt";
    static final String DECIDED_BY = "decidedBy";
    static final String DECIDED_AT = "decidedAt";
    static final String EXPIRES = "expires";
    static final String REVOKED_BY = "revokedBy";
    static final String REVOKED_AT = "revokedAt";

    private ExemptionItems() {
    }

    static Map<String, AttributeValue> key(String id) {
        return Map.of(ID, AttributeValue.fromS(id));
    }

    static Map<String, AttributeValue> toItem(Exemption e) {
        return new ItemBuilder()
                .string(ID, e.id())
                .string(MEMBER, e.member())
                .string(DEVICE, e.device())
                .string(REASON, e.reason())
                .enumName(STATUS, e.status())
                .string(REQUESTED_BY, e.requestedBy())
                .instant(REQUESTED_AT, e.requestedAt())
                .string(DECIDED_BY, e.decidedBy())
                .instant(DECIDED_AT, e.decidedAt())
                .instant(EXPIRES, e.expires())
                .string(REVOKED_BY, e.revokedBy())
                .instant(REVOKED_AT, e.revokedAt())
                .build();
    }

    static Exemption fromItem(Map<String, AttributeValue> item, String table) {
        AttributeValue id = item.get(ID);
        ItemFields f = new ItemFields(item, table + " item " + ID + "=" + (id == null ? "?" : id.s()));
        return new Exemption(
                f.string(ID),
                f.string(MEMBER),
                f.optionalString(DEVICE),
                f.optionalString(REASON),
                f.enumValue(STATUS, ExemptionStatus.class),
                f.optionalString(REQUESTED_BY),
                f.optionalInstant(REQUESTED_AT),
                f.optionalString(DECIDED_BY),
                f.optionalInstant(DECIDED_AT),
                f.optionalInstant(EXPIRES),
                f.optionalString(REVOKED_BY),
                f.optionalInstant(REVOKED_AT));
    }
}
