"""moto_server as the tests and benchmarks run it.

moto's DynamoDB answers each request on its own thread with no lock: a
TransactWriteItems deep-copies the table while other requests change it (a
500, "dictionary changed size during iteration"), and a cancelled one puts
back that copy over what others wrote meanwhile, losing their writes.
DynamoDB itself isolates every write, transactions included, so here every
DynamoDB write takes one lock. Reads stay concurrent; S3 and SQS (whose
long polls wait) are untouched.

That deep copy is also moto's way to roll a cancelled transaction back, and
it copies the whole table once per item of every transaction: a make's
transaction cost grew with the table, and 500 makes took two minutes. Under
the same lock, only the items a transaction names are backed up, and put
back when it is cancelled: all a cancelled transaction can have changed.

It fails at start, not in a test, should moto move the names it wraps.
Usage: python scripts/moto-server.py [moto_server arguments]
"""
import copy, functools, sys, threading
import moto.dynamodb.models as models
from moto.dynamodb.models import DynamoDBBackend, Table
from moto.dynamodb.responses import DynamoHandler
from moto.server import main

class TablesUncopied:
    """`copy` as moto's DynamoDB module sees it: a table is not copied."""
    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

models.copy = TablesUncopied()
whole = DynamoDBBackend.transact_write_items

def named_items(backend, transact_items):
    """(table, key, the item as it is) for each item a transaction names."""
    for entry in transact_items:
        try:
            _, op = next(iter(entry.items()))
            table = backend.get_table(op["TableName"])
            if "Item" in op:
                names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
                key = {name: op["Item"][name] for name in names}
            else:
                key = op["Key"]
            current = backend.get_item(op["TableName"], key)
        except Exception:
            # moto fails this item before changing it: nothing to restore.
            continue
        yield op["TableName"], key, copy.deepcopy(current.to_json()["Attributes"]) if current else None

@functools.wraps(whole)
def transact_write_items(self, transact_items):
    before = list(named_items(self, transact_items))
    try:
        return whole(self, transact_items)
    except Exception:
        for table_name, key, attributes in reversed(before):
            if attributes is None:
                if self.get_item(table_name, key) is not None:
                    self.delete_item(table_name, key)
            else:
                self.put_item(table_name, attributes)
        raise

DynamoDBBackend.transact_write_items = transact_write_items

WRITES = {
    "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
    "CreateTable", "UpdateTable", "DeleteTable",
}
lock = threading.Lock()
unlocked = DynamoHandler.call_action

@functools.wraps(unlocked)
def call_action(self):
    if self._get_action() not in WRITES:
        return unlocked(self)
    with lock:
        return unlocked(self)

DynamoHandler.call_action = call_action
main(sys.argv[1:])
