"""`workbook sync`: send this computer's answers to the cohort now."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OfflineError, SyncError

if TYPE_CHECKING:
    from .client import Target

__all__ = ["add_commands"]


def _target(args: argparse.Namespace) -> Target:
    from .client import HttpTarget, target_from_env

    if args.folder:
        from .folder import FolderTarget

        return FolderTarget(args.folder)
    if args.url:
        token = args.token or os.environ.get("WORKBOOK_SYNC_TOKEN") or ""
        return HttpTarget(args.url, token or os.environ.get("JUPYTERHUB_API_TOKEN", ""))
    target = target_from_env()
    if target is None:
        raise SyncError(
            "nowhere to sync to: pass --url https://HUB/services/workbook/ --token TOKEN "
            "(a token from the hub's Token page), or --folder DIR"
        )
    return target


def _sync(args: argparse.Namespace) -> int:
    from ..store.folders import default_root
    from ..store.ids import identity
    from ..store.lazy import LazyParquetStore
    from .client import sync

    cohort, learner = identity()
    root = default_root()
    target = _target(args)
    try:  # the store lists the learner's folder, and imports Arrow only if it changed
        result = sync(LazyParquetStore(root), root, cohort, learner, target)
    except OfflineError as err:
        print(f"Saved on this computer · not synced yet: {err}", file=sys.stderr)
        print("Your answers are safe here; run `workbook sync` again later.", file=sys.stderr)
        return 1
    except SyncError as err:  # refused: retrying would get the same answer
        print(f"Saved on this computer · not synced: {err}", file=sys.stderr)
        return 1
    finally:
        target.close()
    print(result.line)
    if not result.sent:
        print(f"nothing new to send: {result.cohort} has every answer change you saved")
    elif target.whole:
        print(f"sent {result.sent} new answer change(s): {result.cohort} holds your current"
              f" {result.stored} answer(s), text only where you shared it")  # fmt: skip
    else:
        print(f"sent {result.sent} answer change(s); {result.cohort} stored {result.stored} new")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("sync", help="send your saved answers to your cohort now")
    cmd.add_argument("--url", help="the cohort service, e.g. https://HUB/services/workbook/")
    cmd.add_argument("--token", help="a hub token (or set WORKBOOK_SYNC_TOKEN)")
    cmd.add_argument("--folder", type=Path, help="a cohort folder on a shared volume")
    cmd.set_defaults(run=_sync)
