"""A local OpenID Connect stack: try Charter's real sign-in without any account.

Three parts, usable on their own by the test suite (``from tests.oidc_stack import ...``):

* ``mock_provider`` runs `oidc-provider-mock <https://pypi.org/project/oidc-provider-mock/>`_
  on the loopback interface. Its authorize page shows the ``MOCK_USERS`` as one-click buttons
  and accepts any other ``sub`` typed in; custom claims such as ``charter_groups`` end up in
  the ID token.
* ``write_secrets`` writes a Streamlit ``secrets.toml`` whose ``[auth.mock]`` provider points
  at it, plus Charter's claim mapping (``CLAIMS_SECTION``).
* ``streamlit_command`` is the ``streamlit run app.py`` command line that reads only that
  secrets file, not a developer's own ``.streamlit/secrets.toml``.

Run as a script (``make run-oidc``), it starts all of it::

    python tests/oidc_stack.py [--port 8501] [--idp-port 9400] [--db data/charter-oidc.duckdb]

Open the printed ``http://127.0.0.1:...`` address, not ``localhost``: Streamlit keeps the
sign-in state in cookies, which browsers keep per host name.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType

import werkzeug.serving
from authlib.deprecate import AuthlibDeprecationWarning

with warnings.catch_warnings():
    # oidc-provider-mock 0.3.4 imports ``authlib.jose``, which warns on every import.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from oidc_provider_mock import User
    from oidc_provider_mock import app as provider_app

REPO_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and str(REPO_ROOT) not in sys.path:
    # Run as a script: make ``import governance`` (and ``tests``) work like under pytest.
    sys.path.insert(0, str(REPO_ROOT))

#: Every server of the stack listens on this address only.
LOOPBACK = "127.0.0.1"
#: The provider's name in ``[auth.<name>]``; the app signs in with ``st.login(PROVIDER)``.
PROVIDER = "mock"
CLIENT_ID = "charter-local"
CLIENT_SECRET = "charter-local-secret"  # the mock accepts any client secret
#: The custom ID-token claim that lists a person's groups.
GROUPS_CLAIM = "charter_groups"
DEFAULT_APP_PORT = 8501
#: Fixed by default so the issuer (``http://127.0.0.1:9400``), part of a person's identity,
#: stays the same from one run to the next.
DEFAULT_IDP_PORT = 9400
#: Relative to the repository root.
DEFAULT_DB = Path("data") / "charter-oidc.duckdb"

#: How long ``main`` waits for Streamlit to answer its health check, then to stop.
_START_TIMEOUT_S = 60.0
_STOP_TIMEOUT_S = 10.0


def _person(sub: str, name: str, groups: Sequence[str]) -> User:
    return User(
        sub=sub,
        claims={
            "name": name,
            "email": f"{sub}@example.org",
            "email_verified": True,
            GROUPS_CLAIM: list(groups),
        },
    )


#: Demo people, offered as one-click buttons on the provider's authorize page.
MOCK_USERS: tuple[User, ...] = (
    _person("ada", "Ada Okafor", ["ethics-board"]),
    _person("ben", "Ben Adeyemi", ["ml-engineering"]),
    _person("mod", "Mira Castellanos", ["charter-moderators"]),
    _person("stew", "Sam Whitfield", ["charter-stewards", "ethics-board"]),
    _person("aud", "Ines Laurent", ["charter-auditors"]),
    _person("pat", "Pat Doe", []),
)

#: Charter's claim mapping: which ``charter_groups`` values make someone a member of a
#: stakeholder group, and which grant a role. Only sign-ins through ``providers`` count.
CLAIMS_SECTION = """\
[charter.claims]
claim = "charter_groups"
providers = ["mock"]

[charter.claims.groups]
"ethics-board" = "ethicist"
"ml-engineering" = "engineer"

[charter.claims.roles]
"charter-moderators" = "moderator"
"charter-stewards" = "steward"
"charter-auditors" = "auditor"
"""


@contextmanager
def mock_provider(port: int = 0, users: Sequence[User] = MOCK_USERS) -> Iterator[str]:
    """Run an OpenID Connect provider on the loopback interface, in a background thread.

    The issuer is the URL the provider is reached at, so always use the yielded URL as is
    (``127.0.0.1``, not ``localhost``). The provider accepts any client id and secret and any
    redirect URI. Its state (keys, codes, tokens) lives in memory and ends with the context.

    Args:
        port: TCP port; 0 picks a free one.
        users: People offered as one-click buttons; any other ``sub`` can be typed in.

    Yields:
        The base URL, such as ``http://127.0.0.1:9400``.

    Raises:
        OSError: The port is taken.
    """
    # Bind here: on a taken port werkzeug's own bind prints a message and calls sys.exit(1).
    with socket.create_server((LOOPBACK, port)) as listener:
        server = werkzeug.serving.make_server(
            LOOPBACK,
            listener.getsockname()[1],
            provider_app(user_claims=users),
            threaded=True,
            fd=listener.fileno(),  # werkzeug serves a duplicate of this socket
        )
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name=f"oidc-provider-mock:{server.port}",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string: same quotes and escapes.
    return json.dumps(value, ensure_ascii=False)


def write_secrets(folder: Path, *, app_url: str, provider_url: str) -> Path:
    """Write a Streamlit ``secrets.toml`` for signing in to the app through the mock provider.

    Args:
        folder: Where to write ``secrets.toml`` (created if missing).
        app_url: The app's base URL as the browser opens it, such as ``http://127.0.0.1:8501``.
        provider_url: The provider's base URL, as yielded by ``mock_provider``.

    Returns:
        The path of the written file.
    """
    app_url = app_url.rstrip("/")
    provider_url = provider_url.rstrip("/")
    text = "\n".join(
        [
            "# Written by tests/oidc_stack.py: local sign-in through oidc-provider-mock.",
            "[auth]",
            f"redirect_uri = {_toml_string(f'{app_url}/oauth2callback')}",
            f"cookie_secret = {_toml_string(secrets.token_hex(32))}",
            "",
            f"[auth.{PROVIDER}]",
            f"client_id = {_toml_string(CLIENT_ID)}",
            f"client_secret = {_toml_string(CLIENT_SECRET)}",
            "server_metadata_url = "
            + _toml_string(f"{provider_url}/.well-known/openid-configuration"),
            "",
            CLAIMS_SECTION,
        ]
    )
    tomllib.loads(text)  # fail here, not in Streamlit, if the file would not parse
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def streamlit_command(*, port: int, secrets_file: Path) -> list[str]:
    """The command that serves the app on the loopback interface, to run from the repo root.

    ``--secrets.files`` replaces Streamlit's default secrets locations, so a developer's own
    ``.streamlit/secrets.toml`` is not read.

    Args:
        port: The app's TCP port.
        secrets_file: The secrets file, such as one written by ``write_secrets``.

    Returns:
        The command line, starting with this Python interpreter.
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.address",
        LOOPBACK,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--secrets.files",
        str(secrets_file),
    ]


# -- the script --------------------------------------------------------------------------------


def _port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Like the servers: a port left in TIME_WAIT by a previous run is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return True
    return False


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> bool:
    """Wait until Streamlit answers its health check; False if it exited or took too long."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    return False


def _stop(process: subprocess.Popen[bytes]) -> int:
    """Stop Streamlit gracefully (it may already be stopping after a Ctrl-C), else kill it."""
    if process.poll() is None:
        process.terminate()
    try:
        return process.wait(timeout=_STOP_TIMEOUT_S)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        process.kill()
        return process.wait()


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _groups(user: User) -> list[str]:
    value = user.claims.get(GROUPS_CLAIM)
    return [str(group) for group in value] if isinstance(value, list) else []


def _banner(*, app_url: str, provider_url: str, db: Path, secrets_file: Path) -> str:
    mapping = tomllib.loads(CLAIMS_SECTION)["charter"]["claims"]
    meanings = {
        **{group: f"group {name}" for group, name in mapping["groups"].items()},
        **{group: f"role {name}" for group, name in mapping["roles"].items()},
    }
    width = max(len(user.sub) for user in MOCK_USERS)
    name_width = max(len(str(user.claims["name"])) for user in MOCK_USERS)
    people = []
    for user in MOCK_USERS:
        groups = _groups(user)
        described = ", ".join(f"{g} ({meanings.get(g, 'unmapped')})" for g in groups)
        name = str(user.claims["name"])
        people.append(
            f"    {user.sub:<{width}}  {name:<{name_width}}  {described or 'public only'}"
        )
    rule = "=" * 78
    return "\n".join(
        [
            rule,
            "Charter with local OpenID Connect sign-in (no account needed)",
            f"  Open      {app_url}",
            "            use exactly this address: with `localhost` sign-in fails (cookies are",
            "            per host name)",
            f"  Provider  {provider_url}  (oidc-provider-mock, issuer {provider_url})",
            f"  Database  {db}",
            f"  Secrets   {secrets_file}  (deleted on exit)",
            "  Sign in, then pick one of these people on the provider's page (or type any",
            "  other name into its `sub` field to sign in as someone new, with no groups):",
            *people,
            "  Stop with Ctrl-C.",
            rule,
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mock provider and the app with real sign-in until Streamlit exits or Ctrl-C.

    Args:
        argv: Command-line arguments without the program name; ``sys.argv[1:]`` when None.

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python tests/oidc_stack.py",
        description="Serve Charter with real OpenID Connect sign-in against a local mock "
        "provider, with demo people and no accounts.",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_APP_PORT, help="the app's port (default %(default)s)"
    )
    parser.add_argument(
        "--idp-port",
        type=int,
        default=DEFAULT_IDP_PORT,
        help="the provider's port (default %(default)s); it is part of the issuer",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"DuckDB file, seeded with the demo data if new (default {DEFAULT_DB}, "
        "in the repository)",
    )
    args = parser.parse_args(argv)
    db: Path = (args.db or REPO_ROOT / DEFAULT_DB).resolve()
    app_url = f"http://{LOOPBACK}:{args.port}"

    if _port_taken(args.port):
        print(f"error: port {args.port} is taken; choose another with --port", file=sys.stderr)
        return 2
    env = {name: value for name, value in os.environ.items() if name != "CHARTER_DEMO"}
    env["CHARTER_DB"] = str(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    init = [sys.executable, "-m", "governance", "init", "--demo", "--db", str(db)]
    try:
        seeded = subprocess.run(init, cwd=REPO_ROOT, env=env, check=False)
    except KeyboardInterrupt:
        return 130
    if seeded.returncode != 0:
        print(f"error: {' '.join(init[1:])} failed", file=sys.stderr)
        return seeded.returncode

    # One log line per provider request (some carry whole ID tokens) would drown Streamlit's.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _on_sigterm)
    with ExitStack() as stack:
        try:
            provider_url = stack.enter_context(mock_provider(port=args.idp_port))
        except OSError as error:
            print(
                f"error: cannot serve the provider on port {args.idp_port}: {error};"
                " choose another with --idp-port",
                file=sys.stderr,
            )
            return 2
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="charter-oidc-")))
        secrets_file = write_secrets(folder, app_url=app_url, provider_url=provider_url)
        process = subprocess.Popen(
            streamlit_command(port=args.port, secrets_file=secrets_file), cwd=REPO_ROOT, env=env
        )
        try:
            if _wait_healthy(app_url, process, _START_TIMEOUT_S):
                banner = _banner(
                    app_url=app_url, provider_url=provider_url, db=db, secrets_file=secrets_file
                )
                print(banner, flush=True)
            return process.wait()
        except KeyboardInterrupt:
            _stop(process)
            return 0
        finally:
            if process.poll() is None:
                _stop(process)
    return 0  # unreachable: keeps type checkers content


if __name__ == "__main__":
    raise SystemExit(main())
