"""create_app(): wiring only."""

from __future__ import annotations

from litestar import Litestar
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router

from server import db, logs, urls
from server.accounts import service as accounts
from server.accounts.routes import AccountController
from server.actions import routes as actions
from server.agencies import routes as agencies
from server.attachments import routes as attachments
from server.attachments import service as attachment_files
from server.cases import release_routes as case_releases
from server.cases import report_routes as case_reports
from server.cases import routes as cases
from server.cases import service as case_files
from server.config import ROOT
from server.home import routes as home
from server.meetings import routes as meetings
from server.people.routes import PeopleController
from server.teams import routes as teams
from server.web import templating
from server.web.context import RequestContext
from server.web.errors import exception_handlers
from server.web.guards import login_required, plain_static_name
from server.web.session import csrf_config

# What each capability's templates need, registered once per process.
templating.register_globals({
    **agencies.TEMPLATE_GLOBALS, **teams.TEMPLATE_GLOBALS, **meetings.TEMPLATE_GLOBALS, **actions.TEMPLATE_GLOBALS,
    **attachments.TEMPLATE_GLOBALS, **cases.TEMPLATE_GLOBALS,
})


def create_app() -> Litestar:
    logs.configure()
    app = Litestar(
        route_handlers=[
            home.home,
            home.quick_progress,
            AccountController,
            PeopleController,
            agencies.AgencyController,
            teams.TeamController,
            teams.RosterController,
            meetings.TeamMeetingsController,
            meetings.MeetingController,
            attachments.AttachmentController,
            actions.my_actions,
            actions.TeamActionsController,
            actions.ActionController,
            *case_releases.CONTROLLERS,
            *case_reports.ROUTES,
            cases.TeamCasesController, cases.CaseController,
            create_static_files_router(
                path="/static", directories=[ROOT / "static"], opt={"public": True}, name="static",
                include_in_schema=False, send_as_attachment=False, guards=[plain_static_name],
            ),
        ],
        guards=[login_required],
        csrf_config=csrf_config,
        plugins=[HTMXPlugin()],
        template_config=templating.template_config,
        exception_handlers=exception_handlers,
        on_startup=[db.prepare, attachment_files.sweep, case_files.sweep],
        on_shutdown=[db.close],
        openapi_config=None,
        debug=False,
    )
    urls.register(app)
    # Outside Litestar's middleware stack so router 404s and 405s get it too (see context.py).
    app.asgi_handler = RequestContext(app.asgi_handler, accounts.viewer_for_session)
    return app
