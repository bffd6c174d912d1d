"""Reading: rules, guidelines, tallies and the event log."""

from __future__ import annotations

import argparse
import json

from governance.cli.common import (
    _charter,
)
from governance.errors import ValidationFailed
from governance.models import GuidelineFilter, Status


def cmd_rules(args: argparse.Namespace) -> int:
    """Print the rules in force (or one version) as JSON."""
    charter = _charter(args)
    record = charter.rules.current(args.version)
    print(
        json.dumps(
            {
                **record.rules.model_dump(mode="json"),
                "created_at": record.created_at.isoformat(),
                "created_by": record.created_by,
                "reason": record.reason,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0


def cmd_guidelines(args: argparse.Namespace) -> int:
    """List guidelines, one per line: id, status, version, title."""
    charter = _charter(args)
    statuses = []
    for name in args.status or []:
        try:
            statuses.append(Status(name))
        except ValueError:
            raise ValidationFailed(
                {"--status": f"unknown status {name!r}; one of {', '.join(Status)}"}
            ) from None
    where = GuidelineFilter(statuses=tuple(statuses), text=args.search or "")
    page = 1
    while True:
        result = charter.guidelines.listing(where, page)
        for item in result.items:
            g = item.guideline
            print(f"{g.id}\t{g.status.value}\tv{g.version}\t{g.text.title}")
        if page >= result.pages:
            break
        page += 1
    return 0


def cmd_tally(args: argparse.Namespace) -> int:
    """Explain the tally of one guideline."""
    charter = _charter(args)
    result = charter.ballots.tally(args.guideline)
    for line in result.lines:
        print(line)
    print(result.summary)
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    """Print the event log as JSON lines, oldest first."""
    charter = _charter(args)
    for event in charter.events.entries(subject=args.subject, limit=args.limit, oldest_first=True):
        print(event.model_dump_json())
    return 0
