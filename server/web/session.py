"""The session cookie and the CSRF cookie that goes with it."""

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token

from server.config import settings
from server.web.context import SESSION_COOKIE

CSRF_COOKIE = "convene_csrf"
csrf_config = CSRFConfig(
    secret=settings.secret_key, cookie_name=CSRF_COOKIE, cookie_httponly=True,
    cookie_secure=settings.secure_cookies, cookie_samesite="lax",
    # Static files carry no forms; a CSRF cookie set on one (a request sent without cookies)
    # could replace the token of the page being loaded beside it.
    exclude=["^/static/"],
)


def session_cookie(token: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE, value=token, path="/", httponly=True, samesite="lax",
        secure=settings.secure_cookies, max_age=settings.session_days * 86400,
    )


def expired_session_cookie() -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", path="/", httponly=True, samesite="lax",
                  secure=settings.secure_cookies, max_age=0)


def fresh_csrf_cookie() -> Cookie:
    """A new CSRF token when a session begins: a token seen before logging in (on a shared
    computer, say) is worth nothing after it."""
    return Cookie(key=CSRF_COOKIE, value=generate_csrf_token(settings.secret_key), path="/",
                  httponly=True, samesite="lax", secure=settings.secure_cookies)
