"""The learner's store server (lab/store_service.py) run in the test process, on a real Unix
socket, on a thread of its own (as the Jupyter server runs it on its IOLoop)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet  # noqa: F401  # loaded whole: the service's lean_arrow leaves it be

from workbook.lab.store_service import StoreService


@contextlib.contextmanager
def store_service(
    root: Path, cohort: str = "local", learner: str = "ada"
) -> Iterator[StoreService]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="store-service", daemon=True)
    thread.start()

    async def make() -> StoreService:
        return StoreService(root, cohort, learner)

    async def stop(service: StoreService) -> None:
        service.close()

    service = asyncio.run_coroutine_threadsafe(make(), loop).result(60)
    try:
        yield service
    finally:
        asyncio.run_coroutine_threadsafe(stop(service), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
