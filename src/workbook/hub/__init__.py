"""Workshops on JupyterHub: the cohort service, sync from the learner's side, the facilitator view.

The service (``python -m workbook.hub``) needs jupyterhub, installed with ``workbook[hub]``;
the learner's side needs only what workbook needs.
"""

from __future__ import annotations

from .sync import BackgroundSync, HttpTarget, SyncResult, status_line, sync

__all__ = ["BackgroundSync", "HttpTarget", "SyncResult", "status_line", "sync"]
