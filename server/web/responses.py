"""Redirects that work for browsers and htmx alike, with a one-shot flash message."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.response import Redirect

from server.web.templating import is_fragment_request

FLASH_COOKIE = "convene_flash"
_URL_CHARACTERS = "-._~!$&'()*+,;=:@/?#%[]"  # RFC 3986's reserved and unreserved: left as they are


def redirect(request: Request, url: str, flash: str | None = None) -> Response:
    """303 for a browser; for htmx a 200 with HX-Redirect, which htmx follows itself. The URL is
    percent-encoded whatever it holds, so no header can carry a control or non-ASCII character."""
    url = quote(url, safe=_URL_CHARACTERS)
    cookies = [Cookie(key=FLASH_COOKIE, value=flash, path="/", httponly=True, samesite="lax", max_age=60)] if flash else []
    if is_fragment_request(request):
        return Response("", status_code=200, headers={"HX-Redirect": url}, cookies=cookies)
    return Redirect(url, status_code=303, cookies=cookies)
