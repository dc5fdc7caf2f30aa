"""A workbook notebook opens on the server's warm spare kernel (lab/kernels.py), with its answers,
and a restart of that kernel gives a plain fresh one that brings them back too."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import JupyterServer, Lab
from playwright.sync_api import Route, expect

pytestmark = pytest.mark.browser

MODULE = "module-04-account-management-team.ipynb"
EXERCISE = "m04.gap"


def spare(server: JupyterServer) -> str:
    """The id of the server's spare: a kernel with a connection file that the API does not list."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        listed = {kernel["id"] for kernel in server.api("GET", "/api/kernels")}
        files = {
            Path(f).stem.removeprefix("kernel-")
            for f in (server.base / "runtime").glob("kernel-*.json")
        }
        if len(files - listed) == 1:
            return (files - listed).pop()
        time.sleep(0.2)
    raise AssertionError("no spare kernel within 30 s")


def kernel_id(lab: Lab) -> str:
    return str(
        lab.page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id"
        )
    )


def test_a_notebook_on_the_spare_shows_its_answers_and_survives_a_restart(lab: Lab) -> None:
    lab.server.save_answer(EXERCISE, "text", "Saved before the spare was handed out")
    warm = spare(lab.server)
    lab.open(MODULE)
    assert kernel_id(lab) == warm
    area = lab.exercise(EXERCISE).locator(".widget-textarea textarea")
    expect(area).to_have_value("Saved before the spare was handed out")
    with lab.saving(EXERCISE):
        area.fill("Written on the spare")
    assert lab.server.answers(EXERCISE)["text"] == "Written on the spare"
    assert spare(lab.server) != warm  # the next one, for the next notebook

    lab.restart_kernel()  # a plain fresh kernel under the same id
    assert kernel_id(lab) == warm
    expect(area).to_have_value("Written on the spare")
    with lab.saving(EXERCISE):
        area.fill("Written after the restart")
    assert lab.server.answers(EXERCISE)["text"] == "Written after the restart"
    assert not [m for m in lab.console if "pageerror" in m]


def test_a_notebook_starts_its_kernel_without_waiting_for_its_checkpoint(lab: Lab) -> None:
    """JupyterLab starts a document's session only once it has listed (on a first visit also
    made) the file's checkpoints; a workbook notebook, never saved, does not wait for them."""
    held: list[Route] = []
    # Answered only after the run.
    lab.page.route("**/api/contents/*/checkpoints*", lambda route: held.append(route))
    lab.open("module-05-core-differences.ipynb")  # its cells have run, with the spare
    assert held, "JupyterLab asked for no checkpoint: nothing was held back"
    for route in held:
        route.continue_()
    # Later requests go through: one held for ever kept the page from closing for 30 s.
    lab.page.unroute("**/api/contents/*/checkpoints*")
    assert not [m for m in lab.console if "pageerror" in m]
