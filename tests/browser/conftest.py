"""End-to-end harness: a real `jupyter lab` driven by Debian's Chromium through Playwright.

Every test module gets its own server with its own copy of the notebooks and its own empty answer
store (a module is one learner's story: tests in it never depend on each other's answers).
Its tests share one JupyterLab page: each opens its notebooks in it as the index's links do
(`Lab.switch_to`), or loads it afresh where the load is what it tests (`Lab.open`, a reload).
Between tests the page's tabs are closed and the server's sessions and kernels shut down; after a
failure the next test gets a new page. On failure the page's screenshot,
the server log and the browser's console errors go to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from servers import free_port
from workers import one_worker

from workbook import load_course
from workbook.course.kinds import Value
from workbook.lab.install import learner_notebooks
from workbook.lab.jupyter import PRE_SAVE_HOOK, SERVER_CONFIG, app_command, learner_environment
from workbook.learner.session import Session
from workbook.learner.widgets.parts import NOT_SCORED
from workbook.store import ParquetStore

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"
JUPYTER = Path(sys.executable).parent / "jupyter"
# Debian's build of Chrome's headless shell: the same Blink and V8 without the browser's own UI
# (its WebUI renderer alone took ~40 s of CPU in a full run), ~10 % less CPU per JupyterLab load.
CHROMIUM = "/usr/bin/chromium-headless-shell"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LEARNER = "ada"
COHORT = "local"  # the default cohort, as a learner without a hub has
TIMEOUT_MS = 30_000  # the longest any single wait may take
TIMEOUT_S = TIMEOUT_MS / 1000

expect.set_options(timeout=TIMEOUT_MS)


# ---- the server ------------------------------------------------------------------------------


@dataclass
class JupyterServer:
    """One `jupyter lab` process: its notebooks folder, answer store and log."""

    name: str
    base: Path
    port: int
    token: str
    app: bool = False  # `workbook app` (Voilà) instead of JupyterLab
    learner: bool = False  # the course-only Lab `workbook lab` gives a learner
    args: tuple[str, ...] = ()  # more `jupyter lab` options (a test's culling, a benchmark's)
    process: subprocess.Popen[bytes] | None = None

    @property
    def root(self) -> Path:
        return self.base / "notebooks"

    @property
    def store(self) -> Path:
        return self.base / "store"

    @property
    def log(self) -> Path:
        return self.base / "jupyter.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def session(self) -> Session:
        """The learner's answers as the kernel sees them, read afresh from the store."""
        session = Session(load_course(), ParquetStore(self.store), COHORT, LEARNER, debounce=0)
        session.refresh()
        return session

    def answers(self, exercise_id: str) -> dict[str, Value]:
        return self.session().answers(exercise_id)

    def save_answer(self, exercise_id: str, key: str, value: Value) -> None:
        """An answer saved earlier (another day, another kernel)."""
        session = self.session()
        session.set(exercise_id, key, value)
        session.flush()

    def wait_for(self, condition: Callable[[], object], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {TIMEOUT_S:.0f} s: {what}")
            time.sleep(0.1)

    def start(self) -> None:
        self.root.mkdir(parents=True)
        self.store.mkdir()
        for name in learner_notebooks(NOTEBOOKS):  # what `workbook lab` serves a learner
            shutil.copy(NOTEBOOKS / name, self.root / name)
        settings = self.base / "settings"
        # No "Would you like to receive official Jupyter news?" toast over the lower right.
        notification = settings / "@jupyterlab" / "apputils-extension"
        notification.mkdir(parents=True)
        (notification / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JUPYTERHUB_", "WORKBOOK_", "JUPYTER_"))
        }
        env.update(
            WORKBOOK_HOME=str(self.store),
            WORKBOOK_LEARNER=LEARNER,
            JUPYTER_CONFIG_DIR=str(self.base / "config"),  # no user config leaks in
            JUPYTER_RUNTIME_DIR=str(self.base / "runtime"),
        )
        if self.learner:
            env = learner_environment(env)
        command = [
            str(JUPYTER),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--ContentsManager.pre_save_hook={PRE_SAVE_HOOK}",
            # What a learner's server runs: the spare kernel, Voilà's hook.
            f"--config={SERVER_CONFIG}",
            f"--LabApp.workspaces_dir={self.base / 'workspaces'}",
            f"--LabApp.user_settings_dir={settings}",
            "--LabApp.expose_app_in_browser=True",
            *self.args,
        ]
        if self.app:
            command = app_command(
                self.root,
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
            )
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with {self.process.returncode}:\n{self.log.read_text()}"
                )
            with contextlib.suppress(OSError):
                self.api("GET", "/api/status")
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"jupyter lab did not answer in {TIMEOUT_S:.0f} s")
            time.sleep(0.1)

    def clear(self) -> None:
        """Shut down every session and kernel, and wait until they are gone."""
        for session in self.api("GET", "/api/sessions"):
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels"):
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
        deadline = time.monotonic() + TIMEOUT_S
        while self.api("GET", "/api/kernels") or self.api("GET", "/api/sessions"):
            if time.monotonic() > deadline:
                raise RuntimeError("kernels still running after they were shut down")
            time.sleep(0.1)

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(OSError, urllib.error.URLError):
            self.clear()
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=TIMEOUT_S)


@pytest.fixture(scope="session")
def jupyter_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., JupyterServer]]:
    """A factory: each call starts a fresh server (fresh notebooks, empty store)."""
    started: list[JupyterServer] = []

    def start(name: str, app: bool = False, learner: bool = False) -> JupyterServer:
        server = JupyterServer(
            name=name,
            base=tmp_path_factory.mktemp(re.sub(r"\W", "-", name)),
            port=free_port(),
            token=os.urandom(16).hex(),
            app=app,
            learner=learner,
        )
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def server(
    jupyter_servers: Callable[..., JupyterServer], request: pytest.FixtureRequest
) -> Iterator[JupyterServer]:
    """This module's server: its learner starts with an empty store. Stopped after the module,
    not at the end of the session: a dozen idle JupyterLab servers (~100 MB each) piled up."""
    server = jupyter_servers(request.module.__name__)
    yield server
    server.stop()


# ---- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


# ---- accessibility ---------------------------------------------------------------------------

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SERIOUS = {"serious", "critical"}
_AXE = Axe()


def serious(page: Page, *scopes: str) -> list[str]:
    """axe-core's serious and critical WCAG 2.0/2.1 A/AA violations inside `scopes` (CSS
    selectors: our own content, not JupyterLab's chrome), one line per rule and element."""
    results = _AXE.run(page, context={"include": [[s] for s in scopes]}, options=WCAG)
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:120]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
        for node in v["nodes"]
    ]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page at 1400 px, for a test that drives the app rather than JupyterLab."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@dataclass
class Lab:
    """JupyterLab in one browser page, with the moves a learner makes."""

    page: Page
    server: JupyterServer
    console: list[str] = field(default_factory=list)
    fresh_layout: list[object] | None = None  # the layout as the last fresh load left it

    # opening and running ---------------------------------------------------------------------

    def open(self, notebook: str) -> None:
        """Open a notebook in a fresh workspace and wait until the extension has run it."""
        self.page.goto(f"{self.server.url}/lab/tree/{notebook}?token={self.server.token}&reset")
        self.wait_for_notebook(notebook)
        self.fresh_layout = self.layout()

    def wait_for_notebook(self, notebook: str) -> None:
        """Wait until the notebook is current and its cells have run once with this kernel."""
        self.page.wait_for_function(
            """(path) => {
                const w = window.jupyterapp?.shell?.currentWidget;
                return w?.context?.path === path
                    && w.node.getAttribute('data-wb-runs') >= 1
                    && w.sessionContext?.session?.kernel?.status === 'idle';
            }""",
            arg=notebook,
            timeout=TIMEOUT_MS,
        )

    def command(self, command: str, args: dict[str, Any] | None = None) -> None:
        """Run a JupyterLab command and wait for it to finish."""
        # Not its result: an opened widget is too deep a graph to send back to Python.
        self.page.evaluate(
            "async ([c, a]) => { await window.jupyterapp.commands.execute(c, a); }",
            [command, args or {}],
        )

    def run_all(self) -> None:
        """Run ▸ Run All Cells; returns once every cell has executed."""
        self.command("notebook:run-all-cells")

    def execution_counts(self) -> list[int | None]:
        return cast(
            list[int | None],
            self.page.evaluate(
                """() => {
                    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
                    const out = [];
                    for (let i = 0; i < cells.length; i++) {
                        const c = cells.get(i);
                        if (c.type === 'code') out.push(c.executionCount);
                    }
                    return out;
                }"""
            ),
        )

    def runs(self) -> int:
        """How many times the extension has run the current notebook's cells to the end."""
        return int(
            self.page.evaluate(
                "() => window.jupyterapp.shell.currentWidget.node.getAttribute('data-wb-runs') || 0"
            )
        )

    def wait_for_runs(self, count: int) -> None:
        self.page.wait_for_function(
            "(n) => +(window.jupyterapp.shell.currentWidget.node.getAttribute('data-wb-runs')) >= n",
            arg=count,
            timeout=TIMEOUT_MS,
        )

    def restart_kernel(self) -> None:
        """Kernel ▸ Restart Kernel…: no "All variables will be lost" dialog, cells run again."""
        runs = self.runs()
        self.command("kernelmenu:restart")  # returns once restarted: nothing asked in between
        expect(self.page.locator(".jp-Dialog")).to_have_count(0)
        self.wait_for_runs(runs + 1)

    def save_and_close(self, notebook: str) -> None:
        """File ▸ Save, then close the tab."""
        self.command("docmanager:save")
        self.command("application:close")
        self.page.wait_for_function(
            """(path) => ![...window.jupyterapp.shell.widgets('main')]
                .some((w) => w.context?.path === path)""",
            arg=notebook,
            timeout=TIMEOUT_MS,
        )

    def start(self) -> None:
        """Load JupyterLab in a fresh workspace, no notebook open."""
        self.page.goto(f"{self.server.url}/lab?token={self.server.token}&reset")
        self.page.wait_for_function("() => window.jupyterapp", timeout=TIMEOUT_MS)
        self.page.evaluate("async () => { await window.jupyterapp.restored; }")
        self.fresh_layout = self.layout()

    def layout(self) -> list[object]:
        """What a test may change of the page's layout: the side areas, the mode."""
        return cast(
            list[object],
            self.page.evaluate(
                """() => { const s = window.jupyterapp.shell;
                    return [s.leftCollapsed, s.rightCollapsed, s.mode, s.presentationMode]; }"""
            ),
        )

    def loaded(self) -> bool:
        """Whether the page shows this server's JupyterLab."""
        return (
            not self.page.is_closed()
            and self.page.url.startswith(f"{self.server.url}/lab")
            and bool(self.page.evaluate("() => !!window.jupyterapp?.shell"))
        )

    def close_tabs(self) -> None:
        """Close every tab as the learner does (nothing to save: answers save as typed), and
        shut down what the server still runs."""
        self.page.evaluate(
            """() => {
                for (const w of [...window.jupyterapp.shell.widgets('main')]) {
                    if (w.context) w.context.model.dirty = false;
                    w.dispose();
                }
            }"""
        )
        self.server.clear()

    def switch_to(self, notebook: str, *exercise_ids: str) -> None:
        """Close every tab and open `notebook` in the loaded page, as following the index's
        link does (a fresh kernel, without loading JupyterLab again: ~3 s of Chromium's CPU
        less than `open`; the page is loaded first if it is not); wait until these exercises'
        widgets are on screen."""
        if self.loaded():
            self.close_tabs()
        else:
            self.start()
        self.reopen(notebook)
        for exercise_id in exercise_ids:
            expect(self.exercise(exercise_id)).to_be_visible()

    def reopen(self, notebook: str) -> None:
        """Open the notebook again, as a double-click in the file browser does."""
        self.command("docmanager:open", {"path": notebook})
        self.wait_for_notebook(notebook)

    # exercises -------------------------------------------------------------------------------

    @property
    def notebook(self) -> Locator:
        """The notebook in the current tab (other open tabs stay in the page, hidden)."""
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")

    def exercise(self, exercise_id: str) -> Locator:
        return self.notebook.locator(f".wb-ex-{exercise_id.replace('.', '-')}")

    def run_all_banner(self) -> Locator:
        return self.notebook.locator(
            ".jp-RenderedMarkdown blockquote", has_text="to load your answers"
        )

    def progress(self, part: str = "summary") -> Locator:
        """The progress widget's `summary`, `detail` or `unit` line."""
        cls = "wb-unit-progress" if part == "unit" else f"wb-progress-{part}"
        return self.notebook.locator(f".wb-progress .{cls}")

    def status(self, exercise_id: str) -> Locator:
        return self.exercise(exercise_id).locator(".wb-status")

    def saving(self, exercise_id: str) -> SavedWait:
        """`with lab.saving("m03.skills"): <edit>`: on exit, the edit's own "Saved" is shown.

        The status text is blanked first, so an earlier "Saved" cannot pass for this edit's.
        """
        return SavedWait(self, exercise_id)

    def score_sliders(self, exercise_id: str, scores: list[int]) -> None:
        """1–10 scales: keyboard on each slider handle, one step per arrow (unscored is step 0)."""
        sliders = self.exercise(exercise_id).locator(".widget-slider")
        expect(sliders).to_have_count(len(scores))
        for slider, target in zip(sliders.all(), scores, strict=True):
            handle, readout = slider.locator(".noUi-handle"), slider.locator(".widget-readout")
            shown = readout.inner_text().strip()
            current = 0 if shown == NOT_SCORED else int(shown)
            handle.focus()
            for _ in range(abs(target - current)):
                handle.press("ArrowRight" if target > current else "ArrowLeft")
            expect(readout).to_have_text(str(target))

    def grid_cell(self, exercise_id: str, key: str) -> Locator:
        """A score matrix's cell by its stored field, `row/column` (e.g. `handover-1/…`)."""
        row, column = key.split("/")
        return self.exercise(exercise_id).locator(f".wb-cell-{row}--{column}")

    def score_button(self, exercise_id: str, key: str, score: int) -> Locator:
        """A matrix cell's button for `score`, by the name a screen reader announces
        ("Escalation Management, Handover 2: 3 of 5 (…)")."""
        return self.grid_cell(exercise_id, key).get_by_role(
            "button", name=re.compile(rf": {score} of \d")
        )

    def score_cells(self, exercise_id: str, scores: dict[str, int]) -> None:
        """1–5 matrices: click the button with the score in each cell, by stored field."""
        for key, score in scores.items():
            button = self.score_button(exercise_id, key, score)
            button.click()
            expect(button).to_have_class(re.compile(r"\bmod-active\b"))

    def write(self, exercise_id: str, texts: list[str]) -> None:
        """Fill the exercise's text areas in order."""
        areas = self.exercise(exercise_id).locator(".widget-textarea textarea")
        expect(areas).to_have_count(len(texts))
        for area, text in zip(areas.all(), texts, strict=True):
            area.fill(text)

    def checkboxes(self, exercise_id: str) -> Locator:
        return self.exercise(exercise_id).locator(".widget-checkbox input[type=checkbox]")


class SavedWait:
    def __init__(self, lab: Lab, exercise_id: str) -> None:
        self.lab = lab
        self.exercise_id = exercise_id

    def __enter__(self) -> None:
        status = self.lab.status(self.exercise_id)
        expect(status).not_to_contain_text("Saving")
        status.locator(".widget-html-content").evaluate("(el) => { el.innerHTML = ''; }")

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if kind is None:
            expect(self.lab.status(self.exercise_id)).to_contain_text(
                re.compile(r"✓ Saved \d\d:\d\d · on this computer")
            )


@pytest.fixture(scope="module")
def lab_context(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """The module's browser profile: its tests' pages share its cache, so JupyterLab's scripts
    are fetched and compiled once per module, not once per test (~1 s of each open). A test
    that closes it (the browser quit overnight) leaves the next test a new one."""
    contexts: list[BrowserContext] = []

    def current() -> BrowserContext:
        if not contexts or contexts[-1] not in browser.contexts:
            contexts.append(browser.new_context(viewport={"width": 1400, "height": 1000}))
            contexts[-1].set_default_timeout(TIMEOUT_MS)
        return contexts[-1]

    yield current
    for context in contexts:
        if context in browser.contexts:
            context.close()


@pytest.fixture(scope="module")
def _lab_page() -> list[Lab]:
    """The module's one JupyterLab page, as a list that holds it once made: made again when a
    test closed it (or its browser)."""
    return []


@pytest.fixture
def lab(
    _lab_page: list[Lab],
    lab_context: Callable[[], BrowserContext],
    server: JupyterServer,
    request: pytest.FixtureRequest,
) -> Iterator[Lab]:
    """The module's JupyterLab page (a tab of the module's browser) on the module's server, no
    notebook open: `switch_to` opens one in it as the index's links do, `open` loads the page
    afresh. A module's tests share the page, each starting with no tab open and the window at
    1400 px; after a failure, or a change to the page's layout, the next test gets a new one."""
    if not _lab_page or _lab_page[-1].page.is_closed():
        page = lab_context().new_page()
        made = Lab(page, server)
        page.on(
            "console",
            lambda m: (
                made.console.append(f"console.{m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e: made.console.append(f"pageerror: {e}"))
        _lab_page.append(made)
    lab = _lab_page[-1]
    lab.console.clear()
    lab.page.set_viewport_size({"width": 1400, "height": 1000})
    yield lab
    page = lab.page
    try:
        reuse = (
            not request.node.stash.get(FAILED, False)
            and lab.loaded()
            and lab.layout() == lab.fresh_layout
            and not page.locator(".jp-Dialog").count()
        )
        if reuse:
            lab.close_tabs()
    except PlaywrightError:  # closing already (page.close(run_before_unload=True) returns early)
        reuse = False
    if not reuse:
        with contextlib.suppress(PlaywrightError):
            page.close()
    server.clear()


FAILED = pytest.StashKey[bool]()  # set on a test that failed (its shared page is not reused)


# ---- failure artifacts -----------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    if report.failed and report.when in ("setup", "call"):
        funcargs = getattr(item, "funcargs", {})
        lab = next((value for value in funcargs.values() if isinstance(value, Lab)), None)
        server = funcargs.get("server")
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]", "_", item.name)
        if isinstance(lab, Lab):
            server = lab.server
            with contextlib.suppress(Exception):
                lab.page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
            if lab.console:
                text = "\n".join(lab.console)
                (ARTIFACTS / f"{name}.console.txt").write_text(text)
                report.sections.append(("browser console errors and warnings", text))
        if isinstance(server, JupyterServer) and server.log.exists():
            shutil.copy(server.log, ARTIFACTS / f"{name}.jupyter.log")
    return report


@pytest.hookimpl(tryfirst=True)  # before xdist's, which reads the group (tests/workers.py)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    one_worker(items, __file__, "browser", per_module=True)
