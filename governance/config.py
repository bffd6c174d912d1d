"""Settings read from the environment, validated once at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from governance.errors import ConfigurationError
from governance.llm.specs import BUILTIN_MODELS, ModelSpec, model_registry

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "charter.duckdb"

DEFAULT_GROUPS: tuple[str, ...] = ("ethicist", "engineer", "public")
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "harm_avoidance",
    "honesty",
    "privacy",
    "fairness",
    "autonomy",
    "child_safety",
    "transparency",
    "wellbeing",
    "security",
    "civic_integrity",
)
#: Everyone belongs to this group from their first sign-in; other groups need verification.
PUBLIC_GROUP = "public"

#: How a PostgreSQL location starts.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: str | Path) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a DuckDB file."""
    return str(location).startswith(POSTGRES_SCHEMES)


_ENV_NAMES = {
    "db": "CHARTER_DB",
    "groups": "CHARTER_GROUPS",
    "categories": "CHARTER_CATEGORIES",
    "audit_threshold": "CHARTER_AUDIT_THRESHOLD",
    "public_view": "CHARTER_PUBLIC_VIEW",
    "min_group_size": "CHARTER_MIN_GROUP_SIZE",
    "job_lease_s": "CHARTER_JOB_LEASE_S",
}
_SWITCH = {"1": True, "true": True, "yes": True, "on": True}
_SWITCH.update({"0": False, "false": False, "no": False, "off": False})
_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class Settings(BaseModel):
    """Where the data lives and which groups and categories this deployment uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    db: str = str(DEFAULT_DB_PATH)
    """Where the data lives (``CHARTER_DB``): a DuckDB file's path, or a PostgreSQL URL
    (``postgresql://user@host:port/name``)."""
    groups: tuple[str, ...] = DEFAULT_GROUPS
    """Stakeholder groups whose support a guideline needs (``CHARTER_GROUPS``, comma-separated)."""
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    """Guideline categories (``CHARTER_CATEGORIES``, comma-separated slugs)."""
    demo: bool = False
    """Local demo sign-in: pick any seeded demo stakeholder (``CHARTER_DEMO=1``)."""
    models: tuple[ModelSpec, ...] = tuple(BUILTIN_MODELS.values())
    """Chat models runs may call (secrets.toml ``[charter.models.*]`` and the built-in two)."""
    audit_threshold: float = Field(default=0.2, gt=0, lt=1)
    """A principle is flagged when its violation rate is above this in two consecutive
    audits of one model (``CHARTER_AUDIT_THRESHOLD``, between 0 and 1)."""
    public_view: bool = True
    """Publish the transparency view (tallies, releases, audit summaries) to anyone, signed
    in or not (``CHARTER_PUBLIC_VIEW``, on unless set to 0/false/no/off)."""
    min_group_size: int = Field(default=5, ge=2, le=1000)
    """k: wherever numbers are published, a group (or a group's ballots on a guideline) with
    fewer than this many is shown as "fewer than k", never as a number
    (``CHARTER_MIN_GROUP_SIZE``)."""
    job_lease_s: float = Field(default=60.0, ge=1, le=3600)
    """Seconds a job runner's hold on an item lasts unless renewed, where several processes
    share a PostgreSQL database; runners renew four times as often, and an item whose hold
    ran out goes back to the queue (``CHARTER_JOB_LEASE_S``)."""

    @field_validator("db", mode="before")
    @classmethod
    def _location(cls, value: object) -> object:
        return str(value) if isinstance(value, Path) else value

    @property
    def db_path(self) -> Path | None:
        """The DuckDB file, or None when the data lives in PostgreSQL."""
        return None if is_postgres(self.db) else Path(self.db)

    @property
    def exports_dir(self) -> Path:
        """Where releases write their files.

        ``exports/`` beside a DuckDB file; ``data/exports`` on this machine with PostgreSQL.
        """
        path = self.db_path
        return (path.parent if path is not None else PROJECT_ROOT / "data") / "exports"

    @field_validator("groups", "categories")
    @classmethod
    def _slugs(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if not values:
            raise ValueError("needs at least one entry")
        for value in values:
            if not _SLUG.match(value):
                raise ValueError(
                    f"{value!r} is not a slug (lowercase letters, digits, underscores)"
                )
        if len(set(values)) != len(values):
            raise ValueError("entries must be unique")
        return values

    @field_validator("groups")
    @classmethod
    def _has_public(cls, groups: tuple[str, ...]) -> tuple[str, ...]:
        if PUBLIC_GROUP not in groups:
            raise ValueError(f"must include {PUBLIC_GROUP!r}, the group everyone starts in")
        return groups

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, secrets: Mapping[str, Any] | None = None
    ) -> Settings:
        """Read settings from the environment, and the models from the parsed secrets.toml.

        Raises:
            ConfigurationError: A setting or a model table is not valid.
        """
        env = os.environ if env is None else env
        values: dict[str, object] = {"models": tuple(model_registry(secrets).values())}
        if env.get("CHARTER_DB"):
            values["db"] = env["CHARTER_DB"].strip()
        for key, name in (("groups", "CHARTER_GROUPS"), ("categories", "CHARTER_CATEGORIES")):
            if env.get(name):
                values[key] = tuple(part.strip() for part in env[name].split(",") if part.strip())
        if env.get("CHARTER_AUDIT_THRESHOLD", "").strip():
            values["audit_threshold"] = env["CHARTER_AUDIT_THRESHOLD"].strip()
        values["demo"] = env.get("CHARTER_DEMO", "").strip().lower() in {"1", "true", "yes", "on"}
        public = env.get("CHARTER_PUBLIC_VIEW", "").strip().lower()
        if public:
            if public not in _SWITCH:
                raise ConfigurationError(
                    f"invalid settings: CHARTER_PUBLIC_VIEW: {public!r} is not one of"
                    " 1, true, yes, on, 0, false, no, off"
                )
            values["public_view"] = _SWITCH[public]
        if env.get("CHARTER_MIN_GROUP_SIZE", "").strip():
            values["min_group_size"] = env["CHARTER_MIN_GROUP_SIZE"].strip()
        if env.get("CHARTER_JOB_LEASE_S", "").strip():
            values["job_lease_s"] = env["CHARTER_JOB_LEASE_S"].strip()
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{_ENV_NAMES.get(str(e['loc'][0]), e['loc'][0])}: "
                + str(e["msg"]).removeprefix("Value error, ")
                for e in exc.errors()
            )
            raise ConfigurationError(f"invalid settings: {problems}") from None


def category_label(slug: str) -> str:
    """Human label for a category slug: ``child_safety`` -> ``Child safety``."""
    return slug.replace("_", " ").capitalize()
