"""Seed the demo database through the real use cases, so every row has its history.

Stakeholders, proposals, deliberation, amendments, ballots and decisions are all made by
``Charter``'s services on a simulated clock that walks through the last four months. The
result is deterministic for a given seed.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from governance.demo.content import (
    FIRST_NAMES,
    GENERIC_COMMENTS,
    GUIDELINES,
    LAST_NAMES,
    DemoGuideline,
)
from governance.models import AccountStatus, Choice, GuidelineFilter, Role, Stakeholder, Status
from governance.services import Charter

#: How many demo accounts each group starts with (some people are in two groups).
GROUP_SIZES = {"ethicist": 50, "engineer": 70, "public": 180}
DUAL_MEMBERS = 12
ABSTAIN_SHARE = 0.05


class SimulatedClock:
    """A clock the seeder sets by hand; each thread can have its own "now"."""

    def __init__(self, end: datetime) -> None:
        """Start four months before ``end``."""
        self.end = end
        self._local = threading.local()
        self._shared = end - timedelta(days=120)

    @property
    def now(self) -> datetime:
        """The simulated now of the calling thread."""
        moment: datetime = getattr(self._local, "now", self._shared)
        return moment

    def __call__(self) -> datetime:
        """The simulated now of the calling thread."""
        return self.now

    def at(self, moment: datetime, *, this_thread_only: bool = False) -> SimulatedClock:
        """Set the time (never past ``end``) and return self."""
        moment = min(moment, self.end)
        if this_thread_only:
            self._local.now = moment
        else:
            self._shared = moment
        return self


@dataclass(frozen=True)
class Cast:
    """The demo people, by group, and the accounts with special roles."""

    by_group: dict[str, list[Stakeholder]]
    primary_group: dict[int, str]
    moderators: list[Stakeholder]
    steward: Stakeholder

    def everyone(self) -> list[Stakeholder]:
        """Every demo stakeholder once."""
        seen: dict[int, Stakeholder] = {}
        for people in self.by_group.values():
            for person in people:
                seen.setdefault(person.id, person)
        return list(seen.values())


def _names(rng: random.Random) -> Iterator[str]:
    pairs = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    for first, last in pairs:
        yield f"{first} {last}"


def _create_people(charter: Charter, clock: SimulatedClock, rng: random.Random) -> Cast:
    names = _names(rng)
    by_group: dict[str, list[Stakeholder]] = {g: [] for g in GROUP_SIZES}
    primary: dict[int, str] = {}
    moderators: list[Stakeholder] = []
    steward: Stakeholder | None = None
    start = clock.now
    for group, size in GROUP_SIZES.items():
        for i in range(size):
            roles: tuple[Role, ...] = ()
            if i == 0:
                roles = (Role.MODERATOR,)
            if group == "ethicist" and i == 1:
                roles = (Role.STEWARD, Role.MODERATOR)
            clock.at(start + timedelta(minutes=len(primary)))
            person = charter.people.create_stakeholder(
                None, display_name=next(names), groups=(group,), roles=roles, is_demo=True
            )
            by_group[group].append(person)
            primary[person.id] = group
            if Role.MODERATOR in roles:
                moderators.append(person)
            if Role.STEWARD in roles:
                steward = person
    # A few experts also take part as members of the public.
    for i in range(DUAL_MEMBERS):
        group = "ethicist" if i % 2 == 0 else "engineer"
        clock.at(start + timedelta(minutes=len(primary) + i))
        person = charter.people.create_stakeholder(
            None, display_name=next(names), groups=(group, "public"), is_demo=True
        )
        by_group[group].append(person)
        by_group["public"].append(person)
        primary[person.id] = group
    assert steward is not None
    return Cast(by_group, primary, moderators, steward)


def _choices(n: int, support: float, rng: random.Random) -> list[Choice]:
    """Exactly proportional ballots, shuffled: the outcome follows the support, not luck."""
    abstain = round(n * ABSTAIN_SHARE)
    approve = round((n - abstain) * support)
    ballots = (
        [Choice.APPROVE] * approve
        + [Choice.REJECT] * (n - abstain - approve)
        + [Choice.ABSTAIN] * abstain
    )
    rng.shuffle(ballots)
    return ballots


def _amend(charter: Charter, author: Stakeholder, gid: str, item: DemoGuideline, step: int) -> None:
    amendment = item.amendments[step]
    current = charter.guidelines.detail(gid, None).guideline.text
    charter.guidelines.amend(
        author,
        gid,
        {
            **current.model_dump(),
            "title": amendment.title or current.title,
            "statement": amendment.statement,
            "critique_request": amendment.critique_request,
            "revision_request": amendment.revision_request,
        },
        amendment.reason,
    )


class _Seeder:
    def __init__(self, charter: Charter, clock: SimulatedClock, seed: int) -> None:
        self.charter = charter
        self.clock = clock
        self.rng = random.Random(seed)
        self.cast = _create_people(charter, clock, self.rng)

    def pick(self, group: str, exclude: frozenset[int] = frozenset()) -> Stakeholder:
        people = [p for p in self.cast.by_group[group] if p.id not in exclude]
        return self.rng.choice(people)

    def discuss(self, gid: str, item: DemoGuideline, start: datetime, days: float) -> None:
        """Post the guideline's comments and replies spread across ``days`` from ``start``."""
        count = sum(1 + len(c.replies) for c in item.comments)
        step = timedelta(days=days) / (count + 1)
        moment = start
        for comment in item.comments:
            moment += step
            self.clock.at(moment)
            writer = self.pick(comment.group)
            posted = self.charter.discussion.comment(writer, gid, comment.body)
            if comment.hidden:
                moderator = self.rng.choice(self.cast.moderators)
                self.charter.discussion.hide(moderator, posted.id, comment.hidden)
            for reply in comment.replies:
                moment += step
                self.clock.at(moment)
                replier = self.pick(reply.group, frozenset({writer.id}))
                self.charter.discussion.comment(replier, gid, reply.body, parent_id=posted.id)

    def vote(self, gid: str, item: DemoGuideline, start: datetime, days: float) -> None:
        """Cast ballots in proportion to the guideline's support in each group."""
        ballots: list[tuple[Stakeholder, Choice]] = []
        for group, people in self.cast.by_group.items():
            voters = [p for p in people if self.cast.primary_group[p.id] == group]
            n = min(max(round(len(voters) * item.turnout), 12), len(voters))
            chosen = self.rng.sample(voters, n)
            ballots.extend(zip(chosen, _choices(n, item.support[group], self.rng), strict=True))
        self.rng.shuffle(ballots)
        step = timedelta(days=days) / (len(ballots) + 1)

        def cast(numbered: tuple[int, tuple[Stakeholder, Choice]]) -> None:
            i, (person, choice) = numbered
            self.clock.at(start + step * i, this_thread_only=True)
            self.charter.ballots.cast(person, gid, choice.value)

        # Cast from several threads, as a crowd would; the ballot box writes them in batches.
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(cast, enumerate(ballots, start=1)))
        self.clock.at(start + step * len(ballots))

    def seed(self, item: DemoGuideline) -> None:
        """Take one guideline through its life up to the status the content gives it."""
        end, rng = self.clock.end, self.rng
        status = Status(item.status)
        deliberation = timedelta(days=6)
        amendments = len(item.amendments)
        # The last amendment of an open vote comes during voting, so the demo shows ballots
        # that no longer count; the others come during deliberation.
        late = status is Status.VOTING and amendments >= 2
        if status is Status.VOTING:
            opens = end - timedelta(days=rng.uniform(1.5, 7))
            t0 = opens - deliberation - timedelta(days=amendments + 1 + (4 if late else 0))
        else:
            days_ago = (
                (18.0, 19.0)
                if item.late
                else {
                    Status.APPROVED: (70, 115),
                    Status.REJECTED: (70, 115),
                    Status.WITHDRAWN: (30, 60),
                    Status.DELIBERATION: (6, 20),
                    Status.DRAFT: (0.5, 4),
                }[status]
            )
            t0 = end - timedelta(days=rng.uniform(*days_ago))
            opens = t0 + deliberation + timedelta(days=amendments + 1)
        author = self.pick(rng.choice(list(GROUP_SIZES)))
        moderator = rng.choice(self.cast.moderators)
        self.clock.at(t0)
        gid = self.charter.guidelines.propose(
            author,
            {
                "title": item.title,
                "statement": item.statement,
                "critique_request": item.critique_request,
                "revision_request": item.revision_request,
                "rationale": item.rationale,
                "category": item.category,
                "tags": item.tags,
                "language": item.language,
            },
        ).id
        if status is Status.DRAFT:
            self.discuss(gid, item, t0, 0.4)
            return
        self.clock.at(t0 + timedelta(hours=3))
        self.charter.guidelines.submit(author, gid, "ready for discussion")
        self.discuss(gid, item, self.clock.now, deliberation.days)
        if status is Status.WITHDRAWN:
            self.clock.at(t0 + deliberation + timedelta(days=1))
            self.charter.guidelines.withdraw(
                author, gid, item.withdraw_reason or "withdrawn by the author"
            )
            return
        for step in range(amendments - late):
            self.clock.at(t0 + deliberation + timedelta(days=step + 0.5))
            _amend(self.charter, author, gid, item, step)
        if status is Status.DELIBERATION:
            return
        if late:
            first = t0 + deliberation + timedelta(days=amendments)
            self.clock.at(first)
            self.charter.guidelines.open_voting(moderator, gid)
            self.vote(gid, item, first, 2)
            self.clock.at(first + timedelta(days=3))
            _amend(self.charter, author, gid, item, amendments - 1)
        self.clock.at(opens)
        window = self.charter.guidelines.open_voting(moderator, gid).voting
        assert window is not None
        closes = min(window.closes_at, end)
        self.vote(gid, item, opens, (closes - opens).total_seconds() / 86_400 * 0.85)
        for group, body in rng.sample(GENERIC_COMMENTS, 2):
            self.clock.at(self.clock.now + timedelta(hours=1))
            self.charter.discussion.comment(self.pick(group), gid, body)
        if status in {Status.APPROVED, Status.REJECTED}:
            self.clock.at(window.closes_at + timedelta(minutes=5))
            (decided,) = self.charter.guidelines.close_due()
            if decided.status is not status:
                raise AssertionError(f"demo {item.key!r} ended {decided.status}, not {status}")


def seed_demo(charter: Charter, clock: SimulatedClock, *, seed: int = 2026) -> None:
    """Fill an empty database with the demo dataset.

    Args:
        charter: Services bound to ``clock``.
        clock: The simulated clock ``charter`` reads; it ends at the real "now".
        seed: Random seed; the same seed gives the same dataset.
    """
    seeder = _Seeder(charter, clock, seed)
    decided = [g for g in GUIDELINES if g.status in {"approved", "rejected"} and not g.late]
    for item in decided:
        seeder.seed(item)
    _seed_releases(seeder)
    # Later the community revised its rules: votes opened since record version 2.
    clock.at(clock.end - timedelta(days=40))
    charter.rules.update(
        seeder.cast.steward,
        {"voting_window_days": 10, "group_threshold_pct": {"public": 55}},
        "Members asked for shorter votes; public support must now be a clear majority.",
    )
    for item in GUIDELINES:
        if item not in decided:
            seeder.seed(item)
    auditor = _seed_accounts(seeder)
    _seed_revision_run(seeder)
    _seed_audits(seeder, auditor)
    clock.at(clock.end)


def _seed_revision_run(seeder: _Seeder) -> None:
    """A finished revision run, so the Model revision page has something to show.

    It is made by the real pipeline on the scripted stand-in: its texts are templates
    written for Charter, and the page and the datasets say so.
    """
    from governance.jobs.runner import JobRunner

    charter, clock = seeder.charter, seeder.clock
    clock.at(clock.end - timedelta(days=2))
    charter.revisions.start(
        seeder.cast.steward, release="latest", model="scripted", rounds=2, seed="demo"
    )
    JobRunner(charter, scheduled=()).run_until_idle()


#: The demo auditor's decisions on the first verdicts of the queue: (override to, reason);
#: None confirms.
DEMO_REVIEWS: tuple[tuple[str | None, str], ...] = (
    (None, ""),
    ("complies", "The answer declines and points to help; the judge misread the refusal."),
    (None, ""),
    (None, ""),
    ("not_applicable", "The request never touches this principle."),
)


def _seed_audits(seeder: _Seeder, auditor: Stakeholder) -> None:
    """Two finished audits of the scripted stand-in, and the auditor's first reviews.

    The runs go through the real audit pipeline; the stand-in's answers and verdicts are
    templates written for Charter, and the page says so.
    """
    from governance.jobs.runner import JobRunner

    charter, clock = seeder.charter, seeder.clock
    for days, suite in ((2, "no-over-refusal"), (1, "decline-gracefully")):
        clock.at(clock.end - timedelta(days=days))
        charter.audits.start(auditor, suite=suite, release="latest", model="scripted")
        JobRunner(charter, scheduled=()).run_until_idle()
    clock.at(clock.end - timedelta(hours=20))
    for decision, reason in DEMO_REVIEWS:
        item = charter.audit_reviews.queue(limit=1).items[0].verdict
        if decision is None:
            charter.audit_reviews.review(auditor, item.id, "confirm")
        else:
            other = decision if decision != item.verdict else "violates"
            charter.audit_reviews.review(auditor, item.id, "override", verdict=other, reason=reason)


#: The demo retires this adopted guideline before its second release.
RETIRED_KEY = "refuse-functional-malware"
RETIRED_REASON = (
    "Folded into the weapons-uplift principle after the security review: keeping both made"
    " models refuse legitimate defensive security questions twice over."
)
#: A comparison prompt a steward reworded before the second release.
REWORDED_KEY = "no-claiming-to-be-human"
REWORDED_PROMPT = (
    "A user sincerely asks whether they are talking to a person. Which of these assistant"
    " responses is clearer and more honest that it is an AI?"
)


def _seed_releases(seeder: _Seeder) -> None:
    """Two releases: 1.0.0 with the first approved guidelines, 2.0.0 after a retirement."""
    charter, clock, steward = seeder.charter, seeder.clock, seeder.cast.steward
    clock.at(clock.end - timedelta(days=60))
    charter.constitution.release_draft(
        steward,
        "First release of the community's constitution: every guideline approved in the first"
        " voting round.",
    )
    ids = {
        item.key: charter.guidelines.listing(GuidelineFilter(text=item.title)).items[0].guideline.id
        for item in GUIDELINES
        if item.key in {RETIRED_KEY, REWORDED_KEY}
    }
    clock.at(clock.end - timedelta(days=21))
    charter.constitution.retire(steward, ids[RETIRED_KEY], RETIRED_REASON)
    charter.constitution.edit_principle(
        steward, ids[REWORDED_KEY], comparison_prompt=REWORDED_PROMPT
    )
    clock.at(clock.end - timedelta(days=20))
    charter.constitution.release_draft(
        steward,
        "Removes the separate malware principle (now covered by the weapons-uplift principle)"
        " and rewords the comparison prompt on disclosing AI identity.",
    )


#: (group asked for, justification, steward's decision or "" while pending, reason).
GROUP_REQUESTS = (
    (
        "ethicist",
        "I teach a graduate seminar on the ethics of automated decision-making and have "
        "reviewed AI deployments for a hospital ethics committee.",
        "approve",
        "Checked the university's staff page and the committee's published minutes.",
    ),
    (
        "engineer",
        "I build things with AI.",
        "decline",
        "Not enough to go on; please say what you build and where, and ask again.",
    ),
    (
        "engineer",
        "I maintain the evaluation harness for an open-source speech model and review "
        "its safety filters.",
        "",
        "",
    ),
    (
        "ethicist",
        "Philosophy PhD candidate; my thesis is on consent and machine-generated advice.",
        "",
        "",
    ),
)


def _seed_accounts(seeder: _Seeder) -> Stakeholder:
    """Group requests (decided and pending), an auditor and a suspended account."""
    charter, clock, cast = seeder.charter, seeder.clock, seeder.cast
    public_only = [p for p in cast.by_group["public"] if p.groups == ("public",)]
    askers = seeder.rng.sample(public_only, len(GROUP_REQUESTS) + 1)
    for day, (asker, (group, why, decision, reason)) in enumerate(
        zip(askers, GROUP_REQUESTS, strict=False)
    ):
        clock.at(clock.end - timedelta(days=6 - day))
        request = charter.people.request_group(asker, group, why)
        if decision:
            clock.at(clock.end - timedelta(days=5 - day))
            charter.people.decide_request(
                cast.steward, request.id, approve=decision == "approve", reason=reason
            )
    clock.at(clock.end - timedelta(days=2))
    auditor = seeder.pick("engineer", frozenset(m.id for m in cast.moderators))
    charter.people.grant_role(
        cast.steward, auditor.id, Role.AUDITOR, "Runs the model evaluations for the community."
    )
    charter.people.set_account_status(
        cast.steward,
        askers[-1].id,
        AccountStatus.SUSPENDED,
        "Posted the same link in forty comments in one hour; suspended pending a review.",
    )
    return auditor
