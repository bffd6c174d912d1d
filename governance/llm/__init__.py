"""The LLM adapter: the one place in ``governance`` that imports LangChain.

Everything else stays free of LangChain, so the domain can be tested and run without it;
``governance/ruff.toml`` enforces this.
"""
