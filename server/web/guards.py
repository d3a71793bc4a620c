"""Guards: who may reach a route at all. Finer rules live in each capability's policy and access.

They are coroutines: Litestar runs a plain function guard on a worker thread, a hop on every
request for a check that reads one scope entry."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
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
