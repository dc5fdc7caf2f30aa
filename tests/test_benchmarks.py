"""Every benchmark still starts: its imports (the tests' harnesses it borrows) resolve and it
parses its arguments. A benchmark is run by hand, so nothing else would notice it broken."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parents[1] / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("bench", BENCHMARKS, ids=lambda p: p.stem)
def test_the_benchmark_starts(bench: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(bench), "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout
