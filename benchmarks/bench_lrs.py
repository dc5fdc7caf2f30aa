"""`workbook xapi push` into a real Ralph LRS on 127.0.0.1: statements per second.

    nice .venv/bin/python benchmarks/bench_lrs.py --events 1000000

Demo cohorts of about `--events` events (the analytics benchmark's, kept in `--root`), a Ralph
LRS as the tests start it (`tests/servers.py`), then the push timed as a user runs it, and a
second push of the same statements (all already there: what resuming costs). Ralph's fs
backend reads its whole file to check each batch's ids, so its rate falls as it fills: a
database-backed LRS is the production setting; this measures our side plus Ralph's checks.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    from bench_analytics import generate
    from servers import ralph_lrs

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--root", type=Path, help="store folder (default /tmp/wb-bench-<events>)")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    root = args.root or Path(f"/tmp/wb-bench-{args.events}")
    if not (root / "events").is_dir():
        generate(root, args.events)
    workbook = str(Path(sys.executable).parent / "workbook")
    with tempfile.TemporaryDirectory() as tmp, ralph_lrs(Path(tmp)) as lrs:
        env = {**os.environ, "WORKBOOK_LRS_USER": lrs.user, "WORKBOOK_LRS_PASSWORD": lrs.password,
               "WORKBOOK_SALT": "benchmark"}  # fmt: skip
        command = [workbook, "xapi", "push", str(root), "--engine", "duckdb", "--lrs", lrs.url,
                   "--batch-size", str(args.batch_size)]  # fmt: skip
        for label in ("first push", "again (all there)"):
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            seconds = time.perf_counter() - started
            print(f"{label}: {done.stdout.strip()} — {seconds:.1f} s with reading the store")


if __name__ == "__main__":
    main()
