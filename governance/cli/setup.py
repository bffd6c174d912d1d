"""Setting up: the database, the configuration, people and the first steward."""

from __future__ import annotations

import argparse
from pathlib import Path

from governance.auth import sign_in_mode
from governance.cli.common import (
    SECRETS_FILE,
    _charter,
    _choice,
    _read_secrets,
)
from governance.config import Settings
from governance.identity import sign_in_config
from governance.models import Role
from governance.services.base import utc_now
from governance.services.people_screens import PeopleQuery


def cmd_init(args: argparse.Namespace) -> int:
    """Create the database (and seed the demo data) if needed."""
    from governance.demo import SimulatedClock, seed_demo

    clock = SimulatedClock(utc_now()) if args.demo else utc_now
    charter = _charter(args, clock=clock)
    where = charter.db.location
    if not args.demo:
        print(f"{where}: ready")
        return 0
    if not charter.dashboard.screen(None).empty:
        print(f"{where}: already has data; demo not seeded")
        return 0
    assert isinstance(clock, SimulatedClock)
    seed_demo(charter, clock, seed=args.seed)
    seeded = charter.dashboard.screen(None)
    summary = ", ".join(f"{n} {s.value}" for s, n in sorted(seeded.status_counts.items()))
    print(
        f"{where}: demo seeded: {seeded.participation['stakeholders']} stakeholders,"
        f" {seeded.participation['ballots']} ballots, guidelines: {summary}"
    )
    charter.close()
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    """Check the settings and the sign-in set-up the app would start with."""
    settings = Settings.from_env()
    default_files = [Path.home() / ".streamlit" / "secrets.toml", SECRETS_FILE]
    files = [Path(f) for f in args.secrets] if args.secrets else default_files
    setup = sign_in_config(_read_secrets(files, named=bool(args.secrets)), settings.groups)
    mode = sign_in_mode(demo_requested=settings.demo, oidc_configured=setup is not None)
    line = f"ok: sign-in {mode.value}"
    if setup is not None:
        line += f"; providers: {', '.join(setup.providers)}"
        if setup.mapping is not None:
            trusted = ", ".join(sorted(setup.mapping.providers))
            line += f"; groups and roles from claim {setup.mapping.claim!r} of {trusted}"
    print(line)
    return 0


def cmd_people(args: argparse.Namespace) -> int:
    """List stakeholders, one per line: number, name, groups, roles, status."""
    charter = _charter(args)
    role = _choice(Role, args.role, "--role") if args.role else None
    query = PeopleQuery(text=args.search or "", group=args.group, role=role, per_page=1_000_000)
    for p in charter.people.search_as_operator(query).people:
        roles = ",".join(r.value for r in p.roles)
        print(f"{p.id}\t{p.display_name}\t{','.join(p.groups)}\t{roles}\t{p.status.value}")
    return 0


def cmd_grant_role(args: argparse.Namespace) -> int:
    """Give a stakeholder a role as the operator (how the first steward is made)."""
    charter = _charter(args)
    role = _choice(Role, args.role, "role")
    person = charter.people.grant_role_as_operator(args.stakeholder, role, args.reason)
    print(f"{person.display_name} (#{person.id}) is now {role.value}")
    return 0


def cmd_migrate_store(args: argparse.Namespace) -> int:
    """Copy a whole deployment into an empty database on either engine, then check it."""
    from governance.config import is_postgres
    from governance.errors import ValidationFailed
    from governance.storage import open_database
    from governance.storage.transfer import copy_store

    if args.source == args.target:
        raise ValidationFailed({"--to": "is the same database as --from"})
    if not is_postgres(args.source) and not Path(args.source).is_file():
        raise ValidationFailed({"--from": f"no database file at {args.source}"})
    source = open_database(args.source)
    try:
        target = open_database(args.target)
        try:
            report = copy_store(source, target)
        finally:
            target.close()
    finally:
        source.close()
    filled = sum(1 for n in report.rows.values() if n)
    print(
        f"copied {report.total:,} rows ({filled} of {len(report.rows)} tables hold rows)"
        f" from {source.location} to {target.location}"
    )
    print(f"sequences: {len(report.sequences)} set to continue where the source's were")
    for version, digest in report.releases.items():
        if version in report.unreadable:
            print(f"release {version}: copied byte for byte (its text is not a constitution)")
        else:
            print(f"release {version}: content hash {digest[:12]} checked")
    print("row counts match in every table")
    return 0
