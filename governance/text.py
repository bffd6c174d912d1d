"""Cleaning what people type, and rendering it safely.

Validation lives here so the form, the CLI and the importers all apply the same rules.
``safe_markdown`` is the one way user text reaches a page.
"""

from __future__ import annotations

import re
import unicodedata

#: Bidirectional embedding/override/isolate controls: legitimate right-to-left text does not
#: need them, and they are the usual tool for making text read differently than it is stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_utf8(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8 (stored, sent): it holds no lone surrogate."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def normalize_text(value: str) -> str:
    r"""``value`` as it is checked and stored: Unicode NFC, ``\n`` line breaks, no outer space.

    Its length is what a limit counts, so a page counting what a person typed agrees with
    the refusal ``clean_text`` would give.
    """
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_text(value: str, *, max_length: int, multiline: bool, required: bool = True) -> str:
    r"""Normalise and check one piece of user text.

    Args:
        value: The raw text.
        max_length: Most characters allowed after normalisation.
        multiline: Whether line breaks and tabs are allowed.
        required: Whether empty (or whitespace-only) text is refused.

    Returns:
        The text in Unicode NFC with ``\\r\\n`` turned into ``\\n`` and outer whitespace removed.

    Raises:
        ValueError: With a message fit to show next to the field.
    """
    text = normalize_text(value)
    if not text:
        if required:
            raise ValueError("must not be empty")
        return ""
    allowed = {"\n", "\t"} if multiline else set()
    for char in text:
        if char in allowed:
            continue
        if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            name = "line break" if char == "\n" else f"U+{ord(char):04X}"
            raise ValueError(f"contains a control character ({name}); remove it")
        if unicodedata.category(char) == "Cs":
            # Half of a UTF-16 pair on its own (JSON's "\ud800", an undecodable file name):
            # not a character, so it cannot be encoded as UTF-8 and the database refuses it.
            raise ValueError(f"contains a lone surrogate (U+{ord(char):04X}); remove it")
    if len(text) > max_length:
        raise ValueError(f"is {len(text):,} characters; the limit is {max_length:,}")
    return text


def tidy_line(value: str, *, max_length: int) -> str:
    """Text from elsewhere (an identity provider) made fit to show: never refused.

    Control and bidirectional characters and lone surrogates are dropped, runs of whitespace
    become one space, and text over ``max_length`` is cut with an ellipsis.
    """
    text = unicodedata.normalize("NFC", value[: max_length * 8])
    kept = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace()
        or (unicodedata.category(char) not in {"Cc", "Cs"} and char not in _BIDI_CONTROLS)
    )
    line = " ".join(kept.split())
    return line if len(line) <= max_length else line[: max_length - 1].rstrip() + "…"


_HTML_SPECIALS = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# [label](target "title") and ![alt](target); targets may hold one level of parentheses.
_INLINE_LINK = re.compile(
    r"(!?)\[([^\]\n]*)\]\(\s*((?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"\n]*\")?\s*\)"
)
_REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*(\S+).*$", re.MULTILINE)
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _is_safe_target(target: str) -> bool:
    lowered = "".join(target.split()).lower()
    return lowered.startswith(_SAFE_SCHEMES) or lowered.startswith("#")


def safe_markdown(text: str) -> str:
    """Turn user text into markdown that renders no HTML and no unsafe links.

    HTML is escaped so it shows as typed. Links keep working only for http(s), mailto and
    in-page anchors; any other link (``javascript:``, ``data:``...) is reduced to its label.
    Images are reduced to their alt text and a plain link, so reading a comment never loads
    anything from elsewhere.
    """

    def link(match: re.Match[str]) -> str:
        bang, label, target = match.group(1), match.group(2), match.group(3)
        if not _is_safe_target(target):
            return label or "link removed"
        if bang:
            return f"[image: {label or 'untitled'}]({target})"
        return match.group(0)

    escaped = text.translate(_HTML_SPECIALS)
    escaped = _INLINE_LINK.sub(link, escaped)
    escaped = _REFERENCE_DEF.sub(
        lambda m: m.group(0) if _is_safe_target(m.group(1)) else "", escaped
    )
    # Streamlit renders $...$ as LaTeX; a price like "$5 or $10" should stay text.
    return escaped.replace("$", "\\$")


# What makes a line a block (heading, rule, list, quote, table, fence) rather than text: the
# first marker character gets a backslash, so the line reads as typed.
_BLOCK_START = re.compile(
    r"^(?:"
    r"(#)"  # heading
    r"|([*+-])(?=\s)"  # bullet
    r"|\d{1,9}([.)])(?=\s|$)"  # numbered item
    r"|([*_=-])(?:\s*\4)*\s*$"  # rule or setext underline: ---, ***, ___, ===
    r"|([|])"  # table row
    r"|(`{3,}|~{3,})"  # fence
    r")"
)


def inline_markdown(text: str) -> str:
    """User text for a page: as ``safe_markdown``, and only inline markup takes effect.

    Emphasis and safe links render; headings, rules, lists, tables, code blocks and quotes
    show as the characters typed, so a statement can never restructure the page. Each line
    break typed stays a line break; a blank line starts a paragraph.
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = []
        for raw in block.split("\n"):
            line = raw.strip()
            marker = _BLOCK_START.match(line)
            if marker:
                cut = next(m for m in marker.groups() if m)
                at = marker.start(marker.groups().index(cut) + 1)
                line = line[:at] + "\\" + line[at:]
            lines.append(line)
        paragraphs.append("  \n".join(lines))
    return safe_markdown("\n\n".join(paragraphs))


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&])")


def escape_markdown(text: str) -> str:
    """Text that markdown renders exactly as written: every markup character is escaped.

    For messages that quote input back (an unknown id, a refused value), where even a
    well-formed link must not become clickable.
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)
