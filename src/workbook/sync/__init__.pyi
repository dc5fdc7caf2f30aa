# The package's names, imported lazily by __init__.py (lazy_loader reads this file).
from .client import BackgroundSync, HttpTarget, SyncResult, status_line, sync

__all__ = ["BackgroundSync", "HttpTarget", "SyncResult", "status_line", "sync"]
