"""The facilitator's live view: who is where, shared reflections, the cohort's scores.

Runs in the facilitator's own hub server (JupyterLab or the `workbook app` page): the kernel's
hub token holds the facilitator's rights and nothing more, so the view shows exactly the
cohorts they run. Every `POLL_SECONDS` it asks the service what changed (one small call) and
fetches only the learners whose answers moved, so a new answer shows within seconds and an
empty cohort fills in as learners sync, with no re-run. "Checked" is the time of the last
answer from the service; when it cannot be reached the view says so and keeps what it had.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import threading
import weakref

import ipywidgets as w

from ..analytics.privacy import MIN_GROUP
from ..course.content import load_course
from ..errors import WorkbookError
from ..paths import exports_root, write_private
from .facilitator import CohortView, connect
from .feed import Feed, ServiceFeed, Snapshot
from .layout import report, room_html
from .room import Room, room

__all__ = ["POLL_SECONDS", "facilitator_dashboard"]

POLL_SECONDS = 2.0
REDRAW_SECONDS = 30.0  # with nothing new, "stuck" and "saved N min ago" still move on


class _RoomView:
    def __init__(self, feed: Feed, cohorts: list[str], poll: float, min_group: int) -> None:
        self.feed, self.poll, self.min_group = feed, poll, min_group
        self.course = load_course()
        self.picker = w.Dropdown(options=cohorts, description="Cohort", layout={"width": "auto"})
        self.projector = w.ToggleButton(
            description="Projector mode", icon="television", tooltip="anonymised, large type"
        )
        self.pdf = w.Button(description="Report (PDF)", icon="file-pdf-o")
        self.html = w.Button(description="Report (HTML)", icon="file-text-o")
        self.status, self.body, self.download = w.HTML(), w.HTML(), w.HTML()
        self.status.add_class("wb-room-status")
        self.body.add_class("wb-room-body")
        self.widget = w.VBox(
            [w.HBox([self.picker, self.projector, self.pdf, self.html]), self.status,
             self.download, self.body],
            layout={"width": "100%"},
        )  # fmt: skip
        self.widget.add_class("wb-facilitator")
        self._lock = threading.Lock()
        self._room: Room | None = None
        self._drawn_at = dt.datetime.min.replace(tzinfo=dt.UTC)
        self.picker.observe(lambda _: self.update(force=True), names="value")
        self.projector.observe(lambda _: self._draw(), names="value")
        self.pdf.on_click(lambda _: self._report("pdf"))
        self.html.on_click(lambda _: self._report("html"))
        self.update(force=True)
        self._tick()

    def update(self, *, force: bool = False) -> None:
        with self._lock:
            cohort = str(self.picker.value)
            try:
                snapshot = self.feed.read(cohort)
            except WorkbookError as err:
                when = f"{dt.datetime.now():%H:%M:%S}"
                self.status.value = (
                    f'<span class="wb-flag">Could not read {cohort} at {when}: {err}</span>'
                    " · showing what was read before; retrying"
                )
                return
            stale = snapshot.checked_at - self._drawn_at > dt.timedelta(seconds=REDRAW_SECONDS)
            if force or snapshot.changed or stale or self._room is None:
                self._room = self._build(snapshot)
                self._drawn_at = snapshot.checked_at
                self._draw()
            self._status(snapshot)
        if snapshot.cohorts and snapshot.cohorts != tuple(self.picker.options):  # unlocked: may
            self._offer(snapshot.cohorts)  # call update() again through the picker

    def _offer(self, cohorts: tuple[str, ...]) -> None:
        """A cohort given to this facilitator (or taken away) while the view is open."""
        current = self.picker.value
        self.picker.options = cohorts
        if current in cohorts and self.picker.value != current:
            self.picker.value = current

    def _build(self, snapshot: Snapshot) -> Room:
        view = CohortView(snapshot.events, self.course.chapters[0], self.min_group)
        return room(view, snapshot.cohort, snapshot.expected, now=snapshot.checked_at)

    def _draw(self) -> None:
        if self._room is not None:
            self.body.value = room_html(self._room, projector=bool(self.projector.value))

    def _status(self, snapshot: Snapshot) -> None:
        newest = self._room.newest if self._room else None
        answer = f"newest answer {newest.astimezone():%H:%M:%S}" if newest else "no answer yet"
        self.status.value = (
            f"Live · checked {snapshot.checked_at.astimezone():%H:%M:%S} · {answer} · "
            f"refreshes every {self.poll:g} s"
        )

    def _report(self, format: str) -> None:
        if self._room is None:
            return
        data = report(self._room, self.course.title, format)
        name = f"report-{self._room.cohort}.{format}"
        # Shared reflections are personal: the exports folder, never the served notebooks'.
        folder = exports_root()
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_private(folder / name, data)
            saved = f"saved as {html.escape(str(folder / name))} · "
        except OSError:
            saved = ""
        media = "application/pdf" if format == "pdf" else "text/html"
        uri = f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"
        self.download.value = (
            f'<p class="wb-report-link">Report {saved}<a download="{name}" href="{uri}">'
            f"download {name}</a></p>"
        )

    def _tick(self) -> None:
        ref = weakref.ref(self)

        def run() -> None:
            me = ref()
            if me is not None and me.widget.comm is not None:  # closed: stop polling
                try:
                    me.update()
                except Exception as err:  # a bad reply must not end the polling
                    me.status.value = f'<span class="wb-flag">{html.escape(repr(err))}</span>'
                finally:
                    me._tick()

        timer = threading.Timer(self.poll, run)
        timer.daemon = True
        timer.start()


def facilitator_dashboard(
    poll: float = POLL_SECONDS, min_group: int = MIN_GROUP, feed: Feed | None = None
) -> w.Widget:
    """The live view of the cohorts this hub lets you run (`feed`: the service by default)."""
    try:
        feed = feed or ServiceFeed(connect(None, None))
        cohorts = feed.cohorts()
    except WorkbookError as err:
        return w.HTML(f"<p>The facilitator view needs the cohort service: {err}</p>")
    if not cohorts:
        return w.HTML(
            "<p>You facilitate no cohort on this hub yet. Ask the hub admin to add you to the"
            " group <code>facilitators-cohort-…</code> of your cohort: this view then shows it"
            " (re-open the notebook).</p>"
        )
    return _RoomView(feed, cohorts, poll, min_group).widget
