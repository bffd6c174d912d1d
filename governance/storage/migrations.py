"""Schema migrations: numbered, applied in order, recorded in ``schema_migrations``.

Add a migration by appending a function to ``MIGRATIONS``; never edit one that has shipped.
Types and statements stay in the subset PostgreSQL also runs (VARCHAR, INTEGER, BIGINT,
BOOLEAN, TIMESTAMPTZ, DOUBLE PRECISION, sequences); JSON is stored as text. (One edit was
made to shipped migrations: ``DOUBLE`` became ``DOUBLE PRECISION``, which PostgreSQL
requires and DuckDB reads as the same type, so databases made before are unchanged.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from governance.storage.cursors import Cursor
from governance.storage.summaries import Summaries


def _initial_schema(cur: Cursor) -> None:
    # Keys are integers: DuckDB fetches scattered integer values far faster than strings,
    # which keeps a tally of one guideline among millions of ballots in milliseconds.
    # Public ids ("G-0007") are formatted from them at the storage boundary.
    statements = [
        "CREATE SEQUENCE stakeholder_ids START 1",
        """CREATE TABLE stakeholders (
            id INTEGER PRIMARY KEY,
            display_name VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            is_demo BOOLEAN NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        )""",
        """CREATE TABLE stakeholder_groups (
            stakeholder_id INTEGER NOT NULL,
            group_name VARCHAR NOT NULL,
            PRIMARY KEY (stakeholder_id, group_name)
        )""",
        """CREATE TABLE stakeholder_roles (
            stakeholder_id INTEGER NOT NULL,
            role VARCHAR NOT NULL,
            PRIMARY KEY (stakeholder_id, role)
        )""",
        "CREATE SEQUENCE guideline_ids START 1",
        """CREATE TABLE guidelines (
            id INTEGER PRIMARY KEY,
            status VARCHAR NOT NULL,
            current_version INTEGER NOT NULL,
            author_id INTEGER NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            voting_version INTEGER,
            voting_opens_at TIMESTAMPTZ,
            voting_closes_at TIMESTAMPTZ,
            voting_rules_version INTEGER
        )""",
        """CREATE TABLE guideline_versions (
            guideline_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            title VARCHAR NOT NULL,
            statement VARCHAR NOT NULL,
            critique_request VARCHAR NOT NULL,
            revision_request VARCHAR NOT NULL,
            rationale VARCHAR NOT NULL,
            category VARCHAR NOT NULL,
            tags VARCHAR NOT NULL,
            language VARCHAR NOT NULL,
            author_id INTEGER NOT NULL,
            reason VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (guideline_id, version)
        )""",
        "CREATE SEQUENCE comment_ids START 1",
        """CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            guideline_id INTEGER NOT NULL,
            guideline_version INTEGER NOT NULL,
            parent_id INTEGER,
            author_id INTEGER NOT NULL,
            body VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        )""",
        # One current ballot per person per guideline version: the primary key is the
        # database's half of the one-vote rule. A changed vote replaces the row; the event
        # log keeps every earlier ballot.
        """CREATE TABLE votes (
            guideline_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            stakeholder_id INTEGER NOT NULL,
            choice VARCHAR NOT NULL CHECK (choice IN ('approve', 'reject', 'abstain')),
            reason VARCHAR NOT NULL,
            cast_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (guideline_id, version, stakeholder_id)
        )""",
        # Single-column indexes: DuckDB answers a lone equality or IN filter on one of these
        # from the index (a tally, a voter's ballots, a person's groups) instead of a scan.
        "CREATE INDEX votes_by_guideline ON votes (guideline_id)",
        "CREATE INDEX votes_by_voter ON votes (stakeholder_id)",
        "CREATE INDEX stakeholder_groups_by_member ON stakeholder_groups (stakeholder_id)",
        "CREATE INDEX stakeholder_roles_by_member ON stakeholder_roles (stakeholder_id)",
        """CREATE TABLE decisions (
            guideline_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            outcome VARCHAR NOT NULL,
            rules_version INTEGER NOT NULL,
            decided_at TIMESTAMPTZ NOT NULL,
            decided_by INTEGER,
            reason VARCHAR NOT NULL,
            tally VARCHAR NOT NULL,
            PRIMARY KEY (guideline_id, version)
        )""",
        """CREATE TABLE rules (
            version INTEGER PRIMARY KEY,
            body VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            created_by INTEGER,
            reason VARCHAR NOT NULL
        )""",
        "CREATE SEQUENCE event_ids START 1",
        # The append-only log. actor_id NULL is the system; subject is a public id such as
        # "G-0007", "stakeholder:12" or "rules".
        """CREATE TABLE events (
            id BIGINT PRIMARY KEY,
            schema_version INTEGER NOT NULL,
            occurred_at TIMESTAMPTZ NOT NULL,
            actor_id INTEGER,
            action VARCHAR NOT NULL,
            subject VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            before_state VARCHAR,
            after_state VARCHAR
        )""",
    ]
    for statement in statements:
        cur.execute(statement)


def _sign_in(cur: Cursor) -> None:
    # Sign-in, verified groups, role grants, comment moderation and voided ballots.
    # ADD COLUMN stays nullable: DuckDB cannot add a NOT NULL column to an indexed table.
    statements = [
        # A person is keyed by (issuer, subject) from their identity provider.
        """CREATE TABLE identities (
            issuer VARCHAR NOT NULL,
            subject VARCHAR NOT NULL,
            stakeholder_id INTEGER NOT NULL,
            provider VARCHAR NOT NULL,
            first_seen_at TIMESTAMPTZ NOT NULL,
            last_seen_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (issuer, subject)
        )""",
        "CREATE INDEX identities_by_stakeholder ON identities (stakeholder_id)",
        # Where a membership or role came from: 'seed' (set-up), 'signup' (public at first
        # sign-in), 'claim' (the provider's token, re-checked at each sign-in), 'steward'.
        "ALTER TABLE stakeholder_groups ADD COLUMN source VARCHAR DEFAULT 'seed'",
        "ALTER TABLE stakeholder_roles ADD COLUMN source VARCHAR DEFAULT 'seed'",
        "CREATE SEQUENCE group_request_ids START 1",
        """CREATE TABLE group_requests (
            id INTEGER PRIMARY KEY,
            stakeholder_id INTEGER NOT NULL,
            group_name VARCHAR NOT NULL,
            justification VARCHAR NOT NULL,
            status VARCHAR NOT NULL
                CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn')),
            requested_at TIMESTAMPTZ NOT NULL,
            decided_by INTEGER,
            decided_at TIMESTAMPTZ,
            decision_reason VARCHAR
        )""",
        "ALTER TABLE comments ADD COLUMN hidden_by INTEGER",
        "ALTER TABLE comments ADD COLUMN hidden_at TIMESTAMPTZ",
        "ALTER TABLE comments ADD COLUMN hidden_reason VARCHAR",
        # A voided ballot leaves the count but stays on record, with who voided it and why.
        "CREATE SEQUENCE voided_vote_ids START 1",
        """CREATE TABLE voided_votes (
            id INTEGER PRIMARY KEY,
            guideline_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            stakeholder_id INTEGER NOT NULL,
            choice VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            cast_at TIMESTAMPTZ NOT NULL,
            voided_by INTEGER NOT NULL,
            voided_at TIMESTAMPTZ NOT NULL,
            void_reason VARCHAR NOT NULL
        )""",
    ]
    for statement in statements:
        cur.execute(statement)


def _constitution(cur: Cursor) -> None:
    # Releases are immutable: one row per release, the canonical JSON in body.
    statements = [
        """CREATE TABLE constitution_releases (
            version VARCHAR PRIMARY KEY,
            position INTEGER NOT NULL,
            content_hash VARCHAR NOT NULL,
            body VARCHAR NOT NULL,
            notes VARCHAR NOT NULL,
            released_by INTEGER,
            released_at TIMESTAMPTZ NOT NULL,
            rollback_of VARCHAR
        )""",
        # A steward's edits to a principle before release (comparison prompt, priority).
        """CREATE TABLE principle_edits (
            guideline_id INTEGER PRIMARY KEY,
            comparison_prompt VARCHAR,
            priority INTEGER,
            updated_by INTEGER NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL
        )""",
        # How a steward resolved a conflict flag; flag_key covers the exact words flagged.
        """CREATE TABLE flag_resolutions (
            flag_key VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            guideline_ids VARCHAR NOT NULL,
            resolution VARCHAR NOT NULL,
            chosen_id INTEGER,
            reason VARCHAR NOT NULL,
            resolved_by INTEGER NOT NULL,
            resolved_at TIMESTAMPTZ NOT NULL
        )""",
    ]
    for statement in statements:
        cur.execute(statement)


def _jobs(cur: Cursor) -> None:
    # Long work as rows: a job is split into items, each claimed, worked outside any
    # transaction and committed on its own, so a crash loses at most the items in flight.
    statements = [
        "CREATE SEQUENCE job_ids START 1",
        # created_by / cancelled_by NULL: the system or the operator (the command line).
        """CREATE TABLE jobs (
            id BIGINT PRIMARY KEY,
            kind VARCHAR NOT NULL,
            params VARCHAR NOT NULL,
            status VARCHAR NOT NULL
                CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
            total INTEGER NOT NULL,
            done INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            message VARCHAR NOT NULL,
            error VARCHAR,
            created_by INTEGER,
            created_at TIMESTAMPTZ NOT NULL,
            started_at TIMESTAMPTZ,
            finished_at TIMESTAMPTZ,
            cancelled_by INTEGER,
            cancel_reason VARCHAR
        )""",
        # claimed_by names the runner (host, process, instance) holding a running item.
        """CREATE TABLE job_items (
            job_id BIGINT NOT NULL,
            seq INTEGER NOT NULL,
            params VARCHAR NOT NULL,
            status VARCHAR NOT NULL
                CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL,
            result VARCHAR,
            error VARCHAR,
            claimed_by VARCHAR,
            claimed_at TIMESTAMPTZ,
            finished_at TIMESTAMPTZ,
            PRIMARY KEY (job_id, seq)
        )""",
    ]
    for statement in statements:
        cur.execute(statement)


def _form_tokens(cur: Cursor) -> None:
    # One row per filled-in form that made something (a proposal, a comment): the same form
    # sent again (a second click, a resent request) finds what it made here instead of making
    # it twice. A token is its sender's own: the same token from someone else is another form.
    cur.execute(
        """CREATE TABLE form_tokens (
            actor_id INTEGER NOT NULL,
            token VARCHAR NOT NULL,
            guideline_id INTEGER,
            comment_id INTEGER,
            created_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (actor_id, token),
            CHECK ((guideline_id IS NULL) <> (comment_id IS NULL))
        )"""
    )


def _form_batches(cur: Cursor) -> None:
    # A form that made several guidelines at once (an import): each of them, in order. Its
    # form_tokens row (naming the first) still makes the form a person's own and sent once.
    cur.execute(
        """CREATE TABLE form_guidelines (
            actor_id INTEGER NOT NULL,
            token VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            guideline_id INTEGER NOT NULL,
            PRIMARY KEY (actor_id, token, position)
        )"""
    )


def _revisions(cur: Cursor) -> None:
    # Model revision: a run sends each prompt of a prompt set to a model and asks it to
    # critique and revise its answer under the principles of one release. Everything a
    # result needs to be traced is on the run: release version and hash, the model's
    # settings (never its key), the prompt set's hash, how principles were chosen.
    statements = [
        "CREATE SEQUENCE revision_run_ids START 1",
        """CREATE TABLE revision_runs (
            id BIGINT PRIMARY KEY,
            job_id BIGINT,
            release_version VARCHAR NOT NULL,
            release_hash VARCHAR NOT NULL,
            principles VARCHAR NOT NULL,
            model_name VARCHAR NOT NULL,
            model_settings VARCHAR NOT NULL,
            prompt_set VARCHAR NOT NULL,
            prompt_set_hash VARCHAR NOT NULL,
            rounds INTEGER NOT NULL,
            sampling VARCHAR NOT NULL,
            seed VARCHAR NOT NULL,
            concurrency INTEGER NOT NULL,
            total INTEGER NOT NULL,
            created_by INTEGER,
            created_at TIMESTAMPTZ NOT NULL
        )""",
        """CREATE TABLE revision_prompts (
            run_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            prompt_id VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            category VARCHAR NOT NULL,
            language VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            PRIMARY KEY (run_id, position)
        )""",
        # One row per prompt once it went through the loop (or failed: error set).
        """CREATE TABLE revision_results (
            run_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            initial VARCHAR,
            final VARCHAR,
            error VARCHAR,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            ms DOUBLE PRECISION NOT NULL,
            calls INTEGER NOT NULL,
            cached_calls INTEGER NOT NULL,
            finished_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (run_id, position)
        )""",
        """CREATE TABLE revision_steps (
            run_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            round INTEGER NOT NULL,
            principle_id VARCHAR NOT NULL,
            outcome VARCHAR NOT NULL
                CHECK (outcome IN ('revised', 'no_critique', 'unparseable')),
            critique VARCHAR NOT NULL,
            before_text VARCHAR NOT NULL,
            revision VARCHAR NOT NULL,
            parse_error VARCHAR NOT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            ms DOUBLE PRECISION NOT NULL,
            calls INTEGER NOT NULL,
            cached_calls INTEGER NOT NULL,
            PRIMARY KEY (run_id, position, round)
        )""",
        # A reviewer's decisions on a run's rows before export; the latest per row counts.
        """CREATE TABLE dataset_exclusions (
            run_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            excluded BOOLEAN NOT NULL,
            reason VARCHAR NOT NULL,
            actor_id INTEGER,
            decided_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (run_id, position, seq)
        )""",
        # Every model call's reply, by a hash of the model's deciding settings and the
        # messages: a call made once is never paid for twice.
        """CREATE TABLE model_calls (
            key VARCHAR PRIMARY KEY,
            model_name VARCHAR NOT NULL,
            fingerprint VARCHAR NOT NULL,
            reply VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        )""",
    ]
    for statement in statements:
        cur.execute(statement)


def _audits(cur: Cursor) -> None:
    # Audits: suites of prompts tagged with principle ids; a run sends a suite's prompts to
    # a model and has a judge give a verdict per tagged principle. Imported Inspect and
    # promptfoo logs are runs too (source), so they are reviewed and charted alike.
    # Human reviews are appended, never updated: the latest per verdict counts.
    statements = [
        """CREATE TABLE audit_suites (
            name VARCHAR NOT NULL,
            version INTEGER NOT NULL,
            content_hash VARCHAR NOT NULL,
            description VARCHAR NOT NULL,
            prompts VARCHAR NOT NULL,
            created_by INTEGER,
            created_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (name, version)
        )""",
        "CREATE SEQUENCE audit_run_ids START 1",
        """CREATE TABLE audit_runs (
            id BIGINT PRIMARY KEY,
            job_id BIGINT,
            source VARCHAR NOT NULL CHECK (source IN ('charter', 'inspect', 'promptfoo')),
            origin VARCHAR NOT NULL,
            release_version VARCHAR NOT NULL,
            release_hash VARCHAR NOT NULL,
            principles VARCHAR NOT NULL,
            model_name VARCHAR NOT NULL,
            model_settings VARCHAR NOT NULL,
            judge_name VARCHAR NOT NULL,
            judge_settings VARCHAR NOT NULL,
            suite_name VARCHAR NOT NULL,
            suite_version INTEGER NOT NULL,
            suite_hash VARCHAR NOT NULL,
            concurrency INTEGER NOT NULL,
            total INTEGER NOT NULL,
            created_by INTEGER,
            created_at TIMESTAMPTZ NOT NULL
        )""",
        # A prompt's (and its answer's) id is run_id * 2^24 + position: one key for lookups.
        """CREATE TABLE audit_prompts (
            id BIGINT PRIMARY KEY,
            run_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            prompt_id VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            principle_ids VARCHAR NOT NULL,
            category VARCHAR NOT NULL,
            language VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            CHECK (id = run_id * 16777216 + position AND position < 16777216)
        )""",
        # One row per prompt once the model answered and the judge judged (or it failed).
        """CREATE TABLE audit_responses (
            id BIGINT PRIMARY KEY,
            run_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            response VARCHAR,
            error VARCHAR,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            ms DOUBLE PRECISION NOT NULL,
            calls INTEGER NOT NULL,
            cached_calls INTEGER NOT NULL,
            finished_at TIMESTAMPTZ NOT NULL,
            CHECK (id = run_id * 16777216 + position AND position < 16777216)
        )""",
        "CREATE SEQUENCE audit_verdict_ids START 1",
        """CREATE TABLE audit_verdicts (
            id BIGINT PRIMARY KEY,
            run_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            principle_id VARCHAR NOT NULL,
            verdict VARCHAR NOT NULL CHECK (verdict IN
                ('complies', 'violates', 'partial', 'not_applicable', 'unparseable')),
            score DOUBLE PRECISION,
            confidence DOUBLE PRECISION,
            explanation VARCHAR NOT NULL,
            parse_error VARCHAR NOT NULL,
            judged_at TIMESTAMPTZ NOT NULL
        )""",
        """CREATE TABLE audit_reviews (
            verdict_id BIGINT NOT NULL,
            seq INTEGER NOT NULL,
            decision VARCHAR NOT NULL CHECK (decision IN ('confirm', 'override')),
            verdict VARCHAR NOT NULL CHECK (verdict IN
                ('complies', 'violates', 'partial', 'not_applicable', 'unparseable')),
            reason VARCHAR NOT NULL,
            reviewer_id INTEGER,
            decided_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (verdict_id, seq)
        )""",
    ]
    for statement in statements:
        cur.execute(statement)


def _summaries(cur: Cursor) -> None:
    # What the dashboard reads instead of scanning every ballot and event: kept current by
    # the writes to their sources (storage/summaries.py), filled here from what exists.
    statements = [
        """CREATE TABLE ballot_moves (
            guideline_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            group_name VARCHAR NOT NULL,
            stakeholder_id INTEGER NOT NULL,
            moved_at TIMESTAMPTZ NOT NULL,
            approve INTEGER NOT NULL,
            reject INTEGER NOT NULL,
            abstain INTEGER NOT NULL,
            casts INTEGER NOT NULL
        )""",
        """CREATE TABLE tally_counts (
            guideline_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            group_name VARCHAR NOT NULL,
            approve BIGINT NOT NULL,
            reject BIGINT NOT NULL,
            abstain BIGINT NOT NULL,
            PRIMARY KEY (guideline_id, version, group_name)
        )""",
        """CREATE TABLE ballot_days (
            day DATE NOT NULL,
            guideline_id INTEGER NOT NULL,
            group_name VARCHAR NOT NULL,
            ballots BIGINT NOT NULL,
            PRIMARY KEY (day, guideline_id, group_name)
        )""",
        """CREATE TABLE voter_firsts (
            stakeholder_id INTEGER PRIMARY KEY,
            first_cast_at TIMESTAMPTZ NOT NULL
        )""",
        """CREATE TABLE guideline_stages (
            guideline_id INTEGER NOT NULL,
            stage VARCHAR NOT NULL,
            entered_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (guideline_id, stage)
        )""",
        """CREATE TABLE release_principles (
            release_version VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            principle_id VARCHAR NOT NULL,
            guideline_id INTEGER NOT NULL,
            guideline_version INTEGER NOT NULL,
            PRIMARY KEY (release_version, position)
        )""",
    ]
    for statement in statements:
        cur.execute(statement)
    summaries = Summaries(cur)
    summaries.replace_all(summaries.rebuild_rows())


Migration = Callable[[Cursor], None]

#: In order; the position (from 1) is the migration's number.
MIGRATIONS: list[tuple[str, Migration]] = [
    ("initial schema", _initial_schema),
    ("sign-in, verified groups, moderation", _sign_in),
    ("constitution releases", _constitution),
    ("jobs", _jobs),
    ("form tokens", _form_tokens),
    ("forms that make several guidelines", _form_batches),
    ("model revision", _revisions),
    ("audits", _audits),
    ("dashboard summaries", _summaries),
]


def applied_versions(cur: Cursor) -> set[int]:
    """Numbers of the migrations already applied."""
    # Looked up first: a schema statement counts as a write to every table, and would
    # empty every replica's caches each time one starts.
    found = cur.execute(
        "SELECT count(*) FROM information_schema.tables"
        " WHERE table_name = 'schema_migrations' AND table_schema = current_schema()"
    ).fetchall()
    if int(found[0][0]):
        rows = cur.execute("SELECT version FROM schema_migrations").fetchall()
        return {row[0] for row in rows}
    cur.execute(
        """CREATE TABLE schema_migrations (
            version INTEGER PRIMARY KEY,
            name VARCHAR NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL
        )"""
    )
    return set()


def migrate(cur: Cursor) -> list[int]:
    """Apply every migration not yet applied, inside the caller's transaction.

    Returns:
        The numbers of the migrations applied now.

    Raises:
        RuntimeError: The database was migrated by a newer Charter than this one.
    """
    done = applied_versions(cur)
    if done and max(done) > len(MIGRATIONS):
        raise RuntimeError(
            f"database schema is at migration {max(done)}, newer than this Charter"
            f" ({len(MIGRATIONS)}); upgrade Charter"
        )
    applied = []
    for number, (name, migration) in enumerate(MIGRATIONS, start=1):
        if number in done:
            continue
        migration(cur)
        cur.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            [number, name, datetime.now(UTC)],
        )
        applied.append(number)
    return applied
