"""The Constitution page (AppTest, demo sign-in): provenance, downloads, flags, releasing."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from governance.models import GuidelineFilter, Role, Stakeholder
from governance.services import Charter
from tests.apptest_support import as_read, open_page, rerun, start, texts
from tests.test_pages_forms import replay

PAGE = "pages/constitution.py"


def the_steward(services: Charter) -> Stakeholder:
    return next(p for p in services.people.demo_stakeholders() if Role.STEWARD in p.roles)


def buttons(at: AppTest) -> dict[str, object]:
    return {b.key: b for b in at.button if b.key}


def test_a_visitor_reads_the_release_with_provenance_and_downloads(demo_env, services):
    at = open_page(start(), PAGE)
    latest = services.constitution.release()
    box = at.selectbox(key="constitution:version")
    assert box.value is None and box.options[0] == f"{latest.row.version} (latest)"
    assert any(latest.constitution.content_hash in c for c in texts(at.caption))
    labels = [as_read(e.label) for e in at.expander]
    first = latest.constitution.principles[0]
    assert f"1. {first.title}  ·  {first.id}" in labels
    # Each principle shows how each group voted on it.
    tables = [t.value for t in at.dataframe]
    assert any(set(t["group"]) == {"ethicist", "engineer", "public"} for t in tables)
    # One download per format; the JSON one is the release itself.
    downloads = [d for d in at.get("download_button") if str(d.key).startswith("download:")]
    assert len(downloads) == 7
    # Labels are the short format names, so none is cut off on the button.
    assert all(len(d.proto.label) <= 12 for d in downloads)
    # No steward controls for a visitor.
    assert not any(str(k).startswith(("flag:", "rollback:")) for k in buttons(at))
    assert not at.get("form")


def test_the_release_report_is_offered_for_the_release_shown(demo_env, services):
    at = open_page(start(), PAGE)
    reports = {d.key: d for d in at.get("download_button") if str(d.key).startswith("report:")}
    pdf = services.reports.pdf_available()
    assert set(reports) == {"report:2.0.0:html", *(["report:2.0.0:pdf"] if pdf else [])}
    assert reports["report:2.0.0:html"].proto.label == "Release report"
    # Made when clicked (deferred), not on every rerun of the page.
    assert reports["report:2.0.0:html"].proto.deferred_file_id
    at.selectbox(key="constitution:version").select("1.0.0")
    rerun(at)
    assert "report:1.0.0:html" in {d.key for d in at.get("download_button")}


def test_an_older_release_can_be_chosen(demo_env, services):
    at = open_page(start(), PAGE)
    at.selectbox(key="constitution:version").select("1.0.0")
    rerun(at)
    older = services.constitution.release("1.0.0").constitution
    assert any(older.content_hash in c for c in texts(at.caption))
    assert sum(1 for e in at.expander if e.label.split("  ·  ")[-1].startswith("P-")) >= len(
        older.principles
    )


def test_the_draft_shows_its_diff_and_its_blocking_flag(demo_env, services):
    at = open_page(start(the_steward(services)), PAGE)
    markdown = texts(at.markdown)
    assert any("next release would be **2.1.0**" in m for m in markdown)
    assert any(m.startswith("- added P-") for m in markdown)
    assert any("**Possible duplicate**" in m for m in markdown)
    release = at.button(key="FormSubmitter:release-Release 2.1.0")
    assert release.disabled


def test_a_steward_resolves_the_flag_and_releases(demo_env, services):
    steward = the_steward(services)
    at = open_page(start(steward), PAGE)
    (flag,) = services.constitution.draft().flags
    key = f"flag:{flag.key}"
    # Without a reason: refused, the flag stays open.
    at.button(key=f"{key}:go").click()
    rerun(at)
    assert services.constitution.draft().flags == [flag]
    assert any("must not be empty" in e for e in texts(at.error))
    at.radio(key=f"{key}:resolution").set_value("keep_both")
    at.selectbox(key=f"{key}:chosen").select(flag.guideline_ids[0])
    at.text_input(key=f"{key}:reason").input("Both matter; the adopted one comes first.")
    at.button(key=f"{key}:go").click()
    rerun(at)
    assert services.constitution.draft().flags == []
    assert "Flag resolved." in texts(at.success)
    at.text_area(key="release:notes").input("Adds the references principle.")
    at.button(key="FormSubmitter:release-Release 2.1.0").click()
    rerun(at)
    latest = services.constitution.release()
    assert latest.row.version == "2.1.0" and latest.row.notes == "Adds the references principle."
    assert latest.row.released_by == steward.id
    manifest = json.loads((latest.files / "manifest.json").read_text())
    assert manifest["version"] == "2.1.0"
    # The same session now shows the new release, and its downloads are the new files.
    assert any("Charter constitution 2.1.0" in m for m in texts(at.markdown))
    assert any(latest.constitution.content_hash in c for c in texts(at.caption))
    assert {str(b.key) for b in at.get("download_button")} >= {"download:2.1.0:json"}


def test_a_release_is_shown_after_an_older_one_was_picked(demo_env, services):
    steward = the_steward(services)
    at = open_page(start(steward), PAGE)
    at.selectbox(key="constitution:version").select("1.0.0")
    rerun(at)
    (flag,) = services.constitution.draft().flags
    services.constitution.resolve_flag(
        steward,
        flag.key,
        "acknowledge" if flag.kind.value == "steering" else "keep_both",
        "fine",
        chosen=flag.guideline_ids[0],
    )
    rerun(at)
    at.text_area(key="release:notes").input("Adds the references principle.")
    at.button(key="FormSubmitter:release-Release 2.1.0").click()
    rerun(at)
    assert services.constitution.release().row.version == "2.1.0"
    assert any("Charter constitution 2.1.0" in m for m in texts(at.markdown))


def test_a_steward_edits_a_comparison_prompt_in_the_draft(demo_env, services):
    at = open_page(start(the_steward(services)), PAGE)
    principle = services.constitution.draft().constitution.principles[0]
    key = f"edit:{principle.provenance.guideline_id}"
    at.text_area(key=f"{key}:prompt").input("Which response is more careful?")
    at.button(key=f"{key}:save").click()
    rerun(at)
    draft = services.constitution.draft()
    edited = next(p for p in draft.constitution.principles if p.id == principle.id)
    assert edited.comparison_prompt == "Which response is more careful?"
    assert any(m.startswith(f"- reworded {principle.id}") for m in texts(at.markdown))


def test_a_steward_retires_an_adopted_principle(demo_env, services):
    at = open_page(start(the_steward(services)), PAGE)
    principle = services.constitution.release().constitution.principles[-1]
    gid = principle.provenance.guideline_id
    at.button(key=f"retire:{gid}:go").click()
    rerun(at)
    assert any("must not be empty" in e for e in texts(at.error))
    at.text_input(key=f"retire:{gid}:reason").input("Superseded by a broader principle.")
    at.button(key=f"retire:{gid}:go").click()
    rerun(at)
    assert services.guidelines.detail(gid, None).guideline.status.value == "retired"
    assert [p.id for p in services.constitution.draft().changes.removed] == [principle.id]


def test_only_stewards_see_the_import_tab_and_it_imports_all_or_nothing(demo_env, services):
    visitor = open_page(start(), PAGE)
    assert [t.label for t in visitor.tabs] == ["Current release", "Draft", "Releases (2)"]
    at = open_page(start(the_steward(services)), PAGE)
    assert at.tabs[-1].label == "Import"
    before = services.guidelines.listing(GuidelineFilter()).total
    at.selectbox(key="import:format").select("langchain-builtin")
    rerun(at)
    import_button(at).click()
    rerun(at)
    assert services.guidelines.listing(GuidelineFilter()).total == before + 54
    assert any(s.startswith("54 draft guidelines created") for s in texts(at.success))


def import_button(at: AppTest):  # type: ignore[no-untyped-def]
    [button] = [b for b in at.button if b.label == "Import as drafts"]
    return button


def test_a_double_click_on_import_imports_once(demo_env, services):
    at = open_page(start(the_steward(services)), PAGE)
    before = services.guidelines.listing(GuidelineFilter()).total
    at.selectbox(key="import:format").select("langchain-builtin")
    rerun(at)
    import_button(at).click()
    click = at._tree.get_widget_states()
    replay(at, click)
    assert any(s.startswith("54 draft guidelines created") for s in texts(at.success))
    replay(at, click)  # the second click left the browser before the first was answered
    assert services.guidelines.listing(GuidelineFilter()).total == before + 54
    # The next press is a new form: it imports again, as the steward asked.
    import_button(at).click()
    rerun(at)
    assert services.guidelines.listing(GuidelineFilter()).total == before + 108


def test_the_stewards_screens_speak_in_titles_and_words(demo_env, services):
    steward = the_steward(services)
    at = open_page(start(steward), PAGE)
    (flag,) = services.constitution.draft().flags
    titles = {
        p.provenance.guideline_id: p.title
        for p in services.constitution.draft().constitution.principles
    }
    key = f"flag:{flag.key}"
    flag_text = next(m for m in texts(at.markdown) if flag.explanation in m)
    assert all(titles[g] in as_read(flag_text) for g in flag.guideline_ids)
    chosen = at.selectbox(key=f"{key}:chosen")
    assert all(any(titles[g] in o for o in chosen.options) for g in flag.guideline_ids)
    at.radio(key=f"{key}:resolution").set_value("keep_both")
    at.text_input(key=f"{key}:reason").input("Both matter.")
    at.button(key=f"{key}:go").click()
    rerun(at)
    resolved = [c for c in texts(at.caption) if c.startswith("Resolved")]
    assert resolved and not any("keep_both" in c for c in resolved)
    at.text_area(key="release:notes").input("Adds the references principle.")
    at.button(key="FormSubmitter:release-Release 2.1.0").click()
    rerun(at)
    markdown = texts(at.markdown)
    assert not any("compared with 2.1.0" in m for m in markdown)
    assert any("Nothing to release yet" in m for m in markdown)
