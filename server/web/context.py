"""Per-request context: who is asking, in which language, a flash message, security headers,
and for a GET the one read transaction the whole page runs in (the session lookup included).

It wraps Litestar's whole ASGI handler rather than sitting in the middleware stack, because
Litestar's middleware runs only for matched routes: a 404 or 405 from the router must also
carry the security headers and speak the person's language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from http.cookies import SimpleCookie

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from server import db, delivery, i18n
from server.config import settings
from server.web.flash import message_from_cookie
from server.web.responses import FLASH_COOKIE

SESSION_COOKIE = "convene_session"
LANGUAGE_COOKIE = "convene_lang"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
if settings.secure_cookies:
    SECURITY_HEADERS["strict-transport-security"] = "max-age=31536000"


def read_cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header means no cookies, not an error
                return {}
            return {key: morsel.value for key, morsel in jar.items()}
    return {}


def header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


READ_METHODS = frozenset({"GET", "HEAD"})


def _headers_only(send: Send) -> Send:
    """A GET's answer to a HEAD: its status and headers (Content-Length included), no body."""
    async def send_headers(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)
    return send_headers


class RequestContext:
    """`find_viewer(session_token)` is the accounts capability's session lookup (web/ imports
    no capability: app.py hands it in)."""

    def __init__(self, app: ASGIApp, find_viewer: Callable[[str], Awaitable[object | None]]) -> None:
        self.app = app
        self.find_viewer = find_viewer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/static/"):
            await self._serve(scope, receive, send, {}, None, private=False)
            return
        headers_only = scope["method"] == "HEAD"
        if headers_only:  # every page answers HEAD as it answers GET, without the body
            scope = {**scope, "method": "GET"}
            send = _headers_only(send)
        async with AsyncExitStack() as stack:
            token = delivery.body_sent.set(not headers_only)
            stack.callback(delivery.body_sent.reset, token)
            if scope["method"] in READ_METHODS:
                await stack.enter_async_context(db.reading())
            cookies = read_cookies(scope)
            viewer = await self.find_viewer(cookies.get(SESSION_COOKIE, ""))
            # The page is rendered by the time its headers go out: end the read then, so a slow
            # client does not hold a database connection while the body travels.
            await self._serve(scope, receive, send, cookies, viewer, before_response=stack.aclose)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, cookies: dict[str, str], viewer,
                     before_response=None, private: bool = True) -> None:
        """`private`: a page or fragment (never kept by a browser or proxy cache, which would
        show it again after logging out or to the next person at a shared computer)."""
        scope["user"] = viewer
        scope["auth"] = None
        language = i18n.pick_language(
            viewer.language if viewer else cookies.get(LANGUAGE_COOKIE),
            header(scope, b"accept-language"),
        )
        token = i18n.current_language.set(language)
        flash = cookies.get(FLASH_COOKIE)
        scope["flash"] = message_from_cookie(flash)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                if before_response is not None:
                    await before_response()
                headers = MutableScopeHeaders.from_message(message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if private:
                    headers.setdefault("cache-control", "no-store")
                if flash and message["status"] < 300:
                    headers.add("set-cookie", f"{FLASH_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            i18n.current_language.reset(token)
