"""Log in and out, set and change passwords, choose a language."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery

from server import i18n, urls
from server.accounts import service
from server.config import settings
from server.errors import Invalid, NotFound
from server.i18n import LANGUAGES, N_, gettext
from server.web.client import client_address
from server.web.context import LANGUAGE_COOKIE
from server.web.forms import form_data
from server.web.responses import redirect
from server.web.session import expired_session_cookie, fresh_csrf_cookie, session_cookie
from server.web.templating import render

PUBLIC = {"public": True}


def language_cookie(language: str) -> Cookie:
    """The language of someone not logged in, remembered by this browser."""
    return Cookie(key=LANGUAGE_COOKIE, value=language, path="/", httponly=True, samesite="lax",
                  secure=settings.secure_cookies, max_age=365 * 86400)


def owners_language(request: Request, owner: dict) -> str:
    """A set-password link speaks its owner's language: the one chosen on this browser (the
    page's language menu), else the person's preferred language, else the browser's."""
    return i18n.pick_language(request.cookies.get(LANGUAGE_COOKIE) or owner["person.preferred_language"],
                              request.headers.get("accept-language"))


def safe_next(value: str | None) -> str:
    """Only our own pages: never send a person to another site after login."""
    return urls.page_path(value) or urls.url("home")


class AccountController(Controller):
    @get("/login", opt=PUBLIC, name="login")
    async def login_page(self, request: Request, next: FromQuery[str | None] = None) -> Response:
        if request.scope.get("user"):
            return redirect(request, safe_next(next))
        return render(request, "accounts/login.html", {"next": safe_next(next), "errors": {}, "email": ""})

    @post("/login", opt=PUBLIC, status_code=200, name="login.post")
    async def login(self, request: Request) -> Response:
        form = await form_data(request)
        next_url = safe_next(form.get("next"))
        result = await service.log_in(form.get("email", ""), form.get("password", ""), client_address(request.scope))
        if result.token:
            response = redirect(request, next_url)
            response.set_cookie(session_cookie(result.token))
            response.set_cookie(fresh_csrf_cookie())
            return response
        if result.throttled_minutes:
            message = gettext(
                "Too many failed attempts. Try again in %(minutes)s minutes.",
                minutes=result.throttled_minutes,
            )
            status = 429
        else:
            message = gettext("That email and password do not match an active account.")
            status = 422
        return render(
            request, "accounts/login.html",
            {"next": next_url, "errors": {"form": message}, "email": form.get("email", "")[:254]},
            block="form", status_code=status,
        )

    @post("/logout", status_code=200, name="logout")
    async def logout(self, request: Request) -> Response:
        await service.log_out(request.scope["user"])
        response = redirect(request, urls.url("login"), flash="logged_out")
        response.set_cookie(expired_session_cookie())
        return response

    @post("/logout-everywhere", status_code=200, name="logout.everywhere")
    async def logout_everywhere(self, request: Request) -> Response:
        await service.log_out_everywhere(request.scope["user"].id)
        response = redirect(request, urls.url("login"), flash="logged_out_everywhere")
        response.set_cookie(expired_session_cookie())
        return response

    @get("/account", name="account")
    async def account_page(self, request: Request) -> Response:
        return render(request, "accounts/account.html", {"errors": {}})

    @post("/account/password", status_code=200, name="account.password")
    async def change_password(self, request: Request) -> Response:
        form = await form_data(request)
        errors = await service.change_password(
            request.scope["user"], form.get("current", ""), form.get("new", ""), form.get("confirm", "")
        )
        if errors:
            return render(request, "accounts/account.html", {"errors": errors}, block="password_form",
                          status_code=422)
        return redirect(request, urls.url("account"), flash="password_changed")

    @post("/account/language", status_code=200, name="account.language")
    async def set_language(self, request: Request) -> Response:
        form = await form_data(request)
        if not await service.set_language(request.scope["user"], form.get("language", "")):
            raise Invalid(N_("Choose English or Spanish."))
        return redirect(request, safe_next(form.get("next") or urls.url("account")), flash="language_saved")

    @post("/language", opt=PUBLIC, status_code=200, name="language")
    async def set_visitor_language(self, request: Request) -> Response:
        """Language for someone not logged in (the login page), kept in a cookie."""
        form = await form_data(request)
        language = form.get("language", "")
        if language not in LANGUAGES:
            raise Invalid(N_("Choose English or Spanish."))
        response = redirect(request, safe_next(form.get("next")))
        response.set_cookie(language_cookie(language))
        return response

    @get("/set-password/{token:str}", opt=PUBLIC, name="set_password")
    async def set_password_page(self, request: Request, token: FromPath[str]) -> Response:
        owner = await service.password_link_owner(token)
        if owner is None:
            raise NotFound()
        with i18n.speaking(owners_language(request, owner)):
            return render(request, "accounts/set_password.html", {"owner": owner, "token": token, "errors": {}})

    @post("/set-password/{token:str}", opt=PUBLIC, status_code=200, name="set_password.post")
    async def set_password(self, request: Request, token: FromPath[str]) -> Response:
        owner = await service.password_link_owner(token)
        if owner is None:
            raise NotFound()
        language = owners_language(request, owner)
        form = await form_data(request)
        errors = await service.set_password_from_link(token, form.get("password", ""), form.get("confirm", ""))
        if errors is None:
            raise NotFound()
        if errors:
            with i18n.speaking(language):
                return render(request, "accounts/set_password.html",
                              {"owner": owner, "token": token, "errors": errors}, block="form", status_code=422)
        # The login page that says so, and the pages before their own login, speak their language too.
        response = redirect(request, urls.url("login"), flash="password_set")
        response.set_cookie(expired_session_cookie())
        response.set_cookie(language_cookie(language))
        return response
