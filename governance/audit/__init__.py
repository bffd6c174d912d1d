"""Audits: a release's principles checked on a chat model by a judge, and reviewed by people."""
