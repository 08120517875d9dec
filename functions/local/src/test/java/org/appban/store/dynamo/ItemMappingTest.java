package org.appban.store.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.ledger.LedgerHasher;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Items are mapped by hand; a damaged item fails with a message naming the table, the item and the attribute. */
class ItemMappingTest {
    @Test
    void an_item_missing_a_required_attribute_names_the_item_and_the_attribute() {
        Map<String, AttributeValue> item = new HashMap<>(MemberItems.toItem(Member.active("m-1", "Aroha", "a@example.org", Role.MEMBER)));
        item.remove(MemberItems.EMAIL);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MemberItems.fromItem(item, "members"));
        assertEquals("members item id=m-1: attribute 'email' is missing", e.getMessage());
    }

    @Test
    void a_members_language_is_kept_and_an_item_written_before_languages_reads_as_the_default() {
        Member fr = new Member("m-1", "Aroha", "a@example.org", Role.MEMBER, true, false, "fr");
        Map<String, AttributeValue> item = MemberItems.toItem(fr);
        assertEquals(fr, MemberItems.fromItem(item, "Members"));
        Map<String, AttributeValue> older = new HashMap<>(item);
        older.remove("language");
        assertEquals(null, MemberItems.fromItem(older, "Members").language());
        assertFalse(MemberItems.toItem(Member.active("m-2", "Ben", "b@example.org", Role.STAFF)).containsKey("language"),
                "no attribute for no language");
    }

    @Test
    void an_unknown_enum_value_is_named_with_its_type() {
        Map<String, AttributeValue> item = new HashMap<>(MemberItems.toItem(Member.active("m-1", "Aroha", "a@example.org", Role.MEMBER)));
        item.put(MemberItems.ROLE, AttributeValue.fromS("MINISTER"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MemberItems.fromItem(item, "members"));
        assertEquals("members item id=m-1: attribute 'role' holds unknown Role 'MINISTER'", e.getMessage());
    }

    @Test
    void only_the_first_entry_of_a_chain_is_a_chain_head_and_only_entries_about_a_device_are_indexed_by_it() {
        LedgerRecord r = new LedgerRecord(Instant.parse("2023-03-30T11:00:00Z"), Actor.schedule("s"), "m-1", "", "a", "ok", false, null, Map.of());
        LedgerEntry first = new LedgerEntry("member#m-1", 1, r, LedgerEntry.GENESIS, LedgerHasher.hash("member#m-1", 1, LedgerEntry.GENESIS, r));
        LedgerEntry second = new LedgerEntry("member#m-1", 2, r, first.hash(), LedgerHasher.hash("member#m-1", 2, first.hash(), r));
        assertEquals("member#m-1", LedgerItems.toItem(first).get(LedgerItems.HEAD).s());
        assertFalse(LedgerItems.toItem(second).containsKey(LedgerItems.HEAD));
        // An index key cannot be empty, but the hashed field keeps the empty device as it was.
        assertFalse(LedgerItems.toItem(first).containsKey(LedgerItems.DEVICE_KEY));
        assertEquals(first, LedgerItems.fromItem(LedgerItems.toItem(first), "ledger"));
    }
}
