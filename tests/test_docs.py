"""The documentation keeps up: commands, settings and linked files are all described."""

import argparse
import re
from pathlib import Path

from governance.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _subcommands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _subcommands(sub, f"{prefix}{name} ")
                found.extend(nested or [f"{prefix}{name}"])
    return found


def test_every_cli_command_is_in_the_readme() -> None:
    commands = _subcommands(build_parser())
    assert "bench votes" in commands
    for command in commands:
        assert f"python -m governance {command}" in README, command


def test_every_setting_is_in_the_readme() -> None:
    source = (ROOT / "governance" / "config.py").read_text()
    settings = set(re.findall(r"CHARTER_[A-Z_]+", source))
    assert settings >= {"CHARTER_DB", "CHARTER_DEMO", "CHARTER_GROUPS", "CHARTER_CATEGORIES"}
    for name in settings:
        assert f"`{name}`" in README, name


def test_the_two_commands_come_first() -> None:
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_linked_files_exist() -> None:
    for doc in ("README.md", "ARCHITECTURE.md", "docs/voting.md"):
        text = (ROOT / doc).read_text()
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if target.startswith("http"):
                continue
            assert (ROOT / Path(doc).parent / target).exists(), f"{doc} links to missing {target}"


def test_changelog_starts_with_unreleased() -> None:
    lines = (ROOT / "CHANGELOG.md").read_text().splitlines()
    assert lines[0] == "# Changelog" and "## Unreleased" in lines[:3]
