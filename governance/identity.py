"""Sign-in configuration and identities: what an OpenID Connect provider tells Charter.

Streamlit's ``st.login`` reads the ``[auth]`` section of ``.streamlit/secrets.toml``; Charter
reads the same file (as a plain mapping, so this module needs no Streamlit) to refuse a
half-configured section at start-up with one clear message instead of failing at the first
sign-in, and to read ``[charter.claims]``: which ID-token claim names groups and roles, which
providers are trusted to assert them, and how claim values map to Charter's groups and roles.

A person is keyed by (issuer, subject), never by e-mail or display name: e-mail addresses are
reassigned and names collide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlparse

from governance.config import PUBLIC_GROUP
from governance.errors import ConfigurationError
from governance.models import NAME_MAX, Role
from governance.text import is_utf8, tidy_line

#: The provider name Streamlit uses when ``[auth]`` itself holds the client settings.
DEFAULT_PROVIDER = "default"
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
#: Streamlit warns below this; Charter refuses, since the secret signs the sign-in cookie.
COOKIE_SECRET_MIN = 32
#: How the placeholders in ``.streamlit/secrets.toml.example`` begin.
EXAMPLE_PLACEHOLDER = "replace-with"
#: Claim values longer than this are ignored rather than stored or shown.
_CLAIM_VALUE_MAX = 200


@dataclass(frozen=True)
class ClaimMapping:
    """How claim values in an ID token become verified groups and extra roles.

    Only the providers listed in ``providers`` are trusted: a public provider where anyone
    can create an account must never be able to make someone an "ethicist".
    """

    claim: str
    providers: frozenset[str]
    groups: Mapping[str, str] = field(default_factory=dict)
    roles: Mapping[str, Role] = field(default_factory=dict)

    def resolve(self, provider: str, claims: Mapping[str, object]) -> Grants:
        """The groups and roles that ``claims`` from ``provider`` grant, and values ignored."""
        if provider not in self.providers:
            return Grants()
        values = _claim_values(claims.get(self.claim))
        groups = sorted({self.groups[v] for v in values if v in self.groups})
        roles = sorted({self.roles[v] for v in values if v in self.roles})
        ignored = sorted(v for v in values if v not in self.groups and v not in self.roles)
        return Grants(tuple(groups), tuple(roles), tuple(ignored))


@dataclass(frozen=True)
class Grants:
    """What one sign-in's claims grant."""

    groups: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    ignored: tuple[str, ...] = ()
    """Claim values that map to nothing here (shown on the profile, never stored)."""


@dataclass(frozen=True)
class SignInConfig:
    """The validated sign-in set-up: provider names and the claim mapping."""

    providers: tuple[str, ...]
    """Names to pass to ``st.login``; ``"default"`` when ``[auth]`` holds the client."""
    mapping: ClaimMapping | None = None


def _claim_values(raw: object) -> list[str]:
    # Providers send a list ("groups": ["a", "b"]), a single string, or a space-separated
    # string (some send roles that way). Anything else is ignored.
    if isinstance(raw, str):
        items: Sequence[object] = raw.split()
    elif isinstance(raw, list | tuple):
        items = raw
    else:
        return []
    return [
        v for v in items if isinstance(v, str) and 0 < len(v) <= _CLAIM_VALUE_MAX and is_utf8(v)
    ]


def _url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parsed = urlparse(value)
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc)


def _fail(problem: str) -> ConfigurationError:
    return ConfigurationError(f"sign-in is half-configured in .streamlit/secrets.toml: {problem}")


def _providers(auth: Mapping[str, object]) -> tuple[str, ...]:
    named = [key for key, value in auth.items() if isinstance(value, Mapping)]
    has_default = any(key in auth for key in _PROVIDER_KEYS)
    found = ([DEFAULT_PROVIDER] if has_default else []) + named
    if not found:
        raise _fail(
            "[auth] names no identity provider; add client_id, client_secret and"
            " server_metadata_url to [auth], or a section such as [auth.google]"
        )
    for name in found:
        section = auth if name == DEFAULT_PROVIDER else auth[name]
        assert isinstance(section, Mapping)
        where = "[auth]" if name == DEFAULT_PROVIDER else f"[auth.{name}]"
        if "_" in name:
            raise _fail(f"{where}: provider names cannot contain '_' (Streamlit refuses them)")
        missing = [key for key in _PROVIDER_KEYS if not section.get(key)]
        if missing:
            raise _fail(f"{where} is missing {', '.join(missing)}")
        if not _url(section["server_metadata_url"]):
            raise _fail(f"{where} server_metadata_url must be an http(s) URL")
    return tuple(found)


def _mapping(raw: object, providers: tuple[str, ...], groups: Sequence[str]) -> ClaimMapping | None:
    if raw is None:
        return None
    where = "[charter.claims]"
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{where} must be a table")
    claim = raw.get("claim")
    if not isinstance(claim, str) or not claim.strip():
        raise ConfigurationError(f"{where} needs claim = the ID-token claim to read, e.g. groups")
    trusted = raw.get("providers", list(providers))
    if not isinstance(trusted, list) or not all(isinstance(p, str) for p in trusted):
        raise ConfigurationError(f"{where} providers must be a list of provider names")
    unknown_providers = sorted(set(trusted) - set(providers))
    if unknown_providers:
        raise ConfigurationError(
            f"{where} trusts provider(s) {', '.join(unknown_providers)} that [auth] does not"
            f" configure (configured: {', '.join(providers)})"
        )
    group_map = raw.get("groups", {})
    role_map = raw.get("roles", {})
    if not isinstance(group_map, Mapping) or not isinstance(role_map, Mapping):
        raise ConfigurationError(f"{where}.groups and {where}.roles must be tables")
    bad_groups = sorted(
        {str(g) for g in group_map.values()} - (set(groups) - {PUBLIC_GROUP}),
    )
    if bad_groups:
        raise ConfigurationError(
            f"{where}.groups maps claim values to group(s) {', '.join(bad_groups)} that do not"
            f" exist here; groups that need verification: "
            f"{', '.join(g for g in groups if g != PUBLIC_GROUP)} (CHARTER_GROUPS)"
        )
    assignable = {r.value for r in Role} - {Role.PARTICIPANT.value}
    bad_roles = sorted({str(r) for r in role_map.values()} - assignable)
    if bad_roles:
        raise ConfigurationError(
            f"{where}.roles maps claim values to unknown role(s) {', '.join(bad_roles)};"
            f" roles: {', '.join(sorted(assignable))}"
        )
    return ClaimMapping(
        claim=claim.strip(),
        providers=frozenset(trusted),
        groups={str(k): str(v) for k, v in group_map.items()},
        roles={str(k): Role(str(v)) for k, v in role_map.items()},
    )


def sign_in_config(secrets: Mapping[str, object], groups: Sequence[str]) -> SignInConfig | None:
    """Validate the sign-in set-up in ``secrets``; None when no ``[auth]`` is configured.

    Raises:
        ConfigurationError: ``[auth]`` is half-configured, or ``[charter.claims]`` names a
            provider, group or role that does not exist.
    """
    auth = secrets.get("auth")
    charter = secrets.get("charter")
    claims = charter.get("claims") if isinstance(charter, Mapping) else None
    if auth is None:
        if claims is not None:
            raise ConfigurationError(
                "[charter.claims] is set but [auth] is not: claims come from sign-in"
            )
        return None
    if not isinstance(auth, Mapping):
        raise _fail("[auth] must be a table")
    redirect = auth.get("redirect_uri")
    if not redirect:
        raise _fail("[auth] is missing redirect_uri (e.g. http://localhost:8501/oauth2callback)")
    if not _url(redirect) or not str(redirect).endswith("/oauth2callback"):
        raise _fail(f"redirect_uri {redirect!r} must be an http(s) URL ending in /oauth2callback")
    secret = auth.get("cookie_secret")
    if not secret:
        raise _fail("[auth] is missing cookie_secret (a long random string)")
    if not isinstance(secret, str) or len(secret) < COOKIE_SECRET_MIN:
        raise _fail(f"cookie_secret must be at least {COOKIE_SECRET_MIN} characters")
    if secret.startswith(EXAMPLE_PLACEHOLDER):
        raise _fail("cookie_secret is still the example's placeholder; generate a random one")
    providers = _providers(auth)
    return SignInConfig(providers=providers, mapping=_mapping(claims, providers, groups))


# -- identities -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """One signed-in person as their provider describes them."""

    issuer: str
    subject: str
    provider: str
    name: str
    """Display name: the ``name`` claim, else ``preferred_username``, else a placeholder."""
    grants: Grants = Grants()


def identity_from_claims(
    claims: Mapping[str, object], mapping: ClaimMapping | None
) -> Identity | None:
    """The identity in a signed-in ``st.user``; None without an issuer and subject.

    The display name is tidied and cut to fit (empty when the provider sends none); e-mail
    is neither required nor stored.
    """
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not isinstance(issuer, str) or not isinstance(subject, str) or not issuer or not subject:
        return None
    if not is_utf8(issuer) or not is_utf8(subject):
        return None  # a key is never tidied: that could make it someone else's
    provider = str(claims.get("provider") or DEFAULT_PROVIDER)
    name = ""
    for key in ("name", "preferred_username", "nickname"):
        raw = claims.get(key)
        if isinstance(raw, str):
            name = tidy_line(raw, max_length=NAME_MAX)
            if name:
                break
    grants = mapping.resolve(provider, claims) if mapping else Grants()
    return Identity(
        issuer=issuer[:500], subject=subject[:500], provider=provider, name=name, grants=grants
    )
