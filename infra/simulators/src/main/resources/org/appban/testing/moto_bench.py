"""moto for ./appban bench only: moto_serialized's server, with two DynamoDB operations no longer slowed by table size.

An emulator speed-up for the benchmarks, never a test's emulator. moto (5.2.5 and 5.2.6 alike) deep-copies every table
a transaction names, once per item of the transaction, before applying it, so that it can put the copies back if the
transaction is cancelled. Each transaction then costs time in proportion to the size of the tables it touches: the
ledger's appends (one transaction each) slow down as the ledger grows, and a bench of 100,000 devices never ends.
DynamoDB's own cost of a transaction does not depend on the table's size.

Here a transaction instead keeps an undo log of only the items it names (a copy of each as it was, or the note that
it was absent) and of the length of each touched table's stream, and restores exactly those when moto's transaction
raises (a failed condition, a validation error, an item named twice). Nothing else can change: moto applies the
transaction's own items and appends to the streams of their tables, nothing more. moto's own code still does all
the checking and applying; only its whole-table copy is replaced (inside moto.dynamodb.models, a Table handed to
copy.deepcopy during a transaction comes back as itself, so moto's "restore" assigns the live table to itself).

Second, a Query by a table's own key (not an index): moto lists and sorts every item of the table, then keeps those
with the asked partition key, so a ledger chain's head (one Query per append) costs time in proportion to the whole
ledger. Here moto's own query runs unchanged over only that partition's items (moto's list of all items is replaced,
for that call, by the items stored under the key; moto sorts and pages them as before). Queries on an index are left
as they are.

BenchMotoTransactionsIT runs the same transactions (committed, cancelled by a condition after earlier items were
applied, refused for an item named twice, naming a missing table) against this server and the stock one and finds
the same items, item counts, stream records and Query pages (forwards, backwards, from a start key) after each.

Usage: python moto_bench.py HOST PORT
"""
import copy
import inspect
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import moto.dynamodb.models as dynamodb_models  # noqa: E402
from moto.dynamodb.models import DynamoDBBackend  # noqa: E402
from moto.dynamodb.models.dynamo_type import DynamoType  # noqa: E402
from moto.dynamodb.models.table import Table  # noqa: E402

import moto_serialized  # noqa: E402

_state = threading.local()


class _CopyWithoutTables:
    """The copy module as moto.dynamodb.models sees it: a Table is not copied while a transaction runs."""

    def deepcopy(self, value, memo=None):
        if getattr(_state, "in_transaction", False) and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name):
        return getattr(copy, name)


class _UndoLog:
    """The items a transaction names, as they were before it, and its tables' stream lengths."""

    def __init__(self, backend, transact_items):
        self.items = []  # (table, hash, range or None, copy of the item or None, whether the hash's bucket existed)
        self.streams = []  # (shard, its list of records, its length)
        seen = set()
        for entry in transact_items:
            try:
                _, op = next(iter(entry.items()))
                table = backend.tables.get(op.get("TableName"))
                if table is None:
                    continue
                key = op["Item"] if "Item" in op else op["Key"]
                hash_value = DynamoType(key[table.hash_key_attr])
                range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            except (AttributeError, KeyError, StopIteration, TypeError):
                # moto refuses such an entry before it writes anything for it
                continue
            if (id(table), hash_value, range_value) in seen:
                continue
            seen.add((id(table), hash_value, range_value))
            self._remember_stream(table)
            bucket = table.items.get(hash_value)
            if range_value is None:
                before = bucket
                bucket_existed = True
            else:
                before = bucket.get(range_value) if bucket is not None else None
                bucket_existed = bucket is not None
            self.items.append((table, hash_value, range_value, copy.deepcopy(before), bucket_existed))

    def _remember_stream(self, table):
        shard = table.stream_shard
        if shard is not None and all(s is not shard for s, _, _ in self.streams):
            self.streams.append((shard, shard.items, len(shard.items)))

    def restore(self):
        for table, hash_value, range_value, before, bucket_existed in reversed(self.items):
            if range_value is None:
                if before is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = before
                continue
            bucket = table.items.get(hash_value)
            if before is None:
                if bucket is not None:
                    bucket.pop(range_value, None)
                    if not bucket and not bucket_existed:
                        del table.items[hash_value]
            else:
                if bucket is None:
                    bucket = table.items[hash_value] = {}
                bucket[range_value] = before
        for shard, records, length in self.streams:
            shard.items = records
            del records[length:]


_moto_transact_write_items = DynamoDBBackend.transact_write_items


def _transact_write_items(self, transact_items):
    undo = _UndoLog(self, transact_items)
    _state.in_transaction = True
    try:
        return _moto_transact_write_items(self, transact_items)
    except BaseException:
        undo.restore()
        raise
    finally:
        _state.in_transaction = False


_moto_query = Table.query
_query_signature = inspect.signature(_moto_query)


def _query(self, *args, **kwargs):
    call = _query_signature.bind(self, *args, **kwargs)
    hash_key = call.arguments.get("hash_key")
    if call.arguments.get("index_name") or hash_key is None:
        return _moto_query(self, *args, **kwargs)
    stored = self.items.get(hash_key)
    if stored is None:
        partition = []
    elif self.range_key_attr:
        partition = list(stored.values())
    else:
        partition = [stored]
    self.all_items = lambda: partition  # for this call only: moto's query reads all_items() once
    try:
        return _moto_query(self, *args, **kwargs)
    finally:
        del self.all_items


dynamodb_models.copy = _CopyWithoutTables()
DynamoDBBackend.transact_write_items = _transact_write_items
Table.query = _query

if __name__ == "__main__":
    moto_serialized.main()
