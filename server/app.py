"""create_app(): wiring only."""

from __future__ import annotations

import logging

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router

from server import db
from server.accounts.routes import AccountController
from server.agencies.routes import AgencyController
from server.config import ROOT, settings
from server.people.routes import PeopleController
from server.teams.routes import RosterController, TeamController, home
from server.web.context import RequestContextMiddleware
from server.web.errors import exception_handlers
from server.web.guards import login_required
from server.web.templating import template_config


def create_app() -> Litestar:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return Litestar(
        route_handlers=[
            home,
            AccountController,
            PeopleController,
            AgencyController,
            TeamController,
            RosterController,
            create_static_files_router(
                path="/static", directories=[ROOT / "static"], opt={"public": True},
                include_in_schema=False, send_as_attachment=False,
            ),
        ],
        guards=[login_required],
        middleware=[RequestContextMiddleware()],
        csrf_config=CSRFConfig(
            secret=settings.secret_key, cookie_name="convene_csrf", cookie_httponly=True,
            cookie_secure=settings.secure_cookies, cookie_samesite="lax",
        ),
        plugins=[HTMXPlugin()],
        template_config=template_config,
        exception_handlers=exception_handlers,
        on_startup=[db.prepare],
        on_shutdown=[db.close],
        openapi_config=None,
        debug=False,
    )
