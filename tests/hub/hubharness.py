"""A real JupyterHub on 127.0.0.1 with the workbook service, for tests and benchmarks.

Dummy authenticator (one shared password), the simple spawner (every user is this OS user,
so isolation can only come from the service's hub-token checks), the pure-Python
configurable-http-proxy (no node needed). A `harness` service holds an admin token to make
users' tokens and start their servers, as a hub admin would.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import secrets
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from servers import free_port

from workbook.store import Event

BIN = Path(sys.executable).parent
PASSWORD = "workshop-password"
SIMULATED = [f"sim{i:02d}" for i in range(50)]  # learners syncing at once
TIMEOUT = 60.0


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jupyterhub_config.py"
# The service's `--groups-ttl` here (2 s by default): a test that changes a hub group waits this
# long for the room's calls to see it.
GROUPS_TTL = 0.2
# …and its `--token-ttl` (5 s by default; whole seconds, as HubAuth takes them): a revoked token
# is refused within it.
TOKEN_TTL = 1


def config(
    base: Path,
    ports: Mapping[str, int],
    harness_token: str,
    cohorts: Mapping[str, Sequence[str]],
    facilitators: Mapping[str, Sequence[str]],
) -> str:
    """The README's example config with this test's cohorts, ports and folders, and the harness."""
    service = f"http://127.0.0.1:{ports['service']}"
    harness = {
        "name": "harness",
        "services": ["harness"],
        "scopes": [
            "admin:users",
            "admin:servers",
            "admin:groups",
            "tokens",
            "access:servers",
            "read:users",
        ],
    }
    return textwrap.dedent(f"""
        exec(compile(open({str(EXAMPLE)!r}).read(), {str(EXAMPLE)!r}, "exec"))
        workbook_settings(
            c, {dict(cohorts)!r}, {dict(facilitators)!r}, {service!r}, "{base}/cohorts"
        )
        c.JupyterHub.services[0]["command"] += [
            "--groups-ttl", "{GROUPS_TTL}", "--token-ttl", "{TOKEN_TTL}"
        ]
        c.JupyterHub.services.append({{"name": "harness", "api_token": {harness_token!r}}})
        c.JupyterHub.load_roles.append({harness!r})

        c.JupyterHub.ip = "127.0.0.1"
        c.JupyterHub.port = {ports["public"]}
        c.JupyterHub.hub_ip = "127.0.0.1"
        c.JupyterHub.hub_port = {ports["hub"]}
        c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports["proxy_api"]}"
        c.ConfigurableHTTPProxy.command = [{str(BIN / "configurable-http-proxy")!r}]
        c.JupyterHub.db_url = "sqlite:///{base}/hub.sqlite"
        c.JupyterHub.cookie_secret_file = "{base}/cookie_secret"
        c.JupyterHub.pid_file = "{base}/hub.pid"
        c.JupyterHub.authenticator_class = "dummy"
        c.DummyAuthenticator.password = {PASSWORD!r}
        c.JupyterHub.spawner_class = "simple"
        c.SimpleLocalProcessSpawner.home_dir_template = "{base}/home/{{username}}"
        c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
        c.Spawner.args = ["--allow-root", "--LabApp.expose_app_in_browser=True"]
        c.Spawner.default_url = "/lab"
        c.Spawner.http_timeout = 60
        c.Spawner.start_timeout = 90

        # The hub restarts a managed service that died when it next polls it: every 30 s, a
        # default its services' spawner takes no config for. Every second here, so the test that
        # kills the service (test_hub_service.py) waits a second for it, not up to 30.
        import jupyterhub.services.service
        from traitlets import Integer

        class _QuickPoll(jupyterhub.services.service._ServiceSpawner):
            poll_interval = Integer(1)

        jupyterhub.services.service._ServiceSpawner = _QuickPoll
    """)


@dataclass
class Hub:
    base: Path
    ports: dict[str, int]
    harness_token: str
    process: subprocess.Popen[bytes] | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['public']}"

    @property
    def service_url(self) -> str:
        """The service as kernels reach it: directly, by its loopback URL."""
        return f"http://127.0.0.1:{self.ports['service']}/services/workbook/"

    @property
    def data(self) -> Path:
        return self.base / "cohorts"

    @property
    def log(self) -> Path:
        return self.base / "hub.log"

    def start(
        self, cohorts: Mapping[str, Sequence[str]], facilitators: Mapping[str, Sequence[str]]
    ) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        path = self.base / "jupyterhub_config.py"
        path.write_text(config(self.base, self.ports, self.harness_token, cohorts, facilitators))
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("JUPYTERHUB_", "WORKBOOK_"))
        }
        env["WORKBOOK_HOME"] = str(self.base / "unused-store")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(path)],
                cwd=self.base,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited: {self.log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (
                    httpx.get(f"{self.url}/hub/api/", timeout=2).status_code == 200
                    and self.service_up()
                ):
                    return
            time.sleep(0.25)
        raise TimeoutError(f"hub not up in {TIMEOUT} s: {self.log.read_text()[-3000:]}")

    def service_up(self) -> bool:
        try:
            return httpx.get(self.service_url + "api/me", timeout=2).status_code == 401
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    # --- the hub's API, as the harness (an admin) ---------------------------------------------

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        reply = httpx.request(
            method,
            f"{self.url}/hub/api/{path}",
            timeout=TIMEOUT,
            headers={"Authorization": f"token {self.harness_token}"},
            **kwargs,
        )
        reply.raise_for_status()
        return reply.json() if reply.content else None

    def token(self, user: str) -> str:
        """A token like the one a user makes on the hub's Token page (all their own rights)."""
        if user not in self.tokens:
            reply = self.api("POST", f"users/{user}/tokens", json={"note": "test"})
            self.tokens[user] = reply["token"]
        return self.tokens[user]

    def start_server(self, user: str) -> None:
        with contextlib.suppress(httpx.HTTPStatusError):  # 400: already running
            self.api("POST", f"users/{user}/server")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            server = self.api("GET", f"users/{user}").get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.1)
        raise TimeoutError(f"{user}'s server did not start: {self.log.read_text()[-3000:]}")

    def stop_server(self, user: str) -> None:
        with contextlib.suppress(httpx.HTTPStatusError):
            self.api("DELETE", f"users/{user}/server")

    def service(self, method: str, path: str, user: str, **kwargs: Any) -> httpx.Response:
        """Call the workbook service with `user`'s token."""
        return httpx.request(
            method,
            self.service_url + path,
            timeout=TIMEOUT,
            headers={"Authorization": f"token {self.token(user)}"},
            **kwargs,
        )

    def service_pid(self) -> int:
        """The service process, a child of the hub."""
        assert self.process is not None
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                stat = (proc / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
                if ppid == self.process.pid and b"workbook.hub" in cmd:
                    return int(proc.name)
        raise LookupError("the workbook service is not running")

    # --- a user's kernel ------------------------------------------------------------------------

    def execute(self, user: str, code: str, timeout: float = TIMEOUT) -> str:
        """Run `code` in a new kernel of `user`'s server; return its stdout, raise on error."""
        # On a thread of its own: the browser tests' Playwright keeps an event loop running on
        # this one for the whole session, and asyncio.run refuses to nest.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self._execute(user, code, timeout)).result()

    async def _execute(self, user: str, code: str, timeout: float) -> str:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        token = self.token(user)
        headers = {"Authorization": f"token {token}"}
        base = f"{self.url}/user/{user}/api/kernels"
        async with httpx.AsyncClient(headers=headers, timeout=TIMEOUT) as client:
            reply = await client.post(base, json={"name": "python3"})
            reply.raise_for_status()
            kernel = reply.json()["id"]
            try:
                ws_url = f"{base}/{kernel}/channels".replace("http", "ws", 1)
                ws = await websocket_connect(HTTPRequest(ws_url, headers=headers))
            except BaseException:
                await client.delete(f"{base}/{kernel}")
                raise
            try:
                msg_id = uuid.uuid4().hex
                ws.write_message(
                    json.dumps(
                        {
                            "header": {
                                "msg_id": msg_id,
                                "msg_type": "execute_request",
                                "username": user,
                                "session": uuid.uuid4().hex,
                                "version": "5.3",
                            },
                            "parent_header": {},
                            "metadata": {},
                            "channel": "shell",
                            "content": {
                                "code": code,
                                "silent": False,
                                "store_history": False,
                                "user_expressions": {},
                                "allow_stdin": False,
                            },
                        }
                    )
                )
                out: list[str] = []
                deadline = time.monotonic() + timeout
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError(f"kernel of {user} did not finish: {''.join(out)}")
                    raw = await asyncio.wait_for(ws.read_message(), left)
                    if raw is None:
                        raise ConnectionError(f"kernel websocket of {user} closed")
                    msg = json.loads(raw)
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    kind, content = msg["header"]["msg_type"], msg["content"]
                    if kind == "stream":
                        out.append(content["text"])
                    elif kind == "error":
                        raise RuntimeError("\n".join(content["traceback"]))
                    elif kind == "execute_reply" and msg["channel"] == "shell":
                        return "".join(out)
            finally:
                ws.close()
                await client.delete(f"{base}/{kernel}")


@contextlib.contextmanager
def running_hub(
    base: Path, cohorts: Mapping[str, Sequence[str]], facilitators: Mapping[str, Sequence[str]]
) -> Iterator[Hub]:
    names = ("public", "hub", "proxy_api", "service")
    hub = Hub(base, {n: free_port() for n in names}, secrets.token_hex(16))
    try:
        hub.start(cohorts, facilitators)
        yield hub
    finally:
        hub.stop()


SKILLS = ("patience", "communication-skills", "training-ability", "technical-understanding",
          "problem-solving-skills", "organisational-skills", "customer-empathy",
          "attention-to-detail")  # fmt: skip


def events(learner: str, n: int) -> list[Event]:
    """n distinct score events of one learner, a second apart, each one the course allows:
    what sync tests and benchmarks send."""
    at = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
    return [
        Event("local", learner, "m03.skills", SKILLS[i % len(SKILLS)], "score", i % 10 + 1,
              snapshot="first-day", saved_at=at + dt.timedelta(seconds=i),
              content_version="2026.11.26")
        for i in range(n)
    ]  # fmt: skip
