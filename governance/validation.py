"""Turning raw input (form fields, CLI arguments, import files) into typed, checked values.

Every message is keyed by the field it belongs to, so an interface can show it in place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from governance.config import Settings
from governance.errors import ValidationFailed
from governance.models import REASON_MAX, Choice, GuidelineText
from governance.text import clean_text

ModelT = TypeVar("ModelT", bound=BaseModel)

GUIDELINE_FIELDS = (
    "title",
    "statement",
    "critique_request",
    "revision_request",
    "rationale",
    "category",
    "tags",
    "language",
)

#: A form token: what a page names one filled-in form by (a uuid4 hex is 32 characters).
_FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")


#: How a message names the type of a JSON value a file holds where another was expected.
_JSON_TYPES = {dict: "an object", list: "an array", str: "text", bool: "true or false"}


def json_kind(value: object) -> str:
    """What a parsed JSON value is, in words: ``an object``, ``a number``, ``null``..."""
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def field_errors(exc: ValidationError) -> dict[str, str]:
    """One message per field from a pydantic error, in words a person can act on."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "input"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "is required"
        errors.setdefault(field, message)
    return errors


def parse_model(model: type[ModelT], data: Mapping[str, object]) -> ModelT:
    """Validate ``data`` as ``model`` or raise ``ValidationFailed`` keyed by field."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc)) from None


def default_critique_request(statement: str) -> str:
    """A critique request derived from the statement, for authors who leave it blank."""
    return (
        "Identify specific ways in which the assistant's last response does not follow this"
        f" guideline: {statement}"
    )


def default_revision_request(statement: str) -> str:
    """A revision request derived from the statement, for authors who leave it blank."""
    return (
        "Rewrite the assistant's response so that it follows this guideline, changing"
        f" nothing else: {statement}"
    )


def parse_guideline_text(raw: Mapping[str, object], settings: Settings) -> GuidelineText:
    """Validate a proposal or amendment.

    Blank critique and revision requests are derived from the statement, so a member of
    the public can propose without knowing Constitutional AI. Unknown keys are refused.

    Raises:
        ValidationFailed: Every problem found, keyed by field.
    """
    unknown = sorted(set(raw) - set(GUIDELINE_FIELDS))
    if unknown:
        raise ValidationFailed({name: "is not a guideline field" for name in unknown})
    data = {k: v for k, v in raw.items() if v is not None}
    errors: dict[str, str] = {}
    try:
        text = GuidelineText.model_validate(_with_default_requests(data))
    except ValidationError as exc:
        errors = field_errors(exc)
        text = None
    for field in ("critique_request", "revision_request"):
        if _blank(data.get(field)):
            errors.pop(field, None)  # derived from the statement once that is fixed
    category = data.get("category")
    if _blank(category):
        errors["category"] = "choose a category"
    elif "category" not in errors and category not in settings.categories:
        errors["category"] = f"unknown category {category!r}; choose one of the list"
    if errors or text is None:
        raise ValidationFailed(errors)
    return text


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _with_default_requests(data: dict[str, object]) -> dict[str, object]:
    statement = data.get("statement")
    if not isinstance(statement, str) or not statement.strip():
        return data
    filled = dict(data)
    for field, derive in (
        ("critique_request", default_critique_request),
        ("revision_request", default_revision_request),
    ):
        if _blank(filled.get(field)):
            filled[field] = derive(" ".join(statement.split()))
    return filled


def parse_form_token(value: str) -> str:
    """A form token as sent by a page: 8 to 64 letters, digits, hyphens or underscores.

    Raises:
        ValidationFailed: Keyed by ``token``.
    """
    if not isinstance(value, str) or _FORM_TOKEN.fullmatch(value) is None:
        raise ValidationFailed({"token": "must be 8 to 64 letters, digits, hyphens or underscores"})
    return value


def parse_choice(value: object) -> Choice:
    """``"approve"`` -> ``Choice.APPROVE``; anything else is refused."""
    try:
        return Choice(str(value).strip().lower())
    except ValueError:
        raise ValidationFailed(
            {"choice": f"{value!r} is not a choice; use approve, reject or abstain"}
        ) from None


def parse_reason(value: str | None, *, field: str = "reason", required: bool = False) -> str:
    """A reason given with an action (at most 1,000 characters)."""
    try:
        return clean_text(value or "", max_length=REASON_MAX, multiline=True, required=required)
    except ValueError as exc:
        raise ValidationFailed({field: str(exc)}) from None
