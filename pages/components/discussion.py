"""The guideline page's discussion: threads of comments, replies and moderation."""

from __future__ import annotations

import streamlit as st

from governance.models import COMMENT_MAX, REASON_MAX, Comment, Stakeholder
from governance.services import Charter
from governance.services.guidelines import GuidelineDetail, Permissions, Thread
from pages import ui
from pages.components.fields import limited_text


def _comment_body(
    charter: Charter, principal: Stakeholder | None, comment: Comment, moderator: bool
) -> None:
    groups = ", ".join(comment.author_groups) or "no group"
    when = f"{comment.created_at:%d %b %Y, %H:%M} UTC · v{comment.guideline_version}"
    byline = ui.safe_markdown(f"**{comment.author_name}**") + f" :gray[({groups}) · {when}]"
    if moderator:
        # Moderation is a menu at the end of the byline, not a button under every comment.
        text, menu = st.columns([10, 2], vertical_alignment="center")
        text.markdown(byline)
        with menu:
            _moderation(charter, principal, comment)
    else:
        st.markdown(byline)
    if comment.hidden is None:
        ui.user_text(comment.body)
    else:
        note = comment.hidden
        st.caption(
            ui.safe_markdown(f"Hidden by {note.by_name} on {note.at:%d %b %Y}: {note.reason}")
        )
        if moderator:
            with st.expander("Hidden text (moderators only)"):
                ui.user_text(comment.body)
    if moderator:
        ui.show_outcome(f"moderate:{comment.id}", with_fields=True)


#: The moderation menu's label: the same under every comment, whatever it offers.
MODERATE = "Moderate"


def _moderation(charter: Charter, principal: Stakeholder | None, comment: Comment) -> None:
    key = f"moderate:{comment.id}"
    hide = comment.hidden is None
    with st.popover(MODERATE, icon=":material/more_vert:", type="tertiary"):
        st.markdown("**Hide this comment**" if hide else "**Restore this comment**")
        limited_text("Reason (shown to everyone)", f"{key}:reason", REASON_MAX)

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


def _thread(
    charter: Charter,
    principal: Stakeholder | None,
    gid: str,
    thread: Thread,
    can: Permissions,
) -> None:
    with st.container(border=True):
        _comment_body(charter, principal, thread.comment, can.moderate)
        for reply in thread.replies:
            _, body = st.columns([1, 14])
            with body:
                _comment_body(charter, principal, reply, can.moderate)
        if can.comment:
            key = f"reply:{thread.comment.id}"
            with st.popover("Reply", icon=":material/reply:"):
                limited_text("Your reply", f"{key}:body", COMMENT_MAX, multiline=True)
                token = ui.form_token(key)

                def post(token: str, key: str = key) -> None:
                    body = st.session_state.get(f"{key}:body", "")
                    posted = ui.run_action(
                        key,
                        lambda: charter.discussion.comment(
                            principal, gid, body, parent_id=thread.comment.id, token=token
                        ),
                        "Reply posted.",
                    )
                    if posted is not None:
                        ui.renew_form_token(key)
                        st.session_state[f"{key}:body"] = ""

                st.button("Post reply", key=f"{key}:post:{token}", on_click=post, args=(token,))
            ui.show_outcome(key, with_fields=True)


def discussion(charter: Charter, principal: Stakeholder | None, detail: GuidelineDetail) -> None:
    """Threads of comments and replies, and the form for a new comment."""
    g = detail.guideline
    if not detail.threads:
        st.caption("No comments yet.")
    for thread in detail.threads:
        _thread(charter, principal, g.id, thread, detail.can)
    key = f"comment:{g.id}"
    if not detail.can.comment:
        st.caption("Sign in to take part." if principal is None else "Discussion is closed here.")
        # A comment or reply sent from a page drawn before discussion closed was refused:
        # its form is gone, so say why here.
        ui.show_outcome(key, with_fields=True)
        ui.show_settled_outcomes("reply:", set())
        return
    limited_text(
        "Add a comment (markdown; no HTML)",
        f"{key}:body",
        COMMENT_MAX,
        error_key=key,
        field="body",
        multiline=True,
    )

    def post(token: str) -> None:
        body = st.session_state.get(f"{key}:body", "")
        posted = ui.run_action(
            key,
            lambda: charter.discussion.comment(principal, g.id, body, token=token),
            "Comment posted.",
        )
        if posted is not None:
            ui.renew_form_token(key)
            st.session_state[f"{key}:body"] = ""

    token = ui.form_token(key)  # on the button: a double click sends this form twice, not two
    st.button(
        "Post comment", key=f"{key}:post:{token}", on_click=post, args=(token,), type="primary"
    )
    ui.show_outcome(key)
