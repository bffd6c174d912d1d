"""The release report as one self-contained HTML page.

Nothing is fetched from anywhere when the page is opened: the CSS is inline, Plotly's
JavaScript is inlined once and each figure is a ``<div>`` with its own small script; a
Content-Security-Policy meta tag refuses every other source, so a mistake here shows as a
missing figure instead of a request to another host. Every piece of people's text goes
through ``text()``: lone surrogates replaced (the page is always valid UTF-8) and HTML
escaped, so a title such as ``<script>`` or ``{{ x }}`` reads exactly as typed. Each figure
has a table beside it holding the same numbers, so a printed or script-less copy loses
nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from governance.privacy import fewer_than
from governance.report.figures import approval_figure, audit_figure
from governance.report.model import ModelAudit, PrincipleEntry, ReleaseReport, VoteRow
from governance.voting import share_text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: No source but the page itself: inline scripts and styles, data: images (Plotly's).
_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
    " img-src data: blob:; font-src data:; connect-src 'none'; form-action 'none'"
)

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111;
  max-width: 980px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem;
  border-bottom: 1px solid #ccc; padding-bottom: .2rem; } h3 { margin-bottom: .3rem; }
.meta { color: #444; } .hash, code { font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: .85em; overflow-wrap: anywhere; }
.notes, .statement { white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
.withheld { color: #555; font-style: italic; }
.principle { break-inside: avoid; margin-bottom: 1.4rem; }
.figure { break-inside: avoid; max-width: 100%; }
@page { size: A4; margin: 14mm; }
@media print { body { margin: 0; padding: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; } }
"""


def text(value: object) -> str:
    """People's text, safe in HTML: valid UTF-8 (lone surrogates become U+FFFD), escaped."""
    raw = str(value)
    whole = raw.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return html.escape(_CONTROL.sub("", whole), quote=True)


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


def _table(caption: str, head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table; ``head`` is escaped here, cells must already be HTML."""
    out = [f"<table><caption>{text(caption)}</caption><thead><tr>"]
    out += [f"<th scope='col'>{text(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _cell(value: str, *, number: bool = False) -> str:
    return f"<td class='n'>{value}</td>" if number else f"<td>{value}</td>"


def _withheld(k: int) -> str:
    return f"<span class='withheld'>{text(fewer_than(k))} ballots</span>"


def _share(row: VoteRow, k: int) -> str:
    """A vote row in one cell: ``66.7% of 12 (2 abstain) · met``, or "fewer than k"."""
    if row.counts is None:
        return _withheld(k)
    c = row.counts
    words = f"{share_text(c.approve, c.decisive)} of {c.decisive}"
    if c.abstain:
        words += f" ({c.abstain} abstain)"
    return text(f"{words} · {row.outcome}" if row.outcome else words)


def _figure(fig: go.Figure | None, div_id: str) -> str:
    if fig is None:
        return ""
    body = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "displayModeBar": False, "responsive": True},
    )
    return f"<div class='figure'>{body}</div>"


def _header(r: ReleaseReport) -> str:
    facts = [
        f"{len(r.principles)} principles",
        f"released {_when(r.released_at)}",
    ]
    if r.rollback_of:
        facts.append(f"a rollback to {r.rollback_of}")
    facts.append(f"previous release {r.previous}" if r.previous else "the first release")
    notes = f"<p class='notes'>{text(r.notes)}</p>" if r.notes.strip() else ""
    return (
        f"<header><h1>{text(r.name)} {text(r.version)}: release report</h1>"
        f"<p class='meta'>{text(' · '.join(facts))}</p>"
        f"<p class='meta'>sha256 <span class='hash'>{text(r.content_hash)}</span></p>"
        f"{notes}"
        f"<p class='meta'>Generated {_when(r.generated_at)}. Voters are never named; a group"
        f" with {text(fewer_than(r.k))} ballots on a principle is shown as such, never as"
        " numbers.</p></header>"
    )


def _named(p_id: str, title: str) -> str:
    return f"<code>{text(p_id)}</code> {text(title)}"


def _changes(r: ReleaseReport) -> str:
    c = r.changes
    since = f"since {r.previous}" if r.previous else "(the first release: everything is new)"
    items: list[str] = []
    items += [f"<li>added {_named(p.id, p.title)}</li>" for p in c.added]
    items += [f"<li>removed {_named(p.id, p.title)}</li>" for p in c.removed]
    items += [
        f"<li>meaning changed {_named(ch.after.id, ch.after.title)}"
        f" ({text(', '.join(ch.fields))})</li>"
        for ch in c.meaning_changed
    ]
    items += [
        f"<li>reworded {_named(ch.after.id, ch.after.title)} ({text(', '.join(ch.fields))})</li>"
        for ch in c.reworded
    ]
    items += [f"<li>reordered <code>{text(pid)}</code></li>" for pid in c.reordered]
    body = f"<ul>{''.join(items)}</ul>" if items else "<p>No changes.</p>"
    return f"<section id='changes'><h2>Changes {text(since)}</h2>{body}</section>"


def _votes(r: ReleaseReport) -> str:
    names = [*r.groups]
    for p in r.principles:
        names += [g.name for g in p.groups if g.name not in names]
    rows = []
    for p in r.principles:
        by = {g.name: g for g in p.groups}
        cells = [_cell(f"<code>{text(p.id)}</code>")]
        cells += [_cell(_share(by[n], r.k)) if n in by else _cell("-") for n in names]
        cells.append(_cell(_share(p.overall, r.k)))
        rows.append(cells)
    table = _table(
        "Approval share per group (of approve + reject ballots) at the decision",
        ["Principle", *names, "overall"],
        rows,
    )
    return (
        "<section id='votes'><h2>How each group voted</h2>"
        f"{_figure(approval_figure(r), 'figure-votes')}{table}</section>"
    )


def _run_line(a: ModelAudit, version: str) -> str:
    which = (
        f"its latest audit against {version}"
        if a.against_release
        else f"no audit against {version}; its latest audit overall (against {a.release_version})"
    )
    status = f", {a.status}" if a.status and a.status != "done" else ""
    return (
        f"<li><strong>{text(a.model)}</strong>: run {a.run_id} of {_when(a.created_at)}"
        f" ({text(a.source)}{text(status)}), {text(which)}</li>"
    )


def _audits(r: ReleaseReport) -> str:
    if not r.audits:
        return (
            "<section id='audits'><h2>Latest audit results</h2>"
            "<p>No model has been audited yet.</p></section>"
        )
    rows = []
    for p in r.principles:
        cells = [_cell(f"<code>{text(p.id)}</code>")]
        for a in r.audits:
            f = a.results.get(p.id)
            if f is None:
                cells.append(_cell("not audited"))
                continue
            rate = "-" if f.pass_rate is None else f"{f.pass_rate * 100:.1f}%"
            cells.append(
                _cell(text(f"{rate} pass · {f.violations} violations of {f.total} · {f.basis}"))
            )
        rows.append(cells)
    table = _table(
        "Pass rate, violations and verdicts per principle (basis: judge, reviewed or mixed)",
        ["Principle", *(f"{a.model} (run {a.run_id})" for a in r.audits)],
        rows,
    )
    runs = "".join(_run_line(a, r.version) for a in r.audits)
    return (
        "<section id='audits'><h2>Latest audit results</h2>"
        f"<p>Per model, the audit the figures come from:</p><ul>{runs}</ul>"
        f"{_figure(audit_figure(r), 'figure-audits')}{table}</section>"
    )


def _vote_rows(p: PrincipleEntry, k: int) -> list[list[str]]:
    rows = []
    for v in (*p.groups, p.overall):
        threshold = "-" if v.threshold_pct is None else f"{v.threshold_pct}%"
        if v.counts is None:
            cells = [_cell(text(v.name)), f"<td colspan='4'>{_withheld(k)}</td>"]
        else:
            c = v.counts
            cells = [
                _cell(text(v.name)),
                _cell(str(c.approve), number=True),
                _cell(str(c.reject), number=True),
                _cell(str(c.abstain), number=True),
                _cell(text(v.outcome)),
            ]
        cells.insert(1, _cell(threshold, number=True))
        rows.append(cells)
    return rows


def _principle(p: PrincipleEntry, k: int) -> str:
    facts = (
        f"{p.category} · {p.language} · priority {p.priority} · guideline {p.guideline_id}"
        f" version {p.guideline_version} · rules version {p.rules_version} · decided"
        f" {_when(p.decided_at)}"
    )
    table = _table(
        "The recorded tally",
        ["Group", "Threshold", "Approve", "Reject", "Abstain", "Outcome"],
        _vote_rows(p, k),
    )
    return (
        f"<article class='principle' id='{text(p.id)}'>"
        f"<h3><code>{text(p.id)}</code> {text(p.title)}</h3>"
        f"<p class='statement'>{text(p.statement)}</p>"
        f"<p class='meta'>{text(facts)}</p>{table}</article>"
    )


def render_html(report: ReleaseReport) -> str:
    """The release report as one self-contained HTML page (no request to any host).

    Args:
        report: The read model from ``charter.reports.release``.

    Returns:
        The page; every piece of people's text is escaped and valid UTF-8.
    """
    principles = "".join(_principle(p, report.k) for p in report.principles)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{_POLICY}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{text(report.name)} {text(report.version)}: release report</title>"
        f"<style>{_CSS}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>"
        f"{_header(report)}{_changes(report)}{_votes(report)}{_audits(report)}"
        f"<section id='principles'><h2>Principles</h2>{principles}</section>"
        "</body></html>\n"
    )
