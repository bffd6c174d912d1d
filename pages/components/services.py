"""The one Charter of this process, with its job runner, and the deployment's settings."""

from __future__ import annotations

import streamlit as st

from governance.config import Settings
from governance.jobs.runner import JobRunner
from governance.services import Charter


@st.cache_resource(show_spinner=False)
def _charter(settings: Settings) -> Charter:
    charter = Charter.open(settings)
    # One job runner per process and database: it resumes jobs a previous process left
    # unfinished, closes due votes every minute and runs the jobs people start.
    JobRunner(charter).start()
    return charter


def settings() -> Settings:
    """The deployment's settings (from the environment, and the models from secrets.toml)."""
    try:
        secrets = st.secrets.to_dict()
    except Exception:  # no secrets file at all, or one Streamlit cannot parse
        secrets = {}
    return Settings.from_env(secrets=secrets)


def charter() -> Charter:
    """The services, shared by every session of this process."""
    return _charter(settings())
