"""HTML error pages (and fragments for htmx); Litestar's JSON bodies never reach a person.

Domain refusals (server/errors.py) map to their status here and nowhere else.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect

from server import errors, urls
from server.i18n import N_
from server.web.templating import is_fragment_request, render

log = logging.getLogger("convene")

TITLES = {
    400: N_("That request could not be read"),
    403: N_("You do not have access to this"),
    404: N_("Page not found"),
    405: N_("That is not allowed here"),
    409: N_("Someone else changed this"),
    413: N_("That upload is too large"),
    422: N_("Please check what you entered"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("This is not available right now"),
}
EXPLANATIONS = {
    400: N_("Go back and try again."),
    403: N_("If you think you should have access, ask your team's chair or the site administrator."),
    404: N_("The page may have moved, or the link may be mistyped."),
    405: N_("Go back and try again."),
    409: N_("Reload the page to see the latest version, then make your change again."),
    413: N_("Choose a smaller file and try again."),
    422: N_("Go back and try again."),
    429: N_("Wait a few minutes, then try again."),
    500: N_("The error has been logged. Try again in a moment."),
    503: N_("Tell the site administrator; the rest of Convene works as usual."),
}
CSRF_EXPLANATION = N_("This form has expired. Reload the page and submit it again.")
# Litestar's CSRF middleware refuses with exactly this (it has no exception class of its own).
CSRF_REFUSAL = "CSRF token verification failed"

STATUS_OF = {
    errors.NotFound: 404,
    errors.Forbidden: 403,
    errors.Stale: 409,
    errors.Closed: 409,
    errors.Invalid: 422,
    errors.Unavailable: 503,
}


def error_page(request: Request, status: int, explanation: str | None = None) -> Response:
    status = status if status in TITLES else (500 if status >= 500 else 400)
    headers = {"Cache-Control": "no-store"}
    if is_fragment_request(request):
        # Errors replace the page's message area, whatever the request meant to swap.
        headers.update({"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"})
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": TITLES[status], "explanation": explanation or EXPLANATIONS[status]},
        block="error",
        status_code=status,
        headers=headers,
    )


def domain_error_handler(request: Request, exc: errors.DomainError) -> Response:
    status = next((code for kind, code in STATUS_OF.items() if isinstance(exc, kind)), 400)
    return error_page(request, status, exc.explanation)


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, NotAuthorizedException):
        target = urls.url("login", next=_way_back(request))
        if is_fragment_request(request):
            return Response("", status_code=401, headers={"HX-Redirect": target})
        return Redirect(target, status_code=303)
    refused_csrf = isinstance(exc, PermissionDeniedException) and exc.detail == CSRF_REFUSAL
    return error_page(request, exc.status_code, CSRF_EXPLANATION if refused_csrf else None)


def _way_back(request: Request) -> str:
    """Where to return after logging in again: the page the request came from when htmx names
    it or a posted form's browser sends it as the referrer, else the page asked for (a GET, as
    it was sent, still percent-encoded), so the person lands where they were, with what they
    typed kept in the page (see static/js/convene.js). Hostile values go home: login checks
    `next` against our own pages."""
    came_from = request.headers.get("hx-current-url") or ("" if request.method == "GET" else request.headers.get("referer", ""))
    if not came_from:
        # Some servers put the query in raw_path too.
        raw = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1").partition("?")[0]
        query = request.scope.get("query_string", b"").decode("latin-1")
        return raw + (f"?{query}" if query else "") if request.method == "GET" else urls.url("home")
    parts = urlsplit(came_from)
    if parts.netloc and parts.netloc != request.headers.get("host", ""):
        return urls.url("home")
    return urls.page_path(parts.path + (f"?{parts.query}" if parts.query else "")) or urls.url("home")


def internal_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, 500)


exception_handlers = {
    errors.DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    Exception: internal_error_handler,
}
