"""What every command shares: argument types, opening Charter, files named on the command line."""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import NoReturn, TypeVar

from governance.config import PROJECT_ROOT, Settings
from governance.errors import ConfigurationError, ValidationFailed
from governance.services import Charter
from governance.services.base import Clock, utc_now
from governance.text import is_utf8

#: Where Streamlit reads the app's secrets when started from the project folder.
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _text(value: str) -> str:
    # Bytes that are not UTF-8 (a terminal in another encoding) reach Python as lone
    # surrogates, which no database query can carry.
    if not is_utf8(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not UTF-8 text; check the terminal's encoding"
        )
    return value


def _not_a_file(name: str) -> str | None:
    """Why the file named on the command line cannot be read; None if it can be."""
    path = Path(name)
    if path.is_dir():
        return f"{name}: is a directory, not a file"
    if not path.exists():
        return f"{name}: no such file"
    if not path.is_file():
        return f"{name}: is not a regular file"
    return None


def _write_file(name: str, text: str, field: str) -> None:
    """Write ``text`` to the file named on the command line, or refuse in one line."""
    if Path(name).is_dir():
        raise ValidationFailed({field: f"{name}: is a directory, not a file"})
    try:
        Path(name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValidationFailed({field: f"{name}: cannot be written ({exc.strerror})"}) from None


#: Where Streamlit reads secrets.toml, in its order; ``CHARTER_SECRETS`` names one more.
DEFAULT_SECRETS = [Path.home() / ".streamlit" / "secrets.toml", SECRETS_FILE]


def _settings(args: argparse.Namespace) -> Settings:
    extra = os.environ.get("CHARTER_SECRETS")
    files = [*DEFAULT_SECRETS, *([Path(extra)] if extra else [])]
    settings = Settings.from_env(secrets=_read_secrets(files))
    if args.db is not None:
        settings = settings.model_copy(update={"db": args.db})
    return settings


def _charter(args: argparse.Namespace, *, clock: Clock = utc_now) -> Charter:
    return Charter.open(_settings(args), clock=clock)


E = TypeVar("E", bound=StrEnum)


def _choice(enum: type[E], value: str, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        raise ValidationFailed(
            {field: f"unknown value {value!r}; one of {', '.join(e.value for e in enum)}"}
        ) from None


def _read_secrets(paths: Sequence[Path], *, named: bool = False) -> dict[str, object]:
    merged: dict[str, object] = {}
    for path in paths:
        problem = _not_a_file(str(path))
        if problem:
            if named:  # the default files may be missing; a file the operator names may not
                raise ValidationFailed({"--secrets": problem})
            continue
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{path}: not valid TOML ({exc})") from None
    return merged
