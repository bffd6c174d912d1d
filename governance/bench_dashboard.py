"""The dashboard benchmark: every chart, the page, and ballots cast while crowds look.

Builds a synthetic deployment by bulk SQL (stakeholders in groups, guidelines at every
stage with their lifecycle on the event log, ballots with a ``vote.cast`` event each,
releases, audits with reviews), fills the summary tables from it as the
``analytics-refresh`` job would, then times the service functions the Dashboard page calls.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path

from governance.bench import _percentile
from governance.bench_audit import build_verdicts, new_database
from governance.bench_charts import median_ms, time_charts
from governance.config import Settings
from governance.errors import ValidationFailed
from governance.models import DashboardFilter, Stakeholder
from governance.services import Charter
from governance.services.base import utc_now
from governance.storage import Database
from governance.storage.summaries import Summaries

#: Releases the synthetic deployment made over its year.
RELEASES = 5
#: Filters a crowd of visitors uses (the first is the default view).
VISITOR_FILTERS = (
    DashboardFilter(),
    DashboardFilter(groups=("ethicist",)),
    DashboardFilter(categories=("honesty", "privacy")),
    DashboardFilter(languages=("fr",)),
    DashboardFilter(release="1.0.0"),
)


def _u(expr: str, salt: int) -> str:
    """A reproducible number in [0, 1) per value of ``expr``."""
    return f"((hash(({expr}) * 7919 + {salt}) % 1000000) / 1000000.0)"


def build(db: Database, *, votes: int, voters: int, guidelines: int, audit_results: int) -> None:
    """Bulk-load the synthetic deployment (see the module's docstring)."""
    now = utc_now()
    year = now - timedelta(days=365)
    with db.transaction() as tx:
        cur = tx.cursor
        cur.execute(
            "INSERT INTO stakeholders (id, display_name, status, is_demo, created_at)"
            " SELECT i, 'Voter ' || i, 'active', false, ?::TIMESTAMPTZ FROM range(1, ? + 1) t(i)",
            [year, voters],
        )
        u = _u("i", 1)
        cur.execute(
            "INSERT INTO stakeholder_groups (stakeholder_id, group_name, source)"
            f" SELECT i, CASE WHEN {u} < 0.1 THEN 'ethicist' WHEN {u} < 0.3 THEN 'engineer'"
            " ELSE 'public' END, 'seed' FROM range(1, ? + 1) t(i)",
            [voters],
        )
        cur.execute(
            "INSERT INTO stakeholder_groups (stakeholder_id, group_name, source)"
            f" SELECT i, 'public', 'seed' FROM range(1, ? + 1) t(i)"
            f" WHERE {u} < 0.3 AND {_u('i', 2)} < 0.17",
            [voters],
        )
        cur.execute(
            "INSERT INTO stakeholder_roles (stakeholder_id, role, source)"
            " SELECT i, 'participant', 'seed' FROM range(1, ? + 1) t(i)",
            [voters],
        )
        _guidelines(cur, guidelines, now)
        _ballots(cur, votes, voters, now)
        _lifecycle(cur, now)
        _releases(cur, now)
    principles: list[dict[str, object]] = [
        {"id": f"P-{n:04d}", "title": f"Principle {n}"} for n in range(1, 9)
    ]
    if audit_results:
        build_verdicts(db, principles, verdicts=audit_results, reviews=audit_results // 50)
        # Audits every six hours up to now, so the default period (the last 60 days) holds
        # the latest of them, as on a deployment that audits regularly.
        with db.transaction() as tx:
            tx.cursor.execute(
                "UPDATE audit_runs SET created_at = ?::TIMESTAMPTZ"
                " - (SELECT max(id) FROM audit_runs) * INTERVAL 6 HOUR + id * INTERVAL 6 HOUR",
                [now],
            )


def _guidelines(cur: object, guidelines: int, now: object) -> None:
    """Guidelines at every stage: 20% voting now, 65% decided, the rest earlier or withdrawn."""
    u = _u("i", 3)
    sql = f"""
        INSERT INTO guidelines (id, status, current_version, author_id, created_at, updated_at,
            voting_version, voting_opens_at, voting_closes_at, voting_rules_version)
        SELECT i, status, 1, 1 + i % 1000, created, created,
               CASE WHEN opens IS NULL THEN NULL ELSE 1 END, opens,
               CASE WHEN opens IS NULL THEN NULL ELSE opens + INTERVAL 14 DAY END,
               CASE WHEN opens IS NULL THEN NULL ELSE 1 END
        FROM (
            SELECT i, status, created,
                   CASE WHEN status IN ('draft', 'deliberation', 'withdrawn') THEN NULL
                        WHEN status = 'voting' THEN ?::TIMESTAMPTZ - to_seconds(
                            CAST({_u("i", 4)} * 13 * 86400 AS BIGINT))
                        ELSE created + INTERVAL 5 DAY END AS opens
            FROM (
                SELECT i,
                       CASE WHEN {u} < 0.05 THEN 'draft' WHEN {u} < 0.12 THEN 'deliberation'
                            WHEN {u} < 0.15 THEN 'withdrawn' WHEN {u} < 0.35 THEN 'voting'
                            WHEN {u} < 0.65 THEN 'approved' WHEN {u} < 0.85 THEN 'rejected'
                            ELSE 'adopted' END AS status,
                       ?::TIMESTAMPTZ - to_seconds(CAST(
                           CASE WHEN {u} >= 0.15 AND {u} < 0.35 THEN 20 * 86400
                                ELSE 25 * 86400 + {_u("i", 5)} * 335 * 86400 END AS BIGINT))
                           AS created
                FROM range(1, ? + 1) t(i)))"""
    execute = cur.execute  # type: ignore[attr-defined]
    execute(sql, [now, now, guidelines])
    execute(
        "INSERT INTO guideline_versions (guideline_id, version, title, statement,"
        " critique_request, revision_request, rationale, category, tags, language, author_id,"
        " reason, created_at)"
        " SELECT id, 1, 'Synthetic guideline ' || id, 'The assistant follows guideline ' || id,"
        " 'Where does the response fail guideline ' || id || '?',"
        " 'Rewrite the response to follow guideline ' || id || '.', '',"
        " list_extract(?::VARCHAR[], id % 10 + 1), '[]',"
        " list_extract(['en', 'en', 'en', 'en', 'en', 'en', 'en', 'fr', 'de', 'es'],"
        " (hash(id) % 10)::INTEGER + 1), author_id, '', created_at FROM guidelines",
        [list(Settings().categories)],
    )


def _ballots(cur: object, votes: int, voters: int, now: object) -> None:
    """``votes`` distinct ballots over the guidelines put to a vote, each with its event."""
    execute = cur.execute  # type: ignore[attr-defined]
    execute(
        "CREATE TEMP TABLE voted AS SELECT id, voting_opens_at AS opens,"
        " least(voting_closes_at, ?::TIMESTAMPTZ) AS ends,"
        " row_number() OVER (ORDER BY id) - 1 AS n FROM guidelines WHERE voting_version = 1",
        [now],
    )
    count = int(execute("SELECT count(*) FROM voted").fetchall()[0][0])
    per, extra = divmod(votes, max(1, count))
    choice = _u("CAST(g.id AS BIGINT) * 1000003 + j", 6)
    support = f"(0.3 + 0.6 * {_u('g.id', 7)})"
    execute(
        "INSERT INTO votes (guideline_id, version, stakeholder_id, choice, reason, cast_at)"
        " SELECT g.id, 1, ((g.id * 7919 + j * 104729) % ?) + 1,"
        f" CASE WHEN {choice} < 0.05 THEN 'abstain' WHEN {choice} < 0.05 + 0.95 * {support}"
        " THEN 'approve' ELSE 'reject' END, '',"
        f" g.opens + to_seconds(CAST({_u('CAST(g.id AS BIGINT) * 1000003 + j', 8)}"
        " * epoch(g.ends - g.opens) AS BIGINT))"
        " FROM voted g, range(? + CASE WHEN g.n < ? THEN 1 ELSE 0 END) t(j)",
        [voters, per, extra],
    )
    execute(
        "INSERT INTO events (id, schema_version, occurred_at, actor_id, action, subject, reason,"
        " before_state, after_state)"
        " SELECT nextval('event_ids'), 1, cast_at, stakeholder_id, 'vote.cast',"
        " 'G-' || lpad(CAST(guideline_id AS VARCHAR), 4, '0'), '', NULL,"
        ' \'{"choice": "\' || choice || \'", "version": 1}\' FROM votes ORDER BY cast_at'
    )


def _lifecycle(cur: object, now: object) -> None:
    """Each guideline's moves on the event log: deliberation, voting, decision, adoption."""
    execute = cur.execute  # type: ignore[attr-defined]
    moves = [
        (
            "'guideline.transitioned'",
            "deliberation",
            "created_at + INTERVAL 2 DAY",
            "status <> 'draft'",
        ),
        ("'guideline.transitioned'", "voting", "voting_opens_at", "voting_version = 1"),
        (
            "'guideline.decided'",
            None,
            "voting_closes_at",
            "status IN ('approved', 'rejected', 'adopted')",
        ),
        (
            "'guideline.transitioned'",
            "withdrawn",
            "created_at + INTERVAL 4 DAY",
            "status = 'withdrawn'",
        ),
    ]
    for action, status, at, where in moves:
        after = (
            f'\'{{"status": "{status}", "version": 1}}\''
            if status
            else "'{\"outcome\": \"' || CASE WHEN status = 'rejected' THEN 'rejected'"
            " ELSE 'approved' END || '\", \"version\": 1}'"
        )
        execute(
            "INSERT INTO events (id, schema_version, occurred_at, actor_id, action, subject,"
            " reason, before_state, after_state)"
            f" SELECT nextval('event_ids'), 1, {at}, author_id, {action},"
            f" 'G-' || lpad(CAST(id AS VARCHAR), 4, '0'), '', NULL, {after}"
            f" FROM guidelines WHERE {where} ORDER BY {at}"
        )
        if status is None:  # the decision's status is approved or rejected
            execute(
                "INSERT INTO events (id, schema_version, occurred_at, actor_id, action, subject,"
                " reason, before_state, after_state)"
                " SELECT nextval('event_ids'), 1, voting_closes_at, NULL,"
                " 'guideline.transitioned', 'G-' || lpad(CAST(id AS VARCHAR), 4, '0'), '',"
                " NULL, '{\"status\": \"' || CASE WHEN status = 'rejected' THEN 'rejected'"
                " ELSE 'approved' END || '\", \"version\": 1}'"
                f" FROM guidelines WHERE {where} ORDER BY voting_closes_at"
            )


def _releases(cur: object, now: object) -> None:
    """``RELEASES`` releases over the year; each holds every guideline adopted by then."""
    execute = cur.execute  # type: ignore[attr-defined]
    adopted = execute(
        "SELECT id, voting_closes_at FROM guidelines WHERE status = 'adopted' ORDER BY id"
    ).fetchall()
    for n in range(1, RELEASES + 1):
        at = now - timedelta(days=365 * (RELEASES - n) // RELEASES + 1)  # type: ignore[operator]
        held = [gid for gid, closed in adopted if closed <= at]
        body = json.dumps(
            {
                "name": "Synthetic constitution",
                "version": f"{n}.0.0",
                "principles": [
                    {
                        "id": f"P-{gid:04d}",
                        "provenance": {"guideline_id": f"G-{gid:04d}", "guideline_version": 1},
                    }
                    for gid in held
                ],
            }
        )
        execute(
            "INSERT INTO constitution_releases (version, position, content_hash, body, notes,"
            " released_by, released_at, rollback_of) VALUES (?, ?, ?, ?, '', NULL, ?, NULL)",
            [f"{n}.0.0", n, f"bench-{n}", body, at],
        )
        execute(
            "INSERT INTO events (id, schema_version, occurred_at, actor_id, action, subject,"
            " reason, before_state, after_state)"
            " SELECT nextval('event_ids'), 1, ?::TIMESTAMPTZ, NULL, 'guideline.transitioned',"
            " 'G-' || lpad(CAST(id AS VARCHAR), 4, '0'), '', NULL,"
            ' \'{"status": "adopted", "version": 1}\' FROM guidelines'
            " WHERE status = 'adopted' AND voting_closes_at <= ?::TIMESTAMPTZ"
            " AND voting_closes_at > ?::TIMESTAMPTZ",
            [at, at, at - timedelta(days=365 // RELEASES)],
        )


def refresh(db: Database) -> float:
    """Fill the summary tables from the loaded rows; returns the seconds it took."""
    started = time.perf_counter()
    with db.read() as tx:
        rows = Summaries(tx.cursor).rebuild_rows()
    with db.transaction() as tx:
        Summaries(tx.cursor).replace_all(rows)
    return time.perf_counter() - started


def bench_dashboard(
    *,
    votes: int = 1_000_000,
    voters: int = 100_000,
    guidelines: int = 1_000,
    audit_results: int = 100_000,
    casts: int = 6_000,
    rounds: int = 3,
    threads: int = 8,
    loads: int = 20,
    repeats: int = 5,
    db: Path | None = None,
) -> dict[str, object]:
    """Build the deployment, then time charts, page loads and casts with and without crowds.

    Returns:
        ``chart_ms`` (chart name -> median ms of computing it, no cache), ``page_first_s``
        (the page's service calls on an empty cache), ``page_cached_ms`` (the same with
        nothing changed), ``page_render_ms`` (the cached calls plus turning the eight
        figures into JSON, as Streamlit does on every rerun), ``cast_p99_ms`` and
        ``cast_p99_loaded_ms`` (``casts`` ballots from ``threads`` threads, alone and while
        ``loads`` threads load the page over and over, five views of it each loaded once
        before; in ``rounds`` rounds that alternate the two), ``cast_p99_ratio``, and the
        same for one round from an empty cache (``cast_p99_ratio_cold``).
    """
    if votes > voters * 50:
        raise ValidationFailed({"votes": "at most 50 ballots per voter"})
    with new_database(db, "dashboard") as path:
        charter = Charter.open(Settings(db=path))
        started = time.perf_counter()
        build(
            charter.db,
            votes=votes,
            voters=voters,
            guidelines=guidelines,
            audit_results=audit_results,
        )
        load_s = time.perf_counter() - started
        refresh_s = refresh(charter.db)
        charter.db.checkpoint()
        dashboard = charter.dashboard
        where = dashboard.checked(DashboardFilter())
        timed = time_charts(charter, repeats)

        def page() -> None:
            dashboard.screen(None)
            dashboard.charts(dashboard.checked(DashboardFilter()))

        page_cached_ms = median_ms(page, 20)

        def render() -> None:
            page()
            for chart in dashboard.charts(where):
                if chart.figure is not None:
                    chart.figure.to_json()

        page_render_ms = median_ms(render, 5)

        with charter.db.read() as tx:
            rows = tx.cursor.execute(
                "SELECT id FROM guidelines WHERE status = 'voting' ORDER BY id"
            ).fetchall()
        voting = [int(r[0]) for r in rows]
        # Rounds alternate casts alone and casts with the crowd, so both see the same
        # database as it grows, folds and checkpoints. Before each crowd, its views are
        # loaded once (a site that is up): what the casts then compete with is what a
        # running dashboard does, the ballot charts computed again after the ballots.
        idle: list[float] = []
        loaded: list[float] = []
        load_times: list[float] = []
        per_round = max(1, casts // rounds)
        for n in range(rounds):
            idle += _casts(charter, voting, voters, per_round, threads, seed=1 + n)
            for chosen in VISITOR_FILTERS:
                dashboard.charts(chosen)
            latencies, times = _crowd(
                charter, voting, voters, per_round, threads, loads, seed=101 + n
            )
            loaded += latencies
            load_times += times
        # The same, from an empty cache: every view's every chart computed for the first time.
        dashboard.cache.clear()
        cold, cold_times = _crowd(charter, voting, voters, per_round, threads, loads, seed=999)
        charter.close()
    cast_p99 = _percentile(idle, 99)
    loaded_p99 = _percentile(loaded, 99)
    cold_p99 = _percentile(cold, 99)
    return {
        "bench": "dashboard",
        "votes": votes,
        "voters": voters,
        "guidelines": guidelines,
        "audit_results": audit_results,
        "load_s": round(load_s, 1),
        "refresh_s": round(refresh_s, 2),
        **timed,
        "page_cached_ms": page_cached_ms,
        "page_render_ms": page_render_ms,
        "casts": casts,
        "rounds": rounds,
        "threads": threads,
        "loads": loads,
        "page_loads_during_casts": len(load_times),
        "page_load_p50_during_casts_ms": round(_percentile(load_times, 50) * 1000, 1)
        if load_times
        else None,
        "cast_p50_ms": round(_percentile(idle, 50), 2),
        "cast_p99_ms": round(cast_p99, 2),
        "cast_p99_loaded_ms": round(loaded_p99, 2),
        "cast_p99_ratio": round(loaded_p99 / cast_p99, 2),
        "cast_p99_cold_ms": round(cold_p99, 2),
        "cast_p99_ratio_cold": round(cold_p99 / cast_p99, 2),
        "page_loads_during_casts_cold": len(cold_times),
        "date": utc_now().date().isoformat(),
    }


def _crowd(
    charter: Charter,
    voting: list[int],
    voters: int,
    casts: int,
    threads: int,
    loads: int,
    *,
    seed: int,
) -> tuple[list[float], list[float]]:
    """Cast ballots while ``loads`` threads load the page over and over.

    Returns:
        The casts' latencies (ms) and the page loads' times (s).
    """
    dashboard = charter.dashboard
    stop = threading.Event()
    load_times: list[float] = []

    def visitor(n: int) -> None:
        i = n
        while not stop.is_set():
            chosen = VISITOR_FILTERS[i % len(VISITOR_FILTERS)]
            started = time.perf_counter()
            dashboard.screen(None)
            dashboard.charts(chosen)
            load_times.append(time.perf_counter() - started)
            i += 1

    crowd = [threading.Thread(target=visitor, args=(n,)) for n in range(loads)]
    for t in crowd:
        t.start()
    time.sleep(0.5)
    latencies = _casts(charter, voting, voters, casts, threads, seed=seed)
    stop.set()
    for t in crowd:
        t.join()
    return latencies, load_times


def _casts(
    charter: Charter, voting: list[int], voters: int, casts: int, threads: int, *, seed: int
) -> list[float]:
    """Cast ``casts`` ballots from ``threads`` threads; their latencies in ms."""
    import numpy as np

    rng = np.random.default_rng(seed)
    plan_g = rng.choice(voting, size=casts)
    plan_v = rng.integers(1, voters + 1, size=casts)
    plan_c = rng.choice(["approve", "reject", "abstain"], size=casts)
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(part: int) -> None:
        mine = []
        for i in range(part, casts, threads):
            person = Stakeholder.model_construct(
                id=int(plan_v[i]), display_name="", groups=(), created_at=utc_now()
            )
            started = time.perf_counter()
            charter.ballots.cast(person, f"G-{int(plan_g[i]):04d}", str(plan_c[i]))
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return latencies
