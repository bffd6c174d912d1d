"""``bench charts --db LOCATION``: the dashboard's computations timed on any database.

Each chart with no cache, the first screen, and the page's first load; ``bench dashboard``
uses the same timings on the database it builds. For comparing engines on the same data:
build with ``bench dashboard --db FILE``, copy with ``migrate-store``, then time both.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from governance.config import Settings, is_postgres
from governance.errors import ValidationFailed
from governance.models import DashboardFilter
from governance.services import Charter
from governance.services.base import utc_now
from governance.services.dashboard import CHARTS, _gather
from governance.storage import open_database


def median_ms(call: Callable[[], object], repeats: int) -> float:
    """Median milliseconds of ``repeats`` calls, to 0.1 ms."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def time_charts(charter: Charter, repeats: int = 5) -> dict[str, object]:
    """Each chart's computation with no cache, the first screen's, and the page's first load.

    Returns:
        ``chart_ms`` (chart name -> median ms over ``repeats``, no filter),
        ``chart_filtered_ms`` (the same for two groups and one category), ``screen_ms``,
        ``page_first_s`` (median of 3 loads of the page's service calls on an empty cache).
    """
    dashboard = charter.dashboard

    def compute(name: str, chosen: DashboardFilter) -> Callable[[], object]:
        source = "shares" if name in ("split", "contested") else name
        builder = dashboard._builder(source, dashboard.checked(chosen))

        def run() -> object:
            with charter.db.read() as tx:
                return builder(tx)

        return run

    def screen() -> object:
        with charter.db.read() as tx:
            return _gather(tx, None, utc_now(), charter.settings.groups)

    narrowed = DashboardFilter(groups=("ethicist", "public"), categories=("honesty",))
    everything = DashboardFilter()
    chart_ms = {name: median_ms(compute(name, everything), repeats) for name in CHARTS}
    screen_ms = median_ms(screen, repeats)
    chart_filtered_ms = {name: median_ms(compute(name, narrowed), repeats) for name in CHARTS}
    firsts = []
    for _ in range(3):
        dashboard.cache.clear()
        started = time.perf_counter()
        dashboard.screen(None)
        dashboard.charts(dashboard.checked(everything))
        firsts.append(time.perf_counter() - started)
    return {
        "chart_ms": chart_ms,
        "chart_filtered_ms": chart_filtered_ms,
        "screen_ms": screen_ms,
        "page_first_s": round(statistics.median(firsts), 3),
    }


def bench_charts(location: str, *, repeats: int = 5) -> dict[str, object]:
    """``time_charts`` on an existing database (a DuckDB file or a ``postgresql://`` URL).

    Raises:
        ValidationFailed: No database there, or one with no ballots to chart.
    """
    if not is_postgres(location) and not Path(location).is_file():
        raise ValidationFailed({"--db": f"no database at {location}"})
    charter = Charter(open_database(location), Settings(db=location))
    try:
        with charter.db.read() as tx:
            votes = tx.votes.count_votes()
        if not votes:
            raise ValidationFailed({"--db": "holds no ballots; build one with bench dashboard"})
        timed = time_charts(charter, repeats)
    finally:
        charter.close()
    return {
        "bench": "charts",
        "store": "postgresql" if is_postgres(location) else "duckdb",
        "votes": votes,
        **timed,
        "date": utc_now().date().isoformat(),
    }
