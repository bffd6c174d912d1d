"""The dashboard's filter bar and chart panels."""

from __future__ import annotations

from datetime import date

import streamlit as st

from governance.config import category_label
from governance.errors import ValidationFailed
from governance.languages import language_label
from governance.models import DashboardFilter
from governance.services.dashboard import Chart, FilterOptions
from governance.text import escape_markdown

ALL_RELEASES = "all releases"
#: The charts side by side in pairs, in this order; a name alone takes the full width.
LAYOUT: tuple[tuple[str, ...], ...] = (
    ("participation", "turnout"),
    ("funnel", "adoption"),
    ("split",),
    ("contested", "agreement"),
    ("audit_drift",),
)


def filter_bar(options: FilterOptions) -> DashboardFilter:
    """The filters as chosen; every chart below reads the ones that apply to it."""
    cols = st.columns([2, 1, 1, 1, 1, 1])
    period = cols[0].date_input(
        "Period (UTC)",
        value=(options.since, options.until),
        key="dash-period",
        help="Days of ballots, proposals, votes and audits shown.",
    )
    since, until = _period(period, options)
    groups = cols[1].multiselect("Group", options.groups, key="dash-groups", placeholder="all")
    categories = cols[2].multiselect(
        "Category",
        options.categories,
        key="dash-categories",
        format_func=category_label,
        placeholder="all",
    )
    languages = cols[3].multiselect(
        "Language",
        options.languages,
        key="dash-languages",
        format_func=language_label,
        placeholder="all",
    )
    models = cols[4].multiselect("Model", options.models, key="dash-models", placeholder="all")
    release = cols[5].selectbox("Release", (ALL_RELEASES, *options.releases), key="dash-release")
    return DashboardFilter(
        since=since,
        until=until,
        groups=tuple(groups),
        categories=tuple(categories),
        languages=tuple(languages),
        models=tuple(models),
        release=None if release == ALL_RELEASES else release,
    )


def _period(chosen: object, options: FilterOptions) -> tuple[date, date]:
    # While a range is being picked the widget holds one day: show that day alone.
    days = [d for d in (chosen if isinstance(chosen, tuple | list) else (chosen,)) if d]
    if not days:
        return options.since, options.until
    return days[0], days[-1]


def filter_problems(exc: ValidationFailed) -> None:
    """Say what is wrong with the filters, each problem by its filter's name."""
    for name, message in exc.errors.items():
        st.error(escape_markdown(f"{name}: {message}"), icon=":material/filter_alt_off:")


def panel(chart: Chart) -> None:
    """A chart with its caption, the filters it reads and its data as CSV."""
    if chart.figure is None:
        st.info(chart.empty, icon=":material/bar_chart:")
    else:
        st.plotly_chart(chart.figure, key=f"chart-{chart.name}")
    st.caption(f"{chart.caption} Filters that apply: {', '.join(chart.filters)}.")
    st.download_button(
        "Download CSV",
        data=chart.csv,
        file_name=f"charter-{chart.name}.csv",
        mime="text/csv",
        key=f"csv-{chart.name}",
        icon=":material/download:",
        type="tertiary",
    )


def panels(charts: tuple[Chart, ...]) -> None:
    """Every chart, laid out in ``LAYOUT``."""
    by_name = {c.name: c for c in charts}
    for row in LAYOUT:
        for col, name in zip(st.columns(len(row)), row, strict=True):
            with col:
                panel(by_name[name])
