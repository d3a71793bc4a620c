"""Guards: who may reach a route at all. Finer rules live in each capability's policy and access.

They are coroutines: Litestar runs a plain function guard on a worker thread, a hop on every
request for a check that reads one scope entry."""

from __future__ import annotations

import re

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.handlers.base import BaseRouteHandler

from server.errors import Forbidden


async def login_required(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Applied to the whole app; handlers marked opt={"public": True} are open to all."""
    if handler.opt.get("public"):
        return
    if connection.scope.get("user") is None:
        raise NotAuthorizedException()


async def admin_required(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    viewer = connection.scope.get("user")
    if viewer is None:
        raise NotAuthorizedException()
    if not viewer.is_site_admin:
        raise Forbidden()


# Our static files are named by short plain segments (css/convene.css, js/htmx-2.0.11.min.js).
_STATIC_NAME = re.compile(r"/?(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}/){0,4}[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")


async def plain_static_name(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Anything else (a NUL, "..", a dotfile, a name too long for the file system) is no file
    of ours: 404 before the file system is asked, which would answer some of them with a 500."""
    if not _STATIC_NAME.fullmatch(str(connection.path_params.get("file_path", ""))):
        raise NotFoundException()
