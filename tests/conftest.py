"""Shared fixtures: real databases (DuckDB files in tmp_path, and a PostgreSQL database on a
throwaway server), a seeded demo database, a settable clock.

``db`` and everything built on it (``charter``, ``cast``, ``in_voting``) run each test on
both engines. The PostgreSQL server starts once per session; each test gets a new database
copied from a migrated template. With ``CI=true`` a missing PostgreSQL fails the tests;
elsewhere they are skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from governance.config import Settings
from governance.demo import SimulatedClock, seed_demo
from governance.errors import GovernanceError
from governance.models import Role, Stakeholder
from governance.services import Charter
from governance.services.base import utc_now
from governance.storage import Database, open_database
from tests import postgres_server

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "charter.duckdb"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(db=db_path)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[postgres_server.Server]:
    """A PostgreSQL server for the session, with a migrated template database."""
    try:
        server = postgres_server.start()
    except RuntimeError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no PostgreSQL here: {exc}")
    try:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE charter_template")
        open_database(server.url("charter_template")).close()
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: postgres_server.Server) -> Iterator[str]:
    """A new, migrated PostgreSQL database of its own, dropped after the test."""
    with pg_server.copy_of("charter_template") as url:
        yield url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run tests marked ``duckdb_only`` on DuckDB alone, ``postgres_only`` on PostgreSQL
    alone (what they check exists on one engine: DuckDB's one-process file lock, several
    processes on one PostgreSQL database)."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        engine = None if callspec is None else callspec.params.get("engine")
        wrong = (engine == "postgresql" and item.get_closest_marker("duckdb_only")) or (
            engine == "duckdb" and item.get_closest_marker("postgres_only")
        )
        (dropped if wrong else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=["duckdb", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """Which engine the test's database runs on."""
    return str(request.param)


@pytest.fixture
def db(engine: str, db_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    location = db_path if engine == "duckdb" else request.getfixturevalue("pg_url")
    database = open_database(location)
    yield database
    database.close()


@pytest.fixture
def charter(db: Database, settings: Settings, clock: FakeClock) -> Charter:
    return Charter(db, settings, clock=clock)


class Cast:
    """A small community: a moderator, a steward, an author and voters in each group.

    Written straight to storage in one transaction: it is set-up, not the thing under test.
    """

    def __init__(self, charter: Charter, voters_per_group: int = 20) -> None:
        people: list[Stakeholder] = []
        with charter.db.transaction() as tx:

            def make(name: str, groups: tuple[str, ...], *roles: Role) -> Stakeholder:
                person = Stakeholder(
                    id=tx.people.next_stakeholder_id(),
                    display_name=name,
                    groups=groups,
                    roles=(Role.PARTICIPANT, *roles),
                    created_at=charter.clock(),
                )
                tx.people.insert_stakeholder(person)
                people.append(person)
                return person

            self.moderator = make("Mo Derator", ("public",), Role.MODERATOR)
            self.steward = make("Stew Ard", ("ethicist",), Role.STEWARD)
            self.author = make("Au Thor", ("engineer",))
            self.voters: dict[str, list[Stakeholder]] = {
                group: [make(f"{group} voter {i}", (group,)) for i in range(voters_per_group)]
                for group in charter.settings.groups
            }

    def everyone(self) -> list[Stakeholder]:
        return [p for people in self.voters.values() for p in people]


@pytest.fixture
def cast(charter: Charter) -> Cast:
    return Cast(charter)


PROPOSAL = {
    "title": "Admit uncertainty",
    "statement": "The assistant says when it is not sure, instead of guessing confidently.",
    "category": "honesty",
    "tags": "calibration, uncertainty",
}


@pytest.fixture
def in_voting(charter: Charter, cast: Cast) -> str:
    """A guideline proposed by ``cast.author`` and opened for voting by the moderator."""
    guideline = charter.guidelines.propose(cast.author, PROPOSAL)
    charter.guidelines.submit(cast.author, guideline.id)
    charter.guidelines.open_voting(cast.moderator, guideline.id)
    return guideline.id


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo dataset, seeded once per test session."""
    path = tmp_path_factory.mktemp("demo") / "template.duckdb"
    database = open_database(path)
    clock = SimulatedClock(utc_now())
    seed_demo(Charter(database, Settings(db=path), clock=clock), clock)
    database.checkpoint()
    database.close()
    return path


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: postgres_server.Server) -> str:
    """The demo dataset seeded once per session into a PostgreSQL template database."""
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE charter_demo TEMPLATE charter_template")
    url = pg_server.url("charter_demo")
    database = open_database(url)
    clock = SimulatedClock(utc_now())
    seed_demo(Charter(database, Settings(db=url), clock=clock), clock)
    database.close()
    return "charter_demo"


@pytest.fixture
def demo_db(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A private copy of the demo database, on either engine (services only, no pages)."""
    if engine == "duckdb":
        path = tmp_path / "demo.duckdb"
        shutil.copy(request.getfixturevalue("demo_template"), path)
        database = open_database(path)
        yield database
        database.close()
        return
    server: postgres_server.Server = request.getfixturevalue("pg_server")
    with server.copy_of(request.getfixturevalue("pg_demo_template")) as url:
        database = open_database(url)
        yield database
        database.close()


@pytest.fixture
def demo_charter(demo_db: Database, tmp_path: Path) -> Charter:
    """The services on a private copy of the demo database, on either engine."""
    return Charter(demo_db, Settings(db=tmp_path / "demo.duckdb"))


@pytest.fixture
def seeded_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database."""
    path = tmp_path / "seeded.duckdb"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def seeded_db(seeded_path: Path) -> Iterator[Database]:
    database = open_database(seeded_path)
    yield database
    database.close()


@pytest.fixture
def services(seeded_db: Database, seeded_path: Path) -> Charter:
    """The services on the seeded copy: the same database file the app under test uses."""
    return Charter(seeded_db, Settings(db=seeded_path))


# -- refusals change nothing ---------------------------------------------------------------


def everything(charter: Charter) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: a refused action must leave all of it as it was."""
    with charter.db.read() as tx:
        cur = tx.cursor
        columns = cur.execute(
            "SELECT table_name, count(*) FROM information_schema.columns"
            " WHERE table_schema = current_schema() GROUP BY table_name ORDER BY 1"
        ).fetchall()
        return {
            table: cur.execute(
                f"SELECT * FROM {table} ORDER BY {', '.join(str(i + 1) for i in range(n))}"
            ).fetchall()
            for table, n in columns
        }


@contextmanager
def changes_nothing(charter: Charter) -> Iterator[None]:
    before = everything(charter)
    yield
    assert everything(charter) == before


#: What a database raises when a constraint refuses a row, on either engine.
CONSTRAINT_ERRORS = (duckdb.ConstraintException, psycopg.IntegrityError)


def refused(
    charter: Charter, error: type[GovernanceError], action: Callable[[], object]
) -> GovernanceError:
    """Run ``action``, which must raise ``error`` and leave every table as it was."""
    with changes_nothing(charter), pytest.raises(error) as caught:
        action()
    return caught.value


@pytest.fixture
def demo_env(seeded_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app in demo mode over a private copy of the seeded database."""
    monkeypatch.setenv("CHARTER_DB", str(seeded_path))
    monkeypatch.setenv("CHARTER_DEMO", "1")
    return seeded_path
