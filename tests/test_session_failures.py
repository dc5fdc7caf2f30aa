"""A session under failure: nothing typed is dropped, whatever fails, and bad input is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from workbook import AnswerError, load_course
from workbook.course.model import Course
from workbook.learner.session import Session
from workbook.store import Event, MemoryStore, ParquetStore


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


class Flaky(MemoryStore):
    """A store whose next appends fail with an error no one planned for."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def append(self, events: Sequence[Event]) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the disk driver fell over")
        super().append(events)


def test_any_exception_keeps_the_answers_pending(course: Course) -> None:
    store = Flaky(failures=1)
    s = Session(course, store, "local", "ada", debounce=60)
    s.set("m03.skills", "patience", 7, "first-day")
    with pytest.raises(RuntimeError):
        s.flush()
    assert s.pending == 1 and s.status.state == "failed"
    assert "the disk driver fell over" in s.status.message
    s.flush()  # the retry
    assert s.pending == 0 and str(s.status.state) == "saved"  # str: mypy narrowed it above
    assert [e.value for e in store.history("local", "ada")] == [7]


@pytest.mark.parametrize(
    ("key", "value", "snapshot", "message"),
    [
        ("choice", ["skip-kickoff"], "", r"\['skip-kickoff'\] is not one of \['no-clear"),
        ("choice", {"a": 1}, "", r"\{'a': 1\} is not one of \['no-clear"),
        ("patience", 5, "check-in-9999-99-99", "Unknown snapshot 'check-in-9999-99-99'"),
        ("patience", 5, "check-in-2026-02-30", "Unknown snapshot 'check-in-2026-02-30'"),
    ],
)
def test_bad_values_are_answer_errors(
    course: Course, key: str, value: object, snapshot: str, message: str
) -> None:
    s = Session(course, MemoryStore(), "local", "ada", debounce=60)
    exercise = "m08.mistake" if key == "choice" else "m03.skills"
    with pytest.raises(AnswerError, match=message):
        s.set(exercise, key, value, snapshot)  # type: ignore[arg-type]
    assert s.pending == 0


_EXIT_WITH_PENDING = """
from workbook import load_course
from workbook.learner.session import Session
from workbook.store import ParquetStore, default_root
s = Session(load_course(), ParquetStore(default_root()), "local", "ada", debounce=60)
s.set("m03.skills", "patience", 6, "first-day")
"""  # the kernel exits with the answer still pending: atexit must save or keep it


def test_workbook_home_that_is_a_file_keeps_pending_answers_at_exit(tmp_path: Path) -> None:
    home = tmp_path / "not-a-folder"
    home.write_text("oops")
    env = {**os.environ, "WORKBOOK_HOME": str(home), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    done = subprocess.run(
        [sys.executable, "-c", _EXIT_WITH_PENDING], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("workbook: 1 answer(s) not saved: could not save answers in")
    assert f"{home} is a file where a folder should be: move it away" in lines[0]
    rescue = tmp_path / "xdg" / "workbook"
    assert lines[1].startswith(f"workbook: they were kept in {rescue}: set WORKBOOK_HOME=")
    (event,) = ParquetStore(rescue).history("local", "ada")
    assert (event.exercise_id, event.field, event.value) == ("m03.skills", "patience", 6)
    assert home.read_text() == "oops"
