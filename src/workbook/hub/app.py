"""The cohort service as a program: its routes, and `python -m workbook.hub` run by the hub.

Apart from `service` (the handlers) so that `roster`, whose handlers build on them, is a layer
above it rather than a cycle.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubAuth
from tornado import web
from tornado.httpserver import HTTPServer

from ..store.rules import course_rules
from . import roster
from .cohorts import CohortStores
from .service import TOKEN_TTL, EventsHandler, MeHandler, MyEventsHandler, Service

__all__ = ["main", "make_app"]

log = logging.getLogger("workbook.hub")


def make_app(service: Service, prefix: str = "/") -> web.Application:
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    args = {"service": service}
    return web.Application(
        [
            (prefix + "api/me", MeHandler, args),
            (prefix + "api/me/events", MyEventsHandler, args),
            (prefix + "api/events", EventsHandler, args),
            *roster.routes(service, prefix),  # what facilitators read
        ]
    )


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m workbook.hub", description=__doc__)
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("WORKBOOK_HUB_DATA", "workbook-hub-data")),
        help="folder of the cohort stores (default $WORKBOOK_HUB_DATA or ./workbook-hub-data)",
    )
    parser.add_argument("--cohort-prefix", default="cohort-", help="hub groups that are cohorts")
    parser.add_argument(
        "--groups-ttl",
        type=float,
        default=Service.hub_groups_ttl,
        metavar="SECONDS",
        help="how long the room's calls reuse the hub's groups: a group change shows within it"
        " (default %(default)s)",
    )
    parser.add_argument(
        "--token-ttl",
        type=int,
        default=TOKEN_TTL,
        metavar="SECONDS",
        help="how long a token's owner is cached: a revoked token is refused within it"
        " (default %(default)s)",
    )
    parser.add_argument(
        "--ip",
        default=None,
        help="address to listen on (default: the host of $JUPYTERHUB_SERVICE_URL, which must be"
        " a loopback address; give the pod's address explicitly on Kubernetes)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s workbook.hub %(message)s")
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", ""))
    if not url.port or not os.environ.get("JUPYTERHUB_API_TOKEN"):
        print(
            "error: run me from JupyterHub (c.JupyterHub.services with a url and command):"
            " JUPYTERHUB_SERVICE_URL and JUPYTERHUB_API_TOKEN are not set",
            file=sys.stderr,
        )
        return 2
    ip = args.ip or url.hostname or "127.0.0.1"
    if args.ip is None and not _is_loopback(ip):
        print(f"error: {ip} is not a loopback address; pass --ip to mean it", file=sys.stderr)
        return 2
    service = Service(
        stores=CohortStores(args.data),
        auth=HubAuth(cache_max_age=args.token_ttl),
        rules=course_rules(),
        cohort_prefix=args.cohort_prefix,
        name=os.environ.get("JUPYTERHUB_SERVICE_NAME", "workbook"),
        hub_groups_ttl=args.groups_ttl,
    )
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(make_app(service, prefix), ip, url.port))
    return 0


async def _serve(app: web.Application, ip: str, port: int) -> None:
    server = HTTPServer(app, xheaders=True)
    server.listen(port, ip)
    log.info("listening on %s:%s", ip, port)
    await asyncio.Event().wait()
