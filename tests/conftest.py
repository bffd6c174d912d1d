"""Shared fixtures: real DuckDB files in tmp_path, a seeded demo database, a settable clock."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from governance.config import Settings
from governance.demo import SimulatedClock, seed_demo
from governance.errors import GovernanceError
from governance.models import Role, Stakeholder
from governance.services import Charter
from governance.services.base import utc_now
from governance.storage import Database

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
    return Settings(db_path=db_path)


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database(db_path)
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
    database = Database(path)
    clock = SimulatedClock(utc_now())
    seed_demo(Charter(database, Settings(db_path=path), clock=clock), clock)
    database.checkpoint()
    database.close()
    return path


@pytest.fixture
def seeded_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database."""
    path = tmp_path / "seeded.duckdb"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def seeded_db(seeded_path: Path) -> Iterator[Database]:
    database = Database(seeded_path)
    yield database
    database.close()


@pytest.fixture
def services(seeded_db: Database, seeded_path: Path) -> Charter:
    """The services on the seeded copy: the same database file the app under test uses."""
    return Charter(seeded_db, Settings(db_path=seeded_path))


# -- refusals change nothing ---------------------------------------------------------------


def everything(charter: Charter) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: a refused action must leave all of it as it was."""
    with charter.db.read() as tx:
        cur = tx.cursor
        tables = cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
        ).fetchall()
        return {t: cur.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for (t,) in tables}


@contextmanager
def changes_nothing(charter: Charter) -> Iterator[None]:
    before = everything(charter)
    yield
    assert everything(charter) == before


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
