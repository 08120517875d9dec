package org.appban.store.dynamo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.CampaignTally;
import org.appban.ledger.LedgerHasher;
import org.appban.ports.Ledger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The ledger in DynamoDB: one item per entry at (chain, seq), hash-chained per chain.
 *
 * <p>Appending reads the chain's last entry and writes the next one in a single transaction that also reserves
 * the record's idempotency key, each put conditional on its item not existing yet. So when writers race:
 * <ul>
 *   <li>on the same chain, only one of them gets each seq; the others re-read the chain and try again, so the chain
 *       never forks;</li>
 *   <li>with the same idempotency key, only one transaction reserves it; the others find the marker and return the
 *       entry it points at, unwritten.</li>
 * </ul>
 *
 * <p>The campaign's counters ({@link CampaignTally}) live in the table too, beside the idempotency markers: at chain
 * {@code tally#<shard>}, seq 0, one attribute {@code t:<counter>} per counter. An entry that counts adds to its
 * chain's shard in the same transaction (an Update with ADD), so the count moves exactly when the entry is written,
 * and a lost race or a used key moves nothing. The reconciliation's last check is at {@code tally#meta}. Roles may
 * update only these items (template.yaml, {@code dynamodb:LeadingKeys}): the entries stay append-only.
 */
public final class DynamoLedger implements Ledger {
    public static final String CHAIN_HEADS = "chainHeads";
    public static final String BY_DEVICE = "byDevice";
    /** Sparse: entries of the actions {@link Ledger#FLAGGED} names, by action and {@code at} ({@link #flagged}). */
    public static final String BY_ATTENTION = "byAttention";
    /** Chain reads in flight at once in {@link #chainsNamed}: overlaps round trips without bursting the table. */
    static final int PARALLEL_READS = 8;
    static final int DEFAULT_PAGE_SIZE = 500;
    /** Each round of a race lets one writer through, so this bounds how many writers one chain can take at once. */
    private static final int MAX_ATTEMPTS = 40;
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    static final String TALLY_PREFIX = "tally#";
    static final String TALLY_META = TALLY_PREFIX + "meta";
    static final String COUNTER_PREFIX = "t:";
    static final String CHECKED_AT = "checkedAt";

    private final DynamoDbClient dynamo;
    private final String table;
    private final int pageSize;

    public DynamoLedger(DynamoDbClient dynamo, String table) {
        this(dynamo, table, DEFAULT_PAGE_SIZE);
    }

    /** @param pageSize items per Query page when reading a chain, or per page of the chain heads index when listing chains */
    public DynamoLedger(DynamoDbClient dynamo, String table, int pageSize) {
        if (pageSize < 1) throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
        this.dynamo = dynamo;
        this.table = table;
        this.pageSize = pageSize;
    }

    @Override
    public Appended append(LedgerRecord record) {
        String key = record.idempotencyKey();
        String chain = record.chain();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            // The key's marker and the chain's tail are read at once: two round trips that need nothing of each other.
            // Which is read first does not matter: the transaction's conditions decide (see the class comment).
            CompletableFuture<Optional<LedgerEntry>> marker = key == null ? null
                    : CompletableFuture.supplyAsync(() -> byIdempotencyKey(key), DynamoLedger::onItsOwnThread);
            Optional<LedgerEntry> last = lastEntry(chain);
            if (marker != null) {
                Optional<LedgerEntry> recorded = joined(marker);
                if (recorded.isPresent()) return new Appended(recorded.get(), false);
            }
            long seq = last.map(e -> e.seq() + 1).orElse(1L);
            String previous = last.map(LedgerEntry::hash).orElse(LedgerEntry.GENESIS);
            LedgerEntry entry = new LedgerEntry(chain, seq, record, previous, LedgerHasher.hash(chain, seq, previous, record));
            try {
                write(entry, key);
                return new Appended(entry, true);
            } catch (TransactionCanceledException e) {
                // Someone took this seq or this key first, or their transaction was still in flight on one of our
                // items (TransactionConflict). Either way the next round re-reads and converges.
                requireOnlyRaces(e, entry);
                pause(attempt);
            }
        }
        throw new IllegalStateException("ledger chain " + chain + ": gave up appending after " + MAX_ATTEMPTS
                + " attempts, every one lost to a concurrent writer of the same chain");
    }

    /**
     * A round trip per record where {@link #append} spends three: the keys already used are read together
     * (BatchGetItem of their markers), then which chains have a first entry (BatchGetItem of seq 1); a record whose
     * chain is empty (a member the roster brings in) is written as its first entry in one conditional transaction.
     * The others, and any that lose a race for seq 1, go through {@link #append}.
     */
    @Override
    public void appendAll(List<LedgerRecord> records) {
        Set<String> used = usedKeys(records.stream().map(LedgerRecord::idempotencyKey).filter(java.util.Objects::nonNull).toList());
        List<LedgerRecord> todo = records.stream().filter(r -> r.idempotencyKey() == null || !used.contains(r.idempotencyKey())).toList();
        Set<String> chains = new LinkedHashSet<>();
        todo.forEach(r -> chains.add(r.chain()));
        Set<String> started = new HashSet<>();
        for (Map<String, AttributeValue> first : BatchReads.get(dynamo, table, chains.stream().map(c -> LedgerItems.key(c, 1)).toList())) {
            started.add(first.get(LedgerItems.CHAIN).s());
        }
        for (LedgerRecord r : todo) {
            if (started.add(r.chain())) {
                LedgerEntry entry = new LedgerEntry(r.chain(), 1, r, LedgerEntry.GENESIS, LedgerHasher.hash(r.chain(), 1, LedgerEntry.GENESIS, r));
                try {
                    write(entry, r.idempotencyKey());
                    continue;
                } catch (TransactionCanceledException e) {
                    requireOnlyRaces(e, entry); // someone started the chain (or used the key) first: append re-reads
                }
            }
            append(r);
        }
    }

    private void write(LedgerEntry entry, String key) {
        List<TransactWriteItem> items = new ArrayList<>(2);
        items.add(putIfAbsent(LedgerItems.toItem(entry)));
        if (key != null) items.add(putIfAbsent(LedgerItems.marker(key, entry)));
        Map<String, Long> moved = CampaignTally.effects(entry.record());
        if (!moved.isEmpty()) items.add(TransactWriteItem.builder().update(added(TALLY_PREFIX + CampaignTally.shard(entry.chain()), moved, null)).build());
        dynamo.transactWriteItems(r -> r.transactItems(items));
    }

    /** An Update that ADDs each counter (creating the item and the attribute at 0 when absent), and SETs checkedAt if given. */
    private Update added(String item, Map<String, Long> counters, java.time.Instant checkedAt) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        List<String> adds = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Long> c : counters.entrySet()) {
            names.put("#c" + i, COUNTER_PREFIX + c.getKey());
            values.put(":c" + i, AttributeValue.fromN(Long.toString(c.getValue())));
            adds.add("#c" + i + " :c" + i);
            i++;
        }
        StringBuilder expression = new StringBuilder();
        if (checkedAt != null) {
            names.put("#checked", CHECKED_AT);
            values.put(":checked", AttributeValue.fromS(checkedAt.toString()));
            expression.append("SET #checked = :checked ");
        }
        if (!adds.isEmpty()) expression.append("ADD ").append(String.join(", ", adds));
        return Update.builder().tableName(table).key(LedgerItems.key(item, 0))
                .updateExpression(expression.toString().strip())
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    /**
     * The shards' counters summed, with the last check's time: one BatchGetItem of {@value CampaignTally#SHARDS} + 1
     * items, strongly consistent (an append's entry and its count are one transaction, so the sum is the count of
     * exactly the entries written before the read). Empty when none of the items exists yet.
     */
    @Override
    public Optional<CampaignTally> tally() {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int shard = 0; shard < CampaignTally.SHARDS; shard++) keys.add(LedgerItems.key(TALLY_PREFIX + shard, 0));
        keys.add(LedgerItems.key(TALLY_META, 0));
        List<Map<String, AttributeValue>> items = BatchReads.get(dynamo, table, keys);
        if (items.isEmpty()) return Optional.empty();
        CampaignTally tally = CampaignTally.empty();
        java.time.Instant checked = null;
        for (Map<String, AttributeValue> item : items) {
            Map<String, Long> counters = new LinkedHashMap<>();
            item.forEach((name, value) -> {
                if (name.startsWith(COUNTER_PREFIX) && value.n() != null) counters.put(name.substring(COUNTER_PREFIX.length()), Long.parseLong(value.n()));
            });
            tally = tally.plus(counters);
            if (item.containsKey(CHECKED_AT)) checked = java.time.Instant.parse(item.get(CHECKED_AT).s());
        }
        return Optional.of(tally.checkedAt(checked));
    }

    /** The correction on shard 0 and the check's time (when given) on the meta item, in one transaction: both or neither. */
    @Override
    public void correctTally(Map<String, Long> delta, java.time.Instant checkedAt) {
        List<TransactWriteItem> items = new ArrayList<>(2);
        if (!delta.isEmpty()) items.add(TransactWriteItem.builder().update(added(TALLY_PREFIX + 0, delta, null)).build());
        if (checkedAt != null) items.add(TransactWriteItem.builder().update(added(TALLY_META, Map.of(), checkedAt)).build());
        if (!items.isEmpty()) dynamo.transactWriteItems(r -> r.transactItems(items));
    }

    private TransactWriteItem putIfAbsent(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#chain)")
                .expressionAttributeNames(Map.of("#chain", LedgerItems.CHAIN)).build()).build();
    }

    /** A daemon thread: it never keeps a function's JVM alive. */
    private static void onItsOwnThread(Runnable task) {
        Thread t = new Thread(task, "ledger-read");
        t.setDaemon(true);
        t.start();
    }

    /** The read's result, or what it threw, as it threw it. */
    private static <T> T joined(CompletableFuture<T> read) {
        try {
            return read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    private static void requireOnlyRaces(TransactionCanceledException e, LedgerEntry entry) {
        for (CancellationReason reason : e.cancellationReasons()) {
            String code = reason.code();
            if (code == null || code.equals("None") || code.equals(CONDITION_FAILED) || code.equals("TransactionConflict")) continue;
            throw new IllegalStateException("ledger chain " + entry.chain() + " seq " + entry.seq()
                    + ": append refused (" + code + ": " + reason.message() + ")", e);
        }
    }

    private static void pause(int attempt) {
        long bound = Math.min(200, 5L * attempt);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, bound + 1));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while appending to the ledger", interrupted);
        }
    }

    private Optional<LedgerEntry> lastEntry(String chain) {
        List<Map<String, AttributeValue>> items = dynamo.query(chainQuery(chain).scanIndexForward(false).limit(1).build()).items();
        return items.isEmpty() ? Optional.empty() : Optional.of(LedgerItems.fromItem(items.get(0), table));
    }

    private QueryRequest.Builder chainQuery(String chain) {
        return QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#chain = :chain")
                .expressionAttributeNames(Map.of("#chain", LedgerItems.CHAIN))
                .expressionAttributeValues(Map.of(":chain", AttributeValue.fromS(chain)));
    }

    @Override
    public Optional<LedgerEntry> byIdempotencyKey(String key) {
        Map<String, AttributeValue> marker = getItem(LedgerItems.markerKey(key));
        if (marker.isEmpty()) return Optional.empty();
        Map<String, AttributeValue> entryKey = LedgerItems.entryKeyOf(marker, table);
        Map<String, AttributeValue> entry = getItem(entryKey);
        if (entry.isEmpty()) {
            // The marker and its entry are written in one transaction, so this means someone deleted the entry.
            throw new IllegalStateException("ledger: idempotency key " + key + " points at " + entryKey + ", which is missing from " + table);
        }
        return Optional.of(LedgerItems.fromItem(entry, table));
    }

    /** The markers of the keys, read a hundred at a time ({@link BatchReads}); the entries they point at are not read. */
    @Override
    public Set<String> usedKeys(Collection<String> keys) {
        List<Map<String, AttributeValue>> markers = new LinkedHashSet<>(keys).stream().map(LedgerItems::markerKey).toList();
        Set<String> used = new HashSet<>();
        for (Map<String, AttributeValue> marker : BatchReads.get(dynamo, table, markers)) used.add(LedgerItems.keyOfMarker(marker, table));
        return used;
    }

    /**
     * The markers of the keys in one BatchGetItem a hundred, then the entries they point at the same way, both
     * strongly consistent (as {@link #byIdempotencyKey}): two round trips for up to a hundred keys, not two each.
     */
    @Override
    public Map<String, LedgerEntry> byIdempotencyKeys(Collection<String> keys) {
        List<Map<String, AttributeValue>> markers = new LinkedHashSet<>(keys).stream().map(LedgerItems::markerKey).toList();
        Map<String, String> keyOfEntry = new LinkedHashMap<>();
        List<Map<String, AttributeValue>> entryKeys = new ArrayList<>();
        for (Map<String, AttributeValue> marker : BatchReads.get(dynamo, table, markers)) {
            Map<String, AttributeValue> entryKey = LedgerItems.entryKeyOf(marker, table);
            keyOfEntry.put(entryKey.get(LedgerItems.CHAIN).s() + "#" + entryKey.get(LedgerItems.SEQ).n(), LedgerItems.keyOfMarker(marker, table));
            entryKeys.add(entryKey);
        }
        Map<String, LedgerEntry> found = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : BatchReads.get(dynamo, table, entryKeys)) {
            LedgerEntry e = LedgerItems.fromItem(item, table);
            String key = keyOfEntry.get(e.chain() + "#" + e.seq());
            if (key != null) found.put(key, e);
        }
        return found;
    }

    private Map<String, AttributeValue> getItem(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true)).item();
        return item == null ? Map.of() : item;
    }

    @Override
    public List<LedgerEntry> chain(String chain) {
        List<LedgerEntry> entries = new ArrayList<>();
        dynamo.queryPaginator(chainQuery(chain).scanIndexForward(true).limit(pageSize).build()).items()
                .forEach(item -> entries.add(LedgerItems.fromItem(item, table)));
        return entries;
    }

    /**
     * The chain's newest entries first, a page at a time, until one decided more than {@link #CLOCK_SLACK} before
     * {@code from}: an entry's {@code at} is its writer's clock while {@code seq} is the order appends took on the
     * chain's tail, so within that slack an older {@code at} may follow a newer one; past it, nothing the window
     * holds is left. One Query for a window's worth of a chain, however long its history.
     */
    @Override
    public List<LedgerEntry> chainFrom(String chain, java.time.Instant from) {
        java.time.Instant stop = from.minus(CLOCK_SLACK);
        List<LedgerEntry> newestFirst = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder q = chainQuery(chain).scanIndexForward(false).limit(pageSize);
            if (start != null) q.exclusiveStartKey(start);
            var page = dynamo.query(q.build());
            boolean past = false;
            for (Map<String, AttributeValue> item : page.items()) {
                LedgerEntry e = LedgerItems.fromItem(item, table);
                if (e.record().at().isBefore(stop)) {
                    past = true;
                    break;
                }
                newestFirst.add(e);
            }
            start = past || !page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty() ? null : page.lastEvaluatedKey();
        } while (start != null);
        List<LedgerEntry> entries = new ArrayList<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) if (!newestFirst.get(i).record().at().isBefore(from)) entries.add(newestFirst.get(i));
        return entries;
    }

    /** How far a chain's {@code at} may run behind its {@code seq}: writers' clocks, and an append's retries. */
    static final java.time.Duration CLOCK_SLACK = java.time.Duration.ofMinutes(15);

    /**
     * The chains asked for, each by a Query of its own ({@value #PARALLEL_READS} at a time): what is read follows the
     * chains asked for and their own length, never the size of the ledger. There is no Scan of the table, however
     * many are asked: a Scan reads every entry of every chain, and the whole ledger grows with every day of every
     * campaign, so a daily run that scanned it (notify's attestations, network access's owners) would cost more each
     * day of history. Which of them hold an entry at all is read first, a hundred first entries (seq 1, their chain
     * name only) per BatchGetItem, strongly consistent: a chain never started (a device owner the campaign has not
     * written about) costs no Query of its own.
     */
    @Override
    public Map<String, List<LedgerEntry>> chainsNamed(List<String> names) {
        if (names.size() < 2) return Ledger.super.chainsNamed(names);
        return queried(names);
    }

    /**
     * The chains from the {@value #CHAIN_HEADS} index, then each chain's last entry (a Query of one item, newest
     * first), {@value #PARALLEL_READS} at a time: one small read per chain however long the chains grow, and no
     * Scan of the table.
     */
    @Override
    public Map<String, LedgerEntry> heads() {
        List<String> names = chains();
        Map<String, LedgerEntry> heads = new LinkedHashMap<>();
        inParallel(names, this::lastEntry).forEach((name, last) -> last.ifPresent(e -> heads.put(name, e)));
        return heads;
    }

    private Map<String, List<LedgerEntry>> queried(List<String> names) {
        List<Map<String, AttributeValue>> firsts = new LinkedHashSet<>(names).stream().map(c -> LedgerItems.key(c, 1)).toList();
        Set<String> started = new HashSet<>();
        for (Map<String, AttributeValue> first : BatchReads.get(dynamo, table, firsts, LedgerItems.CHAIN)) {
            started.add(first.get(LedgerItems.CHAIN).s());
        }
        Map<String, List<LedgerEntry>> read = inParallel(names.stream().filter(started::contains).distinct().toList(), this::chain);
        Map<String, List<LedgerEntry>> chains = new LinkedHashMap<>();
        for (String name : names) chains.put(name, read.containsKey(name) ? read.get(name) : new ArrayList<>());
        return chains;
    }

    private <T> Map<String, T> inParallel(List<String> names, java.util.function.Function<String, T> read) {
        if (names.isEmpty()) return new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_READS, names.size()), r -> {
            Thread t = new Thread(r, "ledger-read");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> reads = new ArrayList<>();
            for (String name : names) reads.add(pool.submit(() -> read.apply(name)));
            Map<String, T> chains = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) chains.put(names.get(i), reads.get(i).get());
            return chains;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading ledger chains", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads the sparse {@value #CHAIN_HEADS} index; a chain started a moment ago may show up a little later. */
    @Override
    public List<String> chains() {
        TreeSet<String> chains = new TreeSet<>();
        dynamo.scanPaginator(r -> r.tableName(table).indexName(CHAIN_HEADS).limit(pageSize)).items()
                .forEach(item -> chains.add(item.get(LedgerItems.HEAD).s()));
        return List.copyOf(chains);
    }

    /**
     * Reads the sparse {@value #BY_ATTENTION} index from {@code from} on (eventually consistent): entries come in the
     * order they were decided. {@code at} is stored as {@link Instant#toString}, whose text leaves out a zero fraction,
     * so text order can differ from time order within a second: the Query starts a second early and the entries are
     * then cut at {@code from} exactly.
     */
    @Override
    public List<LedgerEntry> flagged(String action, java.time.Instant from) {
        if (!FLAGGED.contains(action)) throw new IllegalArgumentException("entries of '" + action + "' are not indexed by time: " + FLAGGED);
        List<LedgerEntry> entries = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).indexName(BY_ATTENTION).limit(pageSize)
                        .keyConditionExpression("#attention = :action AND #at >= :from")
                        .expressionAttributeNames(Map.of("#attention", LedgerItems.ATTENTION, "#at", LedgerItems.AT))
                        .expressionAttributeValues(Map.of(":action", AttributeValue.fromS(action),
                                ":from", AttributeValue.fromS(from.minusSeconds(1).toString()))))
                .items().forEach(item -> {
                    LedgerEntry e = LedgerItems.fromItem(item, table);
                    if (!e.record().at().isBefore(from)) entries.add(e);
                });
        entries.sort(DECIDED_ORDER);
        return entries;
    }

    /** Reads the sparse {@value #BY_DEVICE} index (eventually consistent); entries come in the order they were decided. */
    @Override
    public List<LedgerEntry> aboutDevice(String deviceId) {
        List<LedgerEntry> entries = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).indexName(BY_DEVICE).limit(pageSize)
                        .keyConditionExpression("#device = :device")
                        .expressionAttributeNames(Map.of("#device", LedgerItems.DEVICE_KEY))
                        .expressionAttributeValues(Map.of(":device", AttributeValue.fromS(deviceId))))
                .items().forEach(item -> entries.add(LedgerItems.fromItem(item, table)));
        entries.sort(DECIDED_ORDER);
        return entries;
    }
}
