"""The session cookie."""

from litestar.datastructures import Cookie

from server.config import settings
from server.web.context import SESSION_COOKIE


def session_cookie(token: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE, value=token, path="/", httponly=True, samesite="lax",
        secure=settings.secure_cookies, max_age=settings.session_days * 86400,
    )


def expired_session_cookie() -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", path="/", httponly=True, samesite="lax",
                  secure=settings.secure_cookies, max_age=0)
