package org.appban.store.dynamo;

import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps ledger entries and idempotency markers to items of the ledger table (partition key {@code chain}, sort key
 * {@code seq}).
 *
 * <p>An entry keeps every field its hash covers, exactly, so {@code ChainVerifier} can recompute it from the
 * table alone. Two index attributes exist only where they apply (sparse indexes): {@code head} on the first entry
 * of each chain, so listing chains reads one index row per chain instead of the whole table; {@code deviceKey} on
 * entries about a device, for the per-device export (it is kept apart from {@code device} because an index key
 * cannot be an empty string, while the hashed field must round-trip whatever it held); {@code attention} on entries
 * of the few actions a person looks at lately ({@code Ledger.FLAGGED}), indexed with {@code at} so that the
 * administrators' digest reads the last days' by time. None is hashed: each follows from hashed fields.
 *
 * <p>A marker reserves an idempotency key: it lives in the same table at {@code chain = "idempotency#<key>"},
 * {@code seq = 0} and points at the entry written with it. Chains are named {@code fleet} or {@code member#...}, so
 * the two never meet.
 */
final class LedgerItems {
    static final String CHAIN = "chain";
    static final String SEQ = "seq";
    static final String PREVIOUS_HASH = "previousHash";
    static final String HASH = "hash";
    static final String AT = "at";
    static final String ACTOR_KIND = "actorKind";
    static final String ACTOR_ID = "actorId";
    static final String MEMBER = "member";
    static final String DEVICE = "device";
    static final String ACTION = "action";
    static final String OUTCOME = "outcome";
    static final String DRY_RUN = "dryRun";
    static final String IDEMPOTENCY_KEY = "idempotencyKey";
    static final String DETAILS = "details";
    static final String HEAD = "head";
    static final String DEVICE_KEY = "deviceKey";
    /** The sparse {@code byAttention} index's key: the action, on entries of the actions {@code Ledger.FLAGGED} names. */
    static final String ATTENTION = "attention";
    static final String ENTRY_CHAIN = "entryChain";
    static final String ENTRY_SEQ = "entrySeq";

    static final String MARKER_PREFIX = "idempotency#";

    private LedgerItems() {
    }

    static Map<String, AttributeValue> key(String chain, long seq) {
        return Map.of(CHAIN, AttributeValue.fromS(chain), SEQ, AttributeValue.fromN(Long.toString(seq)));
    }

    static Map<String, AttributeValue> markerKey(String idempotencyKey) {
        return key(MARKER_PREFIX + idempotencyKey, 0);
    }

    /** The idempotency key a marker item reserves. */
    static String keyOfMarker(Map<String, AttributeValue> marker, String table) {
        String chain = new ItemFields(marker, table + " marker").string(CHAIN);
        if (!chain.startsWith(MARKER_PREFIX)) throw new IllegalStateException(table + ": " + chain + " is not an idempotency marker");
        return chain.substring(MARKER_PREFIX.length());
    }

    static Map<String, AttributeValue> toItem(LedgerEntry e) {
        LedgerRecord r = e.record();
        ItemBuilder b = new ItemBuilder()
                .string(CHAIN, e.chain())
                .number(SEQ, e.seq())
                .string(PREVIOUS_HASH, e.previousHash())
                .string(HASH, e.hash())
                .string(AT, r.at().toString())
                .enumName(ACTOR_KIND, r.actor().kind())
                .string(ACTOR_ID, r.actor().id())
                .string(MEMBER, r.member())
                .string(DEVICE, r.device())
                .string(ACTION, r.action())
                .string(OUTCOME, r.outcome())
                .bool(DRY_RUN, r.dryRun())
                .string(IDEMPOTENCY_KEY, r.idempotencyKey())
                .stringMap(DETAILS, r.details());
        if (e.seq() == 1) b.string(HEAD, e.chain());
        if (r.device() != null && !r.device().isEmpty()) b.string(DEVICE_KEY, r.device());
        if (org.appban.ports.Ledger.FLAGGED.contains(r.action())) b.string(ATTENTION, r.action());
        return b.build();
    }

    static Map<String, AttributeValue> marker(String idempotencyKey, LedgerEntry entry) {
        return new ItemBuilder()
                .string(CHAIN, MARKER_PREFIX + idempotencyKey)
                .number(SEQ, 0)
                .string(ENTRY_CHAIN, entry.chain())
                .number(ENTRY_SEQ, entry.seq())
                .build();
    }

    static LedgerEntry fromItem(Map<String, AttributeValue> item, String table) {
        AttributeValue chain = item.get(CHAIN);
        AttributeValue seq = item.get(SEQ);
        ItemFields f = new ItemFields(item, table + " item " + CHAIN + "=" + (chain == null ? "?" : chain.s())
                + " " + SEQ + "=" + (seq == null ? "?" : seq.n()));
        LedgerRecord record = new LedgerRecord(
                f.instant(AT),
                new Actor(f.enumValue(ACTOR_KIND, Actor.Kind.class), f.string(ACTOR_ID)),
                f.optionalString(MEMBER),
                f.optionalString(DEVICE),
                f.string(ACTION),
                f.string(OUTCOME),
                f.bool(DRY_RUN),
                f.optionalString(IDEMPOTENCY_KEY),
                f.stringMap(DETAILS));
        return new LedgerEntry(f.string(CHAIN), f.number(SEQ), record, f.string(PREVIOUS_HASH), f.string(HASH));
    }

    /** The (chain, seq) a marker points at. */
    static Map<String, AttributeValue> entryKeyOf(Map<String, AttributeValue> marker, String table) {
        ItemFields f = new ItemFields(marker, table + " marker " + marker.get(CHAIN));
        return key(f.string(ENTRY_CHAIN), f.number(ENTRY_SEQ));
    }
}
