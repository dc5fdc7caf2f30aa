"""Workshops on JupyterHub: the cohort service, sync from the learner's side, the facilitator view."""

from __future__ import annotations

from .names import store_id

__all__ = ["store_id"]
