"""Jinja2 set-up and `render()`: one template serves the whole page and its htmx fragments."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.enums import MediaType
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.utils.scope.state import ScopeState

from server.agencies.policy import SECTORS
from server.config import ROOT, settings
from server.teams.policy import KINDS, ROLES
from server.web import i18n
from server.web.flash import FLASH_MESSAGES

HTMX_FILE = "js/htmx-2.0.11.min.js"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ROOT / "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=lambda s, p, n: i18n.translations(i18n.current_language.get()).ngettext(s, p, n),
        newstyle=True,
    )
    env.globals.update(
        SECTORS=SECTORS,
        KINDS=KINDS,
        ROLES=ROLES,
        LANGUAGES=i18n.LANGUAGES,
        HTMX_FILE=HTMX_FILE,
        FLASH_MESSAGES=FLASH_MESSAGES,
        base_url=settings.base_url,
    )
    env.globals["labelled"] = lambda mapping: [(code, i18n.gettext(label)) for code, label in mapping.items()]
    env.globals["options"] = lambda rows, label="name": [(row["id"], row[label]) for row in rows]
    env.filters["date"] = lambda d: d.isoformat() if d else ""
    return env


environment = make_environment()
template_config = TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment))


def is_fragment_request(request: Request) -> bool:
    """An htmx request that swaps part of a page (boosted requests want the whole page)."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def render(
    request: Request,
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    """The whole page, or only `block` of it when htmx asked for a fragment."""
    template = environment.get_template(template_name)
    values = {
        "request": request,
        "viewer": request.scope.get("user"),
        "lang": i18n.current_language.get(),
        "csrf_token": ScopeState.from_scope(request.scope).csrf_token or "",
        "flash": request.scope.get("flash"),
        **(context or {}),
    }
    if block and is_fragment_request(request):
        # A block rendered alone skips the template's top-level {% import %}: supply the macros.
        values["m"] = environment.get_template("_macros.html").make_module(values)
        jinja_context = template.new_context(values)
        body = "".join(template.blocks[block](jinja_context))
    else:
        body = template.render(values)
    response_headers = {"Vary": "HX-Request", **(headers or {})}
    return Response(body, media_type=MediaType.HTML, status_code=status_code, headers=response_headers)
