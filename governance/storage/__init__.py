"""The one place that talks to the database.

``Database`` owns the connection and hands each use case a ``Tx``: the queries of one
transaction, one class per area (guidelines, votes, discussion, people, rules, events,
constitution, analytics). SQL is parameterized and kept to the subset PostgreSQL also runs.
"""

from governance.config import is_postgres
from governance.storage.database import Database, open_database
from governance.storage.tx import Tx

__all__ = ["Database", "Tx", "is_postgres", "open_database"]
