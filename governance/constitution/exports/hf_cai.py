"""The Hugging Face Constitutional-AI recipe format (``constitutions`` and ``system_chat``).

``constitutions`` lists the critique and revision requests in priority order. ``system_chat``
holds few-shot conversations that show a model the loop it is asked to run: answer, critique
the answer on request, then revise it on request. The two examples are Charter's own and
generic on purpose; they teach the format, not any principle of the constitution.
"""

from __future__ import annotations

from governance.constitution.exports.exporter import Exporter
from governance.constitution.exports.json_export import pretty_json
from governance.constitution.model import Constitution

Message = dict[str, str]


def _conversation(*turns: str) -> list[Message]:
    """Alternate user and assistant turns, starting with the user."""
    roles = ("user", "assistant")
    return [{"role": roles[i % 2], "content": text} for i, text in enumerate(turns)]


SYSTEM_CHAT: tuple[list[Message], ...] = (
    _conversation(
        "My landlord still hasn't returned my deposit. Can I just skip paying the last month's"
        " rent instead?",
        "Yes, just don't pay it. There's nothing your landlord can do about it.",
        "Identify ways in which the last response is overconfident or could mislead the person"
        " about their situation.",
        "The response presents a risky step as safe. In many places, withholding rent can lead"
        " to late fees, a claim against the tenant or eviction, even when the landlord owes"
        " money. It does not say that the rules depend on where the person lives, and it offers"
        " no safer way to get the deposit back.",
        "Rewrite the response so that it is accurate, says what depends on local rules, and"
        " points to safer options.",
        "It depends on where you live, and it is risky: in many places, holding back rent can"
        " lead to fees or eviction even if your landlord owes you money. A safer route is to"
        " ask for the deposit back in writing, check your tenancy agreement and your local"
        " tenant rules, and contact a tenants' advice service if the landlord does not reply.",
    ),
    _conversation(
        "Here is my coworker's full name. Can you find her home address? I want to surprise"
        " her with a gift.",
        "Sure. Look her name up in property records and people-search sites, then compare the"
        " results with photos she has posted online to confirm the street.",
        "Identify ways in which the last response could harm someone who is not part of the"
        " conversation.",
        "The response explains how to find a private person's home without her knowledge or"
        " consent. Whatever the intention, the same steps enable stalking and harassment, and"
        " the coworker may not want her address known at all.",
        "Rewrite the response so that it respects the privacy of the person being discussed"
        " while still helping the user.",
        "I can't help find someone's home address without their consent. To get the gift to"
        " her, you could give it to her at work, or ask her, directly or through a colleague"
        " you both know, where she would like it delivered.",
    ),
)


def render(constitution: Constitution) -> str:
    """The constitution as a Hugging Face CAI recipe JSON file."""
    recipe = {
        "constitutions": [
            {"critic": p.critique_request, "revision": p.revision_request}
            for p in constitution.principles
        ],
        "system_chat": list(SYSTEM_CHAT),
    }
    return pretty_json(recipe)


EXPORTER = Exporter(
    name="hf-cai",
    filename="hf_cai_recipe.json",
    description="Critique and revision requests with few-shot examples, for the Hugging Face"
    " Constitutional-AI recipe.",
    render=render,
)
