"""Run an action once calls go quiet: each call starts the wait again.

The autosave, My progress's redraw and the background sync each wait for a quiet moment. A
`threading.Timer`, not asyncio: ipykernel 7 runs comm handlers on several threads, each with
its own event loop, so an asyncio debounce is unsafe there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["Debounce"]


class Debounce:
    """`action` runs once, on a daemon thread, `seconds` after the last `after(seconds)`."""

    def __init__(self, action: Callable[[], object]) -> None:
        self._action = action
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def after(self, seconds: float) -> None:
        """Run the action in `seconds`, instead of when an earlier call said."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(seconds, self._action)
            self._timer.daemon = True
            self._timer.start()
