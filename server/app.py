"""create_app(): wiring only."""

from __future__ import annotations

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router

from server import db, logs
from server.accounts.routes import AccountController
from server.actions.routes import ActionController, TeamActionsController, my_actions
from server.agencies.routes import AgencyController
from server.config import ROOT, settings
from server.meetings.routes import MeetingController, TeamMeetingsController
from server.people.routes import PeopleController
from server.teams.routes import RosterController, TeamController, home
from server.web.context import RequestContext
from server.web.errors import exception_handlers
from server.web.guards import login_required
from server.web.templating import template_config


def create_app() -> Litestar:
    logs.configure()
    app = Litestar(
        route_handlers=[
            home,
            AccountController,
            PeopleController,
            AgencyController,
            TeamController,
            RosterController,
            TeamMeetingsController,
            MeetingController,
            my_actions,
            TeamActionsController,
            ActionController,
            create_static_files_router(
                path="/static", directories=[ROOT / "static"], opt={"public": True},
                include_in_schema=False, send_as_attachment=False,
            ),
        ],
        guards=[login_required],
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
    # Outside Litestar's middleware stack so router 404s and 405s get it too (see context.py).
    app.asgi_handler = RequestContext(app.asgi_handler)
    return app
