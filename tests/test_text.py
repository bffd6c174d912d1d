"""Cleaning input and rendering user text safely."""

import json
import re

import pytest

from governance.text import clean_text, inline_markdown, safe_markdown, tidy_line


@pytest.mark.parametrize("value", ["", "   ", "\n\t \n"])
def test_empty_and_whitespace_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        clean_text(value, max_length=10, multiline=True)


def test_optional_text_may_be_empty() -> None:
    assert clean_text("  ", max_length=10, multiline=True, required=False) == ""


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\u202e", "\u2066"])
def test_control_and_bidi_override_characters_are_refused(char: str) -> None:
    with pytest.raises(ValueError, match="control character"):
        clean_text(f"safe{char}text", max_length=100, multiline=True)


@pytest.mark.parametrize("char", ["\ud800", "\udbff", "\udc00", "\udfff"])
@pytest.mark.parametrize("multiline", [True, False])
def test_lone_surrogates_are_refused(char: str, multiline: bool) -> None:
    # A lone surrogate is not text: it cannot be encoded as UTF-8, so no database stores it.
    message = f"contains a lone surrogate (U+{ord(char):04X}); remove it"
    with pytest.raises(ValueError, match=re.escape(message)):
        clean_text(f"safe{char}text", max_length=100, multiline=multiline)
    with pytest.raises(ValueError, match="lone surrogate"):
        clean_text(char, max_length=100, multiline=multiline)


def test_only_whole_characters_pass() -> None:
    # JSON's escaped pair "\\ud83d\\ude42" decodes to one character; two halves in a str do not.
    assert clean_text(json.loads('"\\ud83d\\ude42"'), max_length=1, multiline=False) == "🙂"
    with pytest.raises(ValueError, match="U\\+D83D"):
        clean_text("\ud83d\ude42", max_length=10, multiline=False)


def test_tidy_line_drops_lone_surrogates() -> None:
    assert tidy_line("Eve\ud800 \udfffMallory\udc00", max_length=50) == "Eve Mallory"
    assert tidy_line("\ud800", max_length=50) == ""


def test_line_breaks_only_where_multiline() -> None:
    assert clean_text("a\r\nb", max_length=10, multiline=True) == "a\nb"
    with pytest.raises(ValueError, match="line break"):
        clean_text("a\nb", max_length=10, multiline=False)


def test_length_is_counted_after_normalising() -> None:
    assert clean_text("e\u0301" * 5, max_length=5, multiline=False) == "\u00e9" * 5
    with pytest.raises(ValueError, match="201 characters; the limit is 200"):
        clean_text("x" * 201, max_length=200, multiline=False)


def test_unicode_text_is_kept() -> None:
    text = "Minimizar los datos · 最小化 · تقليل البيانات · 🙂"
    assert clean_text(text, max_length=100, multiline=False) == text


@pytest.mark.parametrize(
    ("raw", "must_not_contain"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[see this](javascript:alert(1))", "javascript:"),
        ("[see this](JaVaScRiPt:alert(1))", "JaVaScRiPt:"),
        ("[x]( javascript:alert(1) )", "javascript:"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("[x](vbscript:msgbox)", "vbscript:"),
        ("<javascript:alert(1)>", "<javascript:"),
        ("[x][1]\n\n[1]: javascript:alert(1)", "javascript:"),
        ("![pixel](https://tracker.example/p.gif)", "![pixel]"),
    ],
)
def test_safe_markdown_neutralises_html_and_unsafe_links(raw: str, must_not_contain: str) -> None:
    assert must_not_contain not in safe_markdown(raw)


def test_safe_markdown_keeps_what_people_mean() -> None:
    text = "**Bold**, a [source](https://example.org/a_(b)) and mail@example.org"
    rendered = safe_markdown(text)
    assert "**Bold**" in rendered
    assert "[source](https://example.org/a_(b))" in rendered
    assert safe_markdown("5 < 6 & 7 > 3") == "5 &lt; 6 &amp; 7 &gt; 3"
    assert safe_markdown("costs $5 or $10") == "costs \\$5 or \\$10"
    assert safe_markdown("[label](javascript:alert(1))") == "label"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("---\nname: x\n---", "\\---  \nname: x  \n\\---"),
        ("# Heading", "\\# Heading"),
        ("  ## Also a heading", "\\## Also a heading"),
        ("Title\n===", "Title  \n\\==="),
        ("* item\n- item\n+ item", "\\* item  \n\\- item  \n\\+ item"),
        ("1. first\n2) second", "1\\. first  \n2\\) second"),
        ("    indented code", "indented code"),
        ("```\nfenced\n```", "\\```  \nfenced  \n\\```"),
        ("| a | b |\n|---|---|", "\\| a | b |  \n\\|---|---|"),
        ("*** \n___", "\\***  \n\\___"),
        ("line one\nline two", "line one  \nline two"),
        ("para one\n\npara two", "para one\n\npara two"),
        ("*emphasis* and **strong** stay", "*emphasis* and **strong** stay"),
        ("see [docs](https://example.org)", "see [docs](https://example.org)"),
        ("<h1>x</h1>", "&lt;h1&gt;x&lt;/h1&gt;"),
    ],
)
def test_statements_render_only_inline_markup_and_keep_line_breaks(typed: str, shown: str) -> None:
    assert inline_markdown(typed) == shown
