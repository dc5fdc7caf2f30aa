"""A learner's Jupyter server keeps one spare kernel warm for the next workbook notebook.

Opening a workbook notebook starts a kernel (a Python process importing ipykernel, ~0.5 s of
CPU here) whose first cell imports the widgets, the course and the session (~0.3 s). Stock Jupyter
pays the first part for any notebook, so against it that is the whole gap. This server keeps
one kernel of the course's kernelspec started in the course folder with those modules already
imported, hands it to the next workbook notebook that asks for a kernel, and starts the next
spare once the kernels are quiet (so it does not compete with the run of the notebook it
was handed to).

The spare costs one kernel's memory. It is a deliberate choice, bounded so: at most one spare,
and one only while fewer than `SpareKernelManager.max_kernels` kernels run counting it (the
extension keeps three, so a learner's server holds at most four). Turn it off with
`--SpareKernelManager.spare=False`.

The spare is nobody's kernel until it is handed out: `/api/kernels` does not list it, the
idle culler skips it (culling it would only start another), and shutting the server down stops
it with the others. Only a session on a workbook notebook (the generator's marker) in the
spare's folder with the spare's kernelspec gets it (a Lab session, or a Voilà page of
`workbook app`), with the session's environment variables
set in it as a fresh kernel would have them; any other start is a stock one. A handed-out
kernel is an ordinary kernel: a restart starts a plain fresh one.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import ApiPath
from tornado import web
from tornado.ioloop import IOLoop
from traitlets import Bool, Float, Integer, Unicode

from . import priority

__all__ = ["SpareKernelManager"]

# What every workbook notebook's first cell imports: the widgets bring ipywidgets, the session
# the course and the store's client (the server keeps the store: no pyarrow, store_service.py).
WARM_UP = "import workbook.learner.widgets, workbook.learner.session"


def _set_environment(changed: dict[str, str]) -> str:
    """Code that gives a running kernel the variables a fresh one would have been started with.

    The values travel base64-encoded: IPython rewrites a cell's text before running it (a `?`
    in a Voilà page's URL read as a help request made it a syntax error).
    """
    values = base64.b64encode(json.dumps(changed).encode()).decode()
    code = (
        "import base64 as _b, json as _j, os as _os\n"
        f"_os.environ.update(_j.loads(_b.b64decode('{values}')))\n"
        "del _b, _j, _os\n"
    )
    if "JPY_SESSION_NAME" in changed:  # ipykernel sets this at start from the variable
        code += (
            "get_ipython().user_ns['__session__'] = __import__('os').environ['JPY_SESSION_NAME']\n"
        )
    return code


def is_workbook_notebook(path: str | None) -> bool:
    """Whether `path` (a session's JPY_SESSION_NAME) is a notebook carrying the course marker."""
    if not path or not path.endswith(".ipynb"):
        return False
    from ..course.generate import is_generated  # the save hook imports it in the server anyway

    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(notebook, dict) and is_generated(notebook)


class SpareKernelManager(AsyncMappingKernelManager):
    """Jupyter's kernel manager, plus one warm spare kernel for workbook notebooks."""

    spare = Bool(True, config=True, help="Keep a spare kernel warm for workbook notebooks.")
    spare_kernel_name = Unicode(
        "python3", config=True, help="The kernelspec of the spare (the course notebooks')."
    )
    max_kernels = Integer(
        4,
        config=True,
        help="Start a spare only while fewer kernels than this run, the spare included "
        "(the extension keeps three kernels, so three and a spare).",
    )
    spare_quiet = Float(
        0.1,
        config=True,
        help="Seconds with no kernel busy or talking before the next spare starts: it waits "
        "until the notebook it was handed to has run, and no longer (bench_lab.py: 1 s left "
        "notebooks opened one after another without one every other time).",
    )
    spare_timeout = Float(60, config=True, help="Seconds a spare may take to start and warm up.")
    spare_idle = Bool(
        True,
        config=True,
        help="Start the next spare as soon as one is handed out, at idle CPU priority "
        "(SCHED_IDLE: only CPU time nothing else wants), and give it normal priority when it is "
        "handed out. Where this server may not lift a priority (a user other than root, "
        "RLIMIT_NICE 0) the spare starts at normal priority once the kernels are quiet instead.",
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._spare_id: str | None = None  # started, warming or warm; not listed
        self._handing_out: set[str] = set()  # taken, its session's variables being set
        self._warming: asyncio.Task[str | None] | None = None
        self._claimed = False  # the spare starting or warming has been asked for
        self._closing = False
        self._wanted = asyncio.Event()
        self._keeper: asyncio.Task[None] | None = None
        if self.spare:
            self._wanted.set()
            IOLoop.current().add_callback(self._start_keeper)

    def _start_keeper(self) -> None:
        self._keeper = asyncio.ensure_future(self._keep_spare())

    # ---- hidden until handed out -------------------------------------------------------------

    def list_kernel_ids(self) -> list[str]:
        return [k for k in super().list_kernel_ids() if k != self._spare_id]

    def list_kernels(self) -> list[dict[str, Any]]:
        # Not the listed models filtered: jupyter_server's lists every kernel, and the model of
        # one still starting (the spare, often) fails on its missing last_activity.
        models = []
        for kernel_id in self.list_kernel_ids():
            with contextlib.suppress(web.HTTPError, KeyError):  # gone meanwhile, as upstream
                models.append(self.kernel_model(kernel_id))
        return models

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        if kernel_id != self._spare_id and kernel_id not in self._handing_out:
            await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_kernel(  # type: ignore[override]  # the async one, as jupyter_server's
        self, kernel_id: str, now: bool = False, restart: bool = False
    ) -> None:
        if kernel_id == self._spare_id:  # asked for by its id: whoever asked knows best
            self._spare_id = None
        await super().shutdown_kernel(kernel_id, now=now, restart=restart)
        self._wanted.set()  # fewer kernels: maybe room for a spare again

    def _handle_kernel_died(self, kernel_id: str) -> None:
        super()._handle_kernel_died(kernel_id)
        if kernel_id == self._spare_id:
            self._spare_id = None
        self._wanted.set()

    async def shutdown_all(self, now: bool = False) -> None:  # type: ignore[override]
        """Stop the spare (and what keeps it) with every other kernel."""
        self._closing = True  # no spare starts from now
        spare = await self._settled_spare()  # one starting finishes, so it can be stopped
        if self._keeper is not None:
            self._keeper.cancel()
        self._spare_id = None
        if spare is not None and spare in self:
            await super().shutdown_kernel(spare, now=now)
        await super().shutdown_all(now=now)

    # ---- handing it out ----------------------------------------------------------------------

    async def start_kernel(  # type: ignore[override]
        self, *, kernel_id: str | None = None, path: ApiPath | None = None, **kwargs: Any
    ) -> str:
        env: dict[str, str] = kwargs.get("env") or {}
        name = kwargs.get("kernel_name") or self.default_kernel_name
        if (
            kernel_id is None
            and not self._closing
            and (self._spare_id or self._warming)
            and name == self.spare_kernel_name
            and self.cwd_for_path(path or "") == self.cwd_for_path(ApiPath(""))
            and is_workbook_notebook(self._notebook_of(env))
        ):
            spare = await self._take_spare(env)
            if spare is not None:
                return spare
        started: str = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        return started

    def _notebook_of(self, env: dict[str, str]) -> str | None:
        """The notebook file a kernel is asked for: a Lab session names it; a Voilà page
        (`workbook app`) has it in its request path."""
        if session := env.get("JPY_SESSION_NAME"):
            return session
        page = env.get("SCRIPT_NAME", "")
        if "VOILA_BASE_URL" in env and "/voila/render/" in page:
            return os.path.join(self.root_dir, unquote(page.split("/voila/render/", 1)[1]))
        return None

    async def _settled_spare(self) -> str | None:
        """The spare once it is started and warm (or failed to), if there is one."""
        if self._warming is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._warming
        return self._spare_id

    async def _take_spare(self, env: dict[str, str]) -> str | None:
        if self._warming is not None:
            self.log.info("A workbook notebook waits for the spare to warm up")
            self._claimed = True  # an idle-priority spare still starting: normal from launch
            if self._spare_id is not None:
                self._lift(self._spare_id)
        kernel_id = await self._settled_spare()
        if kernel_id is not None:
            self._lift(kernel_id)
        self._spare_id = None  # taken: no other start can have it
        if kernel_id is None or kernel_id not in self:
            return None
        self._handing_out.add(kernel_id)  # listed from now, but not to be culled yet
        try:
            return await self._hand_out(kernel_id, env)
        finally:
            self._handing_out.discard(kernel_id)
            self._wanted.set()

    async def _hand_out(self, kernel_id: str, env: dict[str, str]) -> str | None:
        kernel: Any = self.get_kernel(kernel_id)  # a ServerKernelManager: async, with activity
        launched: dict[str, str] = (kernel._launch_args or {}).get("env") or {}  # what it got
        changed = {k: v for k, v in env.items() if launched.get(k) != v}
        try:
            if not await kernel.is_alive():
                raise RuntimeError("it has stopped")
            if changed:
                kernel.update_env(env=changed)  # a restart starts with the session's variables
                # Waited for by an open: not a minute, a stock start is better by then.
                await self._execute(kernel_id, _set_environment(changed), timeout=10)
        except Exception as error:  # never the learner's problem: a stock start instead
            self.log.warning("The spare kernel %s could not be handed out: %s", kernel_id, error)
            if kernel_id in self:
                with contextlib.suppress(Exception):
                    await super().shutdown_kernel(kernel_id, now=True)
            return None
        self._kernel_connections[kernel_id] = 0
        kernel.last_activity = utcnow()  # idle from now, not from when it was warmed
        self.log.info("Kernel %s: the spare, handed out", kernel_id)
        return kernel_id

    # ---- keeping one ---------------------------------------------------------------------------

    async def _keep_spare(self) -> None:
        """Whenever there is room for a spare and none, start one once the kernels are quiet."""
        while not self._closing:
            await self._wanted.wait()
            self._wanted.clear()
            if not self._room_for_spare():
                continue
            if not self._idle:  # at normal priority it would compete with the open it follows
                await self._quiet()
            if self._closing or not self._room_for_spare():  # asked again: the wait took time
                continue
            self._warming = asyncio.ensure_future(self._start_spare())
            try:
                if await self._warming is None:
                    await asyncio.sleep(60)  # a failing start is not retried in a tight loop
                    self._wanted.set()
            finally:
                self._warming = None

    @property
    def _idle(self) -> bool:
        return self.spare_idle and priority.can_lift()

    def _lift(self, kernel_id: str) -> None:
        """Normal CPU priority for a spare's process (if it is launched and was started idle)."""
        provisioner = getattr(self._kernels.get(kernel_id), "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        if self._idle and isinstance(pid, int):
            priority.lift(pid)

    def _room_for_spare(self) -> bool:
        return self._spare_id is None and len(self.list_kernel_ids()) + 1 <= self.max_kernels

    async def _quiet(self) -> None:
        """Return once no kernel has been busy or talked for `spare_quiet` seconds."""
        quiet = timedelta(seconds=self.spare_quiet)
        while not self._closing:
            idle = utcnow() - self.last_kernel_activity
            busy = any(
                getattr(self.get_kernel(k), "execution_state", None) == "busy"
                for k in self.list_kernel_ids()
            )
            if idle >= quiet and not busy:
                return
            await asyncio.sleep(max(quiet - idle, timedelta(seconds=0.2)).total_seconds())

    async def _start_spare(self) -> str | None:
        # Its id is known before it starts, so it is hidden from the API and the culler while
        # it starts too.
        kernel_id = self._spare_id = self.new_kernel_id()
        self._claimed = False
        idle = {"preexec_fn": priority.idle_preexec()} if self._idle else {}
        self.log.info("Kernel %s: a spare, starting%s", kernel_id, " idle" if idle else "")
        try:
            await super().start_kernel(
                kernel_id=kernel_id,
                kernel_name=self.spare_kernel_name,
                path=ApiPath(""),
                env=dict(os.environ),
                **idle,
            )
        except Exception:
            self.log.exception("Could not start a spare kernel")
            self._spare_id = None
            return None
        # A restart launches with the first start's arguments: a fresh kernel, not an idle one.
        (self.get_kernel(kernel_id)._launch_args or {}).pop("preexec_fn", None)
        if self._claimed:  # asked for while it launched
            self._lift(kernel_id)
        try:
            await asyncio.wait_for(self._execute(kernel_id, WARM_UP), self.spare_timeout)
        except Exception as error:  # still a started kernel, only a colder one
            self.log.warning("The spare kernel %s did not warm up: %s", kernel_id, error)
        self.log.info("Kernel %s: a spare, warm", kernel_id)
        return kernel_id

    async def _execute(self, kernel_id: str, code: str, timeout: float | None = None) -> None:
        """Run `code` quietly in a kernel no front end is connected to yet.

        The shell channel alone: its request waits in ZeroMQ until a just-launched kernel
        listens, and the reply is all there is to wait for (no kernel_info and IOPub
        handshake, which costs a fifth of a second per call).
        """
        client: Any = self.get_kernel(kernel_id).client()
        client.start_channels(iopub=False, stdin=False, hb=False, control=False)
        try:
            request = client.execute(code, silent=True, store_history=False)
            while True:
                reply = await client.get_shell_msg(timeout=timeout or self.spare_timeout)
                if reply["parent_header"].get("msg_id") == request:
                    break
            if reply["content"]["status"] != "ok":
                raise RuntimeError(reply["content"].get("evalue", reply["content"]["status"]))
        finally:
            client.stop_channels()
