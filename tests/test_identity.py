"""Sign-in configuration and identities: half-configured [auth] is refused, claims map safely."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from governance.config import DEFAULT_GROUPS
from governance.errors import ConfigurationError
from governance.identity import ClaimMapping, identity_from_claims, sign_in_config
from governance.models import NAME_MAX, Role
from governance.text import tidy_line

SECRET = "s" * 40
PROVIDER = {
    "client_id": "charter",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
}


def auth(**overrides: object) -> dict[str, object]:
    section: dict[str, object] = {
        "redirect_uri": "https://charter.example/oauth2callback",
        "cookie_secret": SECRET,
        **PROVIDER,
    }
    section.update(overrides)
    return {key: value for key, value in section.items() if value is not None}


MAPPING = {
    "claim": "groups",
    "providers": ["staff"],
    "groups": {"ethics-board": "ethicist", "ml": "engineer"},
    "roles": {"mods": "moderator", "stewards": "steward"},
}


def named(**providers: dict[str, object]) -> dict[str, object]:
    return {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": SECRET,
        **providers,
    }


def test_no_auth_section_means_no_sign_in():
    assert sign_in_config({}, DEFAULT_GROUPS) is None


def test_default_provider():
    setup = sign_in_config({"auth": auth()}, DEFAULT_GROUPS)
    assert setup is not None and setup.providers == ("default",) and setup.mapping is None


def test_named_providers_and_mapping():
    secrets = {
        "auth": named(staff=PROVIDER, google=PROVIDER),
        "charter": {"claims": MAPPING},
    }
    setup = sign_in_config(secrets, DEFAULT_GROUPS)
    assert setup is not None
    assert setup.providers == ("staff", "google")
    assert setup.mapping is not None and setup.mapping.providers == {"staff"}
    assert setup.mapping.roles["stewards"] is Role.STEWARD


@pytest.mark.parametrize(
    ("secrets", "message"),
    [
        ({"auth": auth(cookie_secret=None)}, "missing cookie_secret"),
        ({"auth": auth(cookie_secret="short")}, "at least 32 characters"),
        ({"auth": auth(redirect_uri=None)}, "missing redirect_uri"),
        ({"auth": auth(redirect_uri="https://charter.example/callback")}, "/oauth2callback"),
        ({"auth": auth(redirect_uri="charter.example/oauth2callback")}, "http(s) URL"),
        ({"auth": auth(client_secret=None)}, "[auth] is missing client_secret"),
        ({"auth": auth(server_metadata_url="not a url")}, "server_metadata_url"),
        (
            {"auth": {k: v for k, v in auth().items() if k not in PROVIDER}},
            "names no identity provider",
        ),
        ({"auth": named(staff={"client_id": "a"})}, "[auth.staff] is missing client_secret"),
        ({"auth": named(my_idp=PROVIDER)}, "cannot contain '_'"),
        ({"auth": "yes"}, "must be a table"),
        ({"charter": {"claims": MAPPING}}, "[auth] is not"),
        (
            {"auth": named(staff=PROVIDER), "charter": {"claims": {**MAPPING, "claim": ""}}},
            "needs claim",
        ),
        (
            {"auth": named(google=PROVIDER), "charter": {"claims": MAPPING}},
            "trusts provider(s) staff that [auth] does not configure",
        ),
        (
            {
                "auth": named(staff=PROVIDER),
                "charter": {"claims": {**MAPPING, "groups": {"board": "philosopher"}}},
            },
            "group(s) philosopher that do not exist",
        ),
        (
            {
                "auth": named(staff=PROVIDER),
                "charter": {"claims": {**MAPPING, "groups": {"everyone": "public"}}},
            },
            "group(s) public",
        ),
        (
            {
                "auth": named(staff=PROVIDER),
                "charter": {"claims": {**MAPPING, "roles": {"admins": "superuser"}}},
            },
            "unknown role(s) superuser",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_half_configured_is_refused_with_one_clear_message(secrets, message):
    with pytest.raises(ConfigurationError) as refused:
        sign_in_config(secrets, DEFAULT_GROUPS)
    assert message in refused.value.message
    assert "\n" not in refused.value.message


def mapping() -> ClaimMapping:
    setup = sign_in_config(
        {"auth": named(staff=PROVIDER, google=PROVIDER), "charter": {"claims": MAPPING}},
        DEFAULT_GROUPS,
    )
    assert setup is not None and setup.mapping is not None
    return setup.mapping


def claims(**extra: object) -> dict[str, object]:
    return {"iss": "https://idp.example", "sub": "u-1", "provider": "staff", **extra}


def test_claims_map_to_groups_and_roles_and_unknown_values_are_ignored():
    person = identity_from_claims(
        claims(name="Ada", groups=["ethics-board", "mods", "hackers", 7, "x" * 500]), mapping()
    )
    assert person is not None
    assert person.grants.groups == ("ethicist",)
    assert person.grants.roles == (Role.MODERATOR,)
    assert person.grants.ignored == ("hackers",)


def test_space_separated_claim_string_is_read():
    person = identity_from_claims(claims(groups="ml stewards"), mapping())
    assert person is not None
    assert person.grants.groups == ("engineer",) and person.grants.roles == (Role.STEWARD,)


def test_an_untrusted_provider_grants_nothing():
    person = identity_from_claims(
        claims(provider="google", groups=["ethics-board", "stewards"]), mapping()
    )
    assert person is not None
    assert person.grants.groups == () and person.grants.roles == ()


def test_no_email_and_no_name_is_fine():
    person = identity_from_claims({"iss": "https://idp.example", "sub": "u-2"}, None)
    assert person is not None
    assert person.name == "" and person.provider == "default"


def test_name_falls_back_to_preferred_username():
    person = identity_from_claims(claims(preferred_username="ada.l"), None)
    assert person is not None and person.name == "ada.l"


@pytest.mark.parametrize("missing", ["iss", "sub"])
def test_without_issuer_or_subject_there_is_no_identity(missing):
    raw = claims()
    raw[missing] = ""
    assert identity_from_claims(raw, None) is None


@pytest.mark.parametrize("key", ["iss", "sub"])
def test_an_issuer_or_subject_that_is_not_text_is_no_identity(key):
    # A lone surrogate (a JSON escape such as "\\ud800") cannot be stored, and a key is never
    # tidied (that could make it someone else's): such a token names nobody.
    raw = claims()
    raw[key] = f"{raw[key]}\ud800"
    assert identity_from_claims(raw, None) is None


def test_claim_values_that_are_not_text_are_ignored_silently():
    person = identity_from_claims(claims(groups=["ethics-board", "hack\udfff"]), mapping())
    assert person is not None
    assert person.grants.groups == ("ethicist",) and person.grants.ignored == ()


def test_a_2000_character_name_is_cut_to_fit():
    person = identity_from_claims(claims(name="Ada " + "x" * 2000), None)
    assert person is not None
    assert len(person.name) == NAME_MAX and person.name.endswith("…")


def test_control_and_bidi_characters_are_dropped_from_names():
    assert tidy_line("Eve\u202e\u0000 \n\t Mallory", max_length=50) == "Eve Mallory"
    assert tidy_line("  \u202e ", max_length=50) == ""


EXAMPLE = Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.toml.example"


def test_the_shipped_example_is_valid_once_its_secret_is_filled_in():
    secrets = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(ConfigurationError, match="placeholder"):
        sign_in_config(secrets, DEFAULT_GROUPS)
    secrets["auth"]["cookie_secret"] = "f" * 64
    setup = sign_in_config(secrets, DEFAULT_GROUPS)
    assert setup is not None and setup.mapping is not None
    assert set(setup.providers) == {"staff", "google"}
    # The example trusts only the organisation's provider with claims.
    assert setup.mapping.providers == {"staff"}
