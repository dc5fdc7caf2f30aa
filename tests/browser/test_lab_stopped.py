"""Another browser takes the notebook: the first window notices at once and loses no words.

Opening a notebook stops the session an earlier page left on it (labextension/src/index.ts), so
the same learner opening it on a second device stops the first window's kernel. A window of the
same browser hears of it at once (BroadcastChannel, see test_lab_return.py); another browser's
window used to hear only at JupyterLab's next poll of the server's sessions, up to 10 s, and what
was typed there meanwhile went to a stopped kernel and was never saved.

The tests start the second browser just after the first window's poll, so that poll is ~10 s
away. `HeldSocket` stands for a slow network between the first window and its kernel: the
server's messages (among them the stopped kernel's last words) reach the page late, and what the
learner types meanwhile goes to the stopped kernel, as over a hub's proxy from far away.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import ARTIFACTS, TIMEOUT_MS, Lab
from playwright.sync_api import Browser, Locator, Response, WebSocketRoute, expect

pytestmark = pytest.mark.browser

MODULE = "module-04-account-management-team.ipynb"
EXERCISE = "m04.gap"
KERNEL_SOCKET = re.compile(r"/api/kernels/[^/]+/channels")
NOTICED_WITHIN_S = 3.0  # "at once": well under JupyterLab's 10 s poll


class HeldSocket:
    """The first window's kernel connections, with the server's side held back on demand."""

    def __init__(self) -> None:
        self.holding = False
        self.held: list[tuple[WebSocketRoute, str | bytes]] = []

    def route(self, page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()
        page_side.on_message(server_side.send)  # the page's messages pass straight on
        server_side.on_message(lambda message: self.deliver(page_side, message))

    def deliver(self, page_side: WebSocketRoute, message: str | bytes) -> None:
        if self.holding:
            self.held.append((page_side, message))
        else:
            page_side.send(message)

    def release(self) -> None:
        self.holding = False
        for page_side, message in self.held:
            page_side.send(message)
        self.held.clear()


def is_sessions_poll(url: str, method: str) -> bool:
    return method == "GET" and url.split("?")[0].endswith("/api/sessions")


@contextmanager
def second_browser(lab: Lab, browser: Browser) -> Iterator[tuple[Lab, float]]:
    """The same learner on another device, opening the notebook just after the first window's
    poll of the sessions (so its next one is ~10 s away). Yields that window, once the notebook
    ran there, and when it stopped the first window's session (`time.monotonic`)."""
    with lab.page.expect_request(
        lambda request: is_sessions_poll(request.url, request.method), timeout=15_000
    ):
        pass
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        other = Lab(context.new_page(), lab.server)

        def stops_a_session(response: Response) -> bool:
            return response.request.method == "DELETE" and "/api/sessions/" in response.url

        with other.page.expect_response(stops_a_session, timeout=TIMEOUT_MS) as stopped:
            other.page.goto(f"{lab.server.url}/lab/tree/{MODULE}?token={lab.server.token}&reset")
        assert stopped.value.ok
        taken = time.monotonic()
        other.wait_for_notebook(MODULE)
        yield other, taken
    finally:
        context.close()


def open_and_write(lab: Lab, text: str, socket: HeldSocket | None = None) -> Locator:
    """Open the notebook (its kernel's messages through `socket`) and save a first answer (one
    of the test's own: an answer the store holds already would not be saved again)."""
    if socket is not None:
        lab.page.route_web_socket(KERNEL_SOCKET, socket.route)
    lab.open(MODULE)
    area: Locator = lab.exercise(EXERCISE).locator(".widget-textarea textarea")
    with lab.saving(EXERCISE):
        area.fill(text)
    return area


def session_id(lab: Lab) -> str:
    return str(
        lab.page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session?.id ?? ''"
        )
    )


def reload_shows(lab: Lab, text: str) -> None:
    lab.page.goto(f"{lab.server.url}/lab?token={lab.server.token}")
    lab.wait_for_notebook(MODULE)
    expect(lab.exercise(EXERCISE).locator(".widget-textarea textarea")).to_have_value(text)


def test_another_browser_taking_the_notebook_is_noticed_at_once(lab: Lab, browser: Browser) -> None:
    area = open_and_write(lab, "Written in the first window, noticed at once")
    first = session_id(lab)

    with second_browser(lab, browser) as (_, taken):
        lab.page.wait_for_function(
            "(old) => (window.jupyterapp.shell.currentWidget.sessionContext.session?.id ?? old)"
            " !== old",
            arg=first,
            timeout=TIMEOUT_MS,
        )
        noticed = time.monotonic() - taken
        print(f"a fresh kernel {noticed:.2f} s after the stop")  # shown with pytest -s
        assert noticed < NOTICED_WITHIN_S, f"a fresh kernel only {noticed:.1f} s after the stop"
        lab.wait_for_runs(2)
        expect(area).to_be_editable()
        with lab.saving(EXERCISE):
            area.fill("Typed in the first window as soon as it could")
        assert (
            lab.server.answers(EXERCISE)["text"] == "Typed in the first window as soon as it could"
        )
        lab.page.screenshot(path=ARTIFACTS / "stopped-noticed-at-once.png")
    reload_shows(lab, "Typed in the first window as soon as it could")


def test_words_typed_before_the_window_hears_of_the_stop_are_saved(
    lab: Lab, browser: Browser
) -> None:
    socket = HeldSocket()
    area = open_and_write(lab, "Written in the first window, over a slow network", socket)

    socket.holding = True  # from now on the kernel's messages reach this window late
    with second_browser(lab, browser):
        # The kernel is stopped; this window does not know yet, and takes the words.
        area.fill("Typed while the other window took the notebook")
        lab.page.wait_for_timeout(500)  # sent: to a kernel that is gone
        socket.release()
        lab.wait_for_runs(2)
        lab.server.wait_for(
            lambda: (
                lab.server.answers(EXERCISE).get("text")
                == "Typed while the other window took the notebook"
            ),
            "the words typed into the stopped kernel saved",
        )
        expect(area).to_have_value("Typed while the other window took the notebook")
        expect(area).to_be_editable()
        lab.page.screenshot(path=ARTIFACTS / "stopped-words-kept.png")
    reload_shows(lab, "Typed while the other window took the notebook")


def test_an_answer_saved_in_the_other_window_afterwards_wins(lab: Lab, browser: Browser) -> None:
    socket = HeldSocket()
    area = open_and_write(lab, "Written in the first window, before the other", socket)

    socket.holding = True
    with second_browser(lab, browser) as (other, _):
        area.fill("Typed here, into the stopped kernel")
        there = other.exercise(EXERCISE).locator(".widget-textarea textarea")
        with other.saving(EXERCISE):
            there.fill("Written later in the second window")
        socket.release()
        lab.wait_for_runs(2)
        expect(area).to_have_value("Written later in the second window")
        lab.page.wait_for_timeout(2000)  # what the first window would re-apply, it has by now
        assert lab.server.answers(EXERCISE)["text"] == "Written later in the second window"
        expect(there).to_have_value("Written later in the second window")

        # Not lost either: the first window offers its words, and one click saves them.
        offer = lab.page.locator(".Toastify__toast", has_text="Not saved")
        expect(offer).to_contain_text("Typed here, into the stopped kernel")
        lab.page.screenshot(path=ARTIFACTS / "stopped-words-offered.png")
        with lab.saving(EXERCISE):
            offer.get_by_role("button", name="Use what I typed here").click()
        assert lab.server.answers(EXERCISE)["text"] == "Typed here, into the stopped kernel"
