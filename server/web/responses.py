"""Redirects that work for browsers and htmx alike, with a one-shot flash message."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.response import Redirect
from markupsafe import Markup

from server.web.flash import cookie_value, message_for
from server.web.templating import is_fragment_request, template_gettext

FLASH_COOKIE = "convene_flash"
_URL_CHARACTERS = "-._~!$&'()*+,;=:@/?#%[]"  # RFC 3986's reserved and unreserved: left as they are


def redirect(request: Request, url: str, flash: str | None = None, **values: str) -> Response:
    """303 for a browser; for htmx a 200 with HX-Redirect, which htmx follows itself. The URL is
    percent-encoded whatever it holds, so no header can carry a control or non-ASCII character.
    `flash` is the key of the message the next page shows (server/web/flash.py), `values` what it names."""
    url = quote(url, safe=_URL_CHARACTERS)
    cookies = [Cookie(key=FLASH_COOKIE, value=cookie_value(flash, values), path="/", httponly=True, samesite="lax",
                      max_age=60)] if flash else []
    if is_fragment_request(request):
        return Response("", status_code=200, headers={"HX-Redirect": url}, cookies=cookies)
    return Redirect(url, status_code=303, cookies=cookies)


def with_message(response: Response, flash: str, **values: str) -> Response:
    """An htmx fragment that also says what happened: the message goes into the page's message
    area out of band (a live region, so screen readers read it out too)."""
    area = Markup('<div id="messages" hx-swap-oob="innerHTML"><p class="flash">%s</p></div>') % template_gettext(
        message_for(flash, values))
    response.content = response.content + str(area)  # str + Markup would escape the fragment
    return response
