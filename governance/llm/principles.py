"""LangChain's built-in collection of Constitutional-AI principles, read at run time."""

from __future__ import annotations

from governance.errors import ConfigurationError

MISSING = (
    "langchain-classic is not installed; pip install langchain-classic to import"
    " LangChain's built-in principles"
)


def builtin_principles() -> list[tuple[str, str, str]]:
    """LangChain's built-in principles, sorted by name.

    Read from ``langchain_classic`` each time, so Charter ships none of their text.

    Returns:
        ``(name, critique_request, revision_request)`` for every principle.

    Raises:
        ConfigurationError: When ``langchain-classic`` is not installed.
    """
    try:
        from langchain_classic.chains.constitutional_ai.principles import PRINCIPLES
    except ImportError as exc:
        raise ConfigurationError(MISSING) from exc
    items = [(p.name, p.critique_request, p.revision_request) for p in PRINCIPLES.values()]
    return sorted(items, key=lambda item: item[0])
