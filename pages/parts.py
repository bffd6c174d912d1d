"""Pieces of the guideline page: the ballot, actions, discussion, versions and amending.

Each piece reads its widgets and calls one service function from a widget callback.
"""

from __future__ import annotations

import streamlit as st

from governance.diff import Op, diff_texts
from governance.languages import LANGUAGES
from governance.models import Choice, Comment, Stakeholder
from governance.services import Charter
from governance.services.guidelines import GuidelineDetail, Permissions, Thread
from governance.validation import GUIDELINE_FIELDS
from pages import ui

_CHOICE_ICONS = {
    Choice.APPROVE: ":material/thumb_up:",
    Choice.REJECT: ":material/thumb_down:",
    Choice.ABSTAIN: ":material/remove:",
}


def ballot(charter: Charter, principal: Stakeholder | None, detail: GuidelineDetail) -> None:
    """Approve / reject / abstain buttons with an optional reason."""
    g = detail.guideline
    assert g.voting is not None
    key = f"vote:{g.id}"
    st.subheader("Your ballot", anchor=False)
    if principal is None:
        st.info("Sign in to vote.")
        return
    if not detail.can.vote:
        why = "your account is suspended" if principal.suspended else "you belong to no group yet"
        st.info(f"You cannot vote here: {why}.")
        return
    if detail.my_vote is not None:
        st.markdown(
            f"You voted **{detail.my_vote.choice.value}** on {detail.my_vote.cast_at:%d %b %Y}."
            f" You can change your ballot until {g.voting.closes_at:%d %b %Y, %H:%M} UTC."
        )
    st.text_input("Reason (optional)", key=f"{key}:reason", max_chars=1000)

    def cast(choice: Choice) -> None:
        reason = st.session_state.get(f"{key}:reason", "")
        ui.run_action(
            key,
            lambda: charter.ballots.cast(
                principal, g.id, choice.value, reason, version=g.voting.version
            ),
            f"Ballot recorded: {choice.value}.",
        )

    cols = st.columns(3)
    for col, choice in zip(cols, Choice, strict=True):
        mine = detail.my_vote is not None and detail.my_vote.choice is choice
        col.button(
            choice.value.capitalize(),
            key=f"{key}:{choice.value}",
            icon=_CHOICE_ICONS[choice],
            type="primary" if mine else "secondary",
            on_click=cast,
            args=(choice,),
            width="stretch",
        )
    ui.show_outcome(key, with_fields=True)


def lifecycle_actions(
    charter: Charter, principal: Stakeholder | None, detail: GuidelineDetail
) -> None:
    """Move the guideline on: submit, open or close voting, withdraw."""
    g, can = detail.guideline, detail.can
    moves = [
        (can.submit, "Submit for deliberation", charter.guidelines.submit),
        (can.open_voting, "Open voting", charter.guidelines.open_voting),
        (can.close_voting, "Close voting and record the decision", charter.guidelines.close_voting),
        (can.withdraw, "Withdraw", charter.guidelines.withdraw),
    ]
    allowed = [(label, act) for ok, label, act in moves if ok]
    key = f"move:{g.id}"
    if principal is not None and allowed:
        with st.expander("Move this guideline on", expanded=bool(ui.action_errors(key))):
            st.text_input(
                "Reason (recorded in the history; required to withdraw or to close early)",
                key=f"{key}:reason",
                max_chars=1000,
            )
            for label, act in allowed:
                st.button(
                    label,
                    key=f"{key}:{label}",
                    on_click=_move,
                    args=(key, act, principal, g.id, label),
                )
    # Outside the expander: after a final move there is nothing left to offer, but the
    # person should still see that it worked.
    ui.show_outcome(key, with_fields=True)


def _move(key: str, act, principal: Stakeholder, guideline_id: str, label: str) -> None:  # type: ignore[no-untyped-def]
    reason = st.session_state.get(f"{key}:reason", "")
    ui.run_action(key, lambda: act(principal, guideline_id, reason), f"Done: {label.lower()}.")
    if not ui.action_errors(key):
        st.session_state[f"{key}:reason"] = ""


def _comment_body(comment: Comment, moderator: bool) -> None:
    groups = ", ".join(comment.author_groups) or "no group"
    when = f"{comment.created_at:%d %b %Y, %H:%M} UTC · v{comment.guideline_version}"
    st.markdown(ui.safe_markdown(f"**{comment.author_name}**") + f" :gray[({groups}) · {when}]")
    if comment.hidden is None:
        ui.user_text(comment.body)
        return
    note = comment.hidden
    st.caption(ui.safe_markdown(f"Hidden by {note.by_name} on {note.at:%d %b %Y}: {note.reason}"))
    if moderator:
        with st.expander("Hidden text (moderators only)"):
            ui.user_text(comment.body)


def _moderation(charter: Charter, principal: Stakeholder | None, comment: Comment) -> None:
    key = f"moderate:{comment.id}"
    hide = comment.hidden is None
    with st.popover("Hide" if hide else "Restore", icon=":material/visibility_off:"):
        st.text_input("Reason (shown to everyone)", key=f"{key}:reason", max_chars=1000)

        def act() -> None:
            reason = st.session_state.get(f"{key}:reason", "")
            ui.run_action(
                key,
                lambda: (charter.discussion.hide if hide else charter.discussion.restore)(
                    principal, comment.id, reason
                ),
                "Comment hidden." if hide else "Comment restored.",
            )

        st.button("Hide comment" if hide else "Restore comment", key=f"{key}:go", on_click=act)
    ui.show_outcome(key, with_fields=True)


def _comment(
    charter: Charter, principal: Stakeholder | None, comment: Comment, moderator: bool
) -> None:
    _comment_body(comment, moderator)
    if moderator:
        _moderation(charter, principal, comment)


def _thread(
    charter: Charter,
    principal: Stakeholder | None,
    gid: str,
    thread: Thread,
    can: Permissions,
) -> None:
    with st.container(border=True):
        _comment(charter, principal, thread.comment, can.moderate)
        for reply in thread.replies:
            _, body = st.columns([1, 14])
            with body:
                _comment(charter, principal, reply, can.moderate)
        if can.comment:
            key = f"reply:{thread.comment.id}"
            with st.popover("Reply", icon=":material/reply:"):
                st.text_area("Your reply", key=f"{key}:body", max_chars=5000)

                def post() -> None:
                    body = st.session_state.get(f"{key}:body", "")
                    ui.run_action(
                        key,
                        lambda: charter.discussion.comment(
                            principal, gid, body, parent_id=thread.comment.id
                        ),
                        "Reply posted.",
                    )
                    if not ui.action_errors(key):
                        st.session_state[f"{key}:body"] = ""

                st.button("Post reply", key=f"{key}:post", on_click=post)
            ui.show_outcome(key, with_fields=True)


def discussion(charter: Charter, principal: Stakeholder | None, detail: GuidelineDetail) -> None:
    """Threads of comments and replies, and the form for a new comment."""
    g = detail.guideline
    if not detail.threads:
        st.caption("No comments yet.")
    for thread in detail.threads:
        _thread(charter, principal, g.id, thread, detail.can)
    if not detail.can.comment:
        st.caption("Sign in to take part." if principal is None else "Discussion is closed here.")
        return
    key = f"comment:{g.id}"
    st.text_area("Add a comment (markdown; no HTML)", key=f"{key}:body", max_chars=5000)
    ui.field_error(key, "body")

    def post() -> None:
        body = st.session_state.get(f"{key}:body", "")
        ui.run_action(
            key, lambda: charter.discussion.comment(principal, g.id, body), "Comment posted."
        )
        if not ui.action_errors(key):
            st.session_state[f"{key}:body"] = ""

    st.button("Post comment", key=f"{key}:post", on_click=post, type="primary")
    ui.show_outcome(key)


def _diff_html(segments) -> str:  # type: ignore[no-untyped-def]
    out = []
    for seg in segments:
        text = ui.escape(seg.text).replace("\n", "<br>")
        if seg.op is Op.ADDED:
            out.append(f'<ins style="background:#e6ffec;text-decoration:none">{text}</ins>')
        elif seg.op is Op.REMOVED:
            out.append(f'<del style="background:#ffebe9">{text}</del>')
        else:
            out.append(text)
    return "".join(out)


def versions(detail: GuidelineDetail) -> None:
    """Every version with its reason, and a word diff between any two."""
    all_versions = detail.versions
    for v in reversed(all_versions):
        who = detail.names.get(v.author_id, "?")
        note = f" — {v.reason}" if v.reason else " — first version"
        st.markdown(ui.safe_markdown(f"**v{v.version}** · {v.created_at:%d %b %Y} · {who}{note}"))
    if len(all_versions) < 2:
        return
    numbers = [v.version for v in all_versions]
    cols = st.columns(2)
    old = cols[0].selectbox("Compare version", numbers, index=len(numbers) - 2, key="diff_old")
    new = cols[1].selectbox("with version", numbers, index=len(numbers) - 1, key="diff_new")
    by_number = {v.version: v for v in all_versions}
    changed = [d for d in diff_texts(by_number[old].text, by_number[new].text) if d.changed]
    if not changed:
        st.caption("No differences.")
    for field_diff in changed:
        st.markdown(f"**{field_diff.field.replace('_', ' ')}**")
        st.html(f'<div class="charter-diff">{_diff_html(field_diff.segments)}</div>')


_OPTIONAL_TEXTS = (
    (
        "critique_request",
        "Critique request (optional: derived from the statement when blank)",
        5500,
    ),
    (
        "revision_request",
        "Revision request (optional: derived from the statement when blank)",
        5500,
    ),
    ("rationale", "Rationale (optional)", 5000),
)


def guideline_fields(prefix: str, error_key: str, current: dict[str, object] | None = None) -> None:
    """The guideline text widgets, each with its error message below it."""
    config = ui.settings()
    current = current or {}
    category_label, language_label = ui.labels()
    st.text_input(
        "Title", value=str(current.get("title", "")), key=f"{prefix}:title", max_chars=200
    )
    ui.field_error(error_key, "title")
    st.text_area(
        "Value statement, in plain words",
        value=str(current.get("statement", "")),
        key=f"{prefix}:statement",
        max_chars=5000,
        height=140,
    )
    ui.field_error(error_key, "statement")
    cols = st.columns(2)
    with cols[0]:
        categories = list(config.categories)
        chosen = current.get("category")
        st.selectbox(
            "Category",
            categories,
            index=categories.index(chosen) if chosen in categories else None,
            format_func=category_label,
            key=f"{prefix}:category",
            placeholder="Choose a category",
        )
        ui.field_error(error_key, "category")
    with cols[1]:
        codes = sorted(LANGUAGES, key=language_label)
        st.selectbox(
            "Language",
            codes,
            index=codes.index(str(current.get("language", "en"))),
            format_func=language_label,
            key=f"{prefix}:language",
        )
        ui.field_error(error_key, "language")
    tags = current.get("tags", ())
    st.text_input(
        "Tags (comma-separated, optional)",
        value=", ".join(tags) if isinstance(tags, (list, tuple)) else str(tags),
        key=f"{prefix}:tags",
    )
    ui.field_error(error_key, "tags")
    for field, label, limit in _OPTIONAL_TEXTS:
        st.text_area(
            label, value=str(current.get(field, "")), key=f"{prefix}:{field}", max_chars=limit
        )
        ui.field_error(error_key, field)


def field_values(prefix: str) -> dict[str, object]:
    """What the guideline widgets under ``prefix`` hold now."""
    return {f: st.session_state.get(f"{prefix}:{f}") for f in GUIDELINE_FIELDS}


def amend_form(charter: Charter, principal: Stakeholder | None, detail: GuidelineDetail) -> None:
    """Edit the text into a new version, with the reason for the change."""
    g = detail.guideline
    key = f"amend:{g.id}"
    prefix = f"{key}:v{g.version}"
    with st.expander("Amend this guideline", expanded=bool(ui.action_errors(key))):
        if g.status.value == "voting":
            st.warning(
                "Amending now sends the guideline back to deliberation;"
                " ballots cast so far will not count."
            )
        guideline_fields(prefix, key, g.text.model_dump())
        st.text_input("Why this change? (required)", key=f"{prefix}:reason", max_chars=1000)
        ui.field_error(key, "reason")

        def amend() -> None:
            reason = st.session_state.get(f"{prefix}:reason", "")
            raw = field_values(prefix)
            ui.run_action(
                key,
                lambda: charter.guidelines.amend(
                    principal, g.id, raw, reason, expected_version=g.version
                ),
                "Amended: a new version is recorded.",
            )

        st.button("Save as a new version", key=f"{prefix}:save", on_click=amend, type="primary")
    ui.show_outcome(key)


if __name__ == "__main__":  # Streamlit's old pages mode can run this helper module as a page
    ui.page_gate(__file__)
