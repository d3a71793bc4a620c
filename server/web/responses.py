"""Redirects that work for browsers and htmx alike, with a one-shot flash message."""

from __future__ import annotations

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.response import Redirect

from server.web.templating import is_fragment_request

FLASH_COOKIE = "convene_flash"


def redirect(request: Request, url: str, flash: str | None = None) -> Response:
    """303 for a browser; for htmx a 200 with HX-Redirect, which htmx follows itself."""
    cookies = [Cookie(key=FLASH_COOKIE, value=flash, path="/", httponly=True, samesite="lax", max_age=60)] if flash else []
    if is_fragment_request(request):
        return Response("", status_code=200, headers={"HX-Redirect": url}, cookies=cookies)
    return Redirect(url, status_code=303, cookies=cookies)
