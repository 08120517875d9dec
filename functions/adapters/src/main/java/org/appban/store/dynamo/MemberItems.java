package org.appban.store.dynamo;

import java.util.Map;
import org.appban.domain.Member;
import org.appban.domain.Role;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Maps a {@link Member} to its item in the members table (partition key {@code id}) and back. */
final class MemberItems {
    static final String ID = "id";
    static final String NAME = "name";
    static final String EMAIL = "email";
    /** {@link Member#addressKey} of the address: the key of the {@code byAddress} index. */
    static final String ADDRESS_KEY = "addressKey";
    static final String ROLE = "role";
    static final String ACTIVE = "active";
    static final String MAIL_BLOCKED = "mailBlocked";
    /** Absent when the roster gives none (the policy's default language). */
    static final String LANGUAGE = "language";

    private MemberItems() {
    }

    static Map<String, AttributeValue> key(String id) {
        return Map.of(ID, AttributeValue.fromS(id));
    }

    static Map<String, AttributeValue> toItem(Member m) {
        return new ItemBuilder()
                .string(ID, m.id())
                .string(NAME, m.name())
                .string(EMAIL, m.email())
                .string(ADDRESS_KEY, Member.addressKey(m.email()))
                .enumName(ROLE, m.role())
                .bool(ACTIVE, m.active())
                .bool(MAIL_BLOCKED, m.mailBlocked())
                .string(LANGUAGE, m.language())
                .build();
    }

    static Member fromItem(Map<String, AttributeValue> item, String table) {
        ItemFields f = new ItemFields(item, table + " item " + ID + "=" + describe(item));
        return new Member(
                f.string(ID),
                f.string(NAME),
                f.string(EMAIL),
                f.enumValue(ROLE, Role.class),
                f.bool(ACTIVE),
                f.bool(MAIL_BLOCKED),
                f.optionalString(LANGUAGE));
    }

    private static String describe(Map<String, AttributeValue> item) {
        AttributeValue id = item.get(ID);
        return id == null ? "?" : id.s();
    }
}
