"""The one place that talks to DuckDB.

``Database`` owns the connection; ``Store`` holds every query. SQL is parameterized and
kept to the subset PostgreSQL also runs, so a server backend can replace DuckDB later.
"""

from governance.storage.database import Database
from governance.storage.store import Store

__all__ = ["Database", "Store"]
