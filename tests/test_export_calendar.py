"""The .ics of dated actions parses back with icalendar; a second export keeps every UID."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from seed import COHORT, LEARNER, Seeded, seed

from workbook.errors import NothingToExportError
from workbook.export import export
from workbook.learner.session import Session
from workbook.store import ParquetStore


def _events(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)}


@pytest.fixture
def seeded(tmp_path: Path) -> Seeded:
    return seed(tmp_path / "store")


def test_one_event_per_dated_action_with_its_deliverable_and_partner(
    seeded: Seeded, tmp_path: Path
) -> None:
    done = export(
        ParquetStore(seeded.root), seeded.course, COHORT, LEARNER, format="ics", out=tmp_path
    )
    events = _events(done.path)
    assert len(events) == len(seeded.dates) == 3
    for (exercise, row), day in seeded.dates.items():
        event = events[f"{COHORT}.{LEARNER}.{exercise}.{row}@workbook"]
        assert event.start == day and event.end == day + dt.timedelta(days=1)
        # homework 3's plan follows its audit's snapshots: the Last day plan is the current one
        by = f"{'last-day ' if exercise == 'hw3.plan' else ''}by {LEARNER}"
        assert str(event["SUMMARY"]) == f"Answer {exercise} {row}/action {by}"
        description = str(event["DESCRIPTION"])
        assert f"Deliverable: Answer {exercise} {row}/deliverable {by}" in description
        assert f"Accountability partner: Answer {exercise} {row}/partner {by}" in description
        assert str(event["CONTACT"]) == f"Answer {exercise} {row}/partner {by}"


def test_a_second_export_keeps_the_uids_and_carries_the_change(
    seeded: Seeded, tmp_path: Path
) -> None:
    store = ParquetStore(seeded.root)
    first = _events(
        export(store, seeded.course, COHORT, LEARNER, format="ics", out=tmp_path / "a.ics").path
    )
    again = export(store, seeded.course, COHORT, LEARNER, format="ics", out=tmp_path / "b.ics")
    assert again.path.read_bytes() == (tmp_path / "a.ics").read_bytes()  # nothing changed

    session = Session(seeded.course, store, COHORT, LEARNER, debounce=60)
    session.refresh()
    session.set("m08.plan", "close-mistake/date", dt.date(2027, 1, 4))
    session.set("m08.plan", "close-mistake/action", "Book the CRM review")
    session.flush()
    second = _events(
        export(store, seeded.course, COHORT, LEARNER, format="ics", out=tmp_path / "c.ics").path
    )
    assert second.keys() == first.keys()
    uid = f"{COHORT}.{LEARNER}.m08.plan.close-mistake@workbook"
    assert second[uid].start == dt.date(2027, 1, 4)
    assert str(second[uid]["SUMMARY"]) == "Book the CRM review"
    # Calendars take the revision with the higher SEQUENCE (then the later DTSTAMP).
    assert second[uid].sequence == first[uid].sequence + 2
    assert second[uid].DTSTAMP >= first[uid].DTSTAMP
    untouched = f"{COHORT}.{LEARNER}.hw3.plan.lift-lowest@workbook"
    assert second[untouched].to_ical() == first[untouched].to_ical()


def test_an_undated_action_is_left_out_and_none_dated_is_an_error(tmp_path: Path) -> None:
    from workbook.course.content import load_course

    course = load_course()
    store = ParquetStore(tmp_path / "store")
    session = Session(course, store, COHORT, LEARNER, debounce=60)
    session.set("m08.plan", "close-mistake/action", "No date yet")
    session.flush()
    with pytest.raises(
        NothingToExportError, match="no dated actions yet: give an action a date in Module 8"
    ):
        export(store, course, COHORT, LEARNER, format="ics", out=tmp_path)
    # as the widgets save it: under the audit's snapshot in view (Last day, before any score)
    session.set("hw3.plan", "lift-lowest/date", dt.date(2026, 12, 24), "last-day")
    session.flush()
    events = _events(export(store, course, COHORT, LEARNER, format="ics", out=tmp_path).path)
    [event] = events.values()
    assert event.start == dt.date(2026, 12, 24)
    assert str(event["SUMMARY"]) == course.chapters[0].exercise("hw3.plan").rows[0].label
