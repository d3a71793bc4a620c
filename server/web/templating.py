"""Jinja2 set-up and `render()`: one template serves the whole page and its htmx fragments."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.enums import MediaType
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.utils.scope.state import ScopeState

from server.actions.policy import STATUSES as ACTION_STATUSES
from server.agencies.policy import SECTORS
from server.config import ROOT, settings
from server.meetings import recurrence
from server.meetings.policy import AGENDA_KINDS, ATTENDANCE, MINUTES_STATES
from server.teams.policy import KINDS, QUORUM_KINDS, ROLES
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
        QUORUM_KINDS=QUORUM_KINDS,
        LANGUAGES=i18n.LANGUAGES,
        HTMX_FILE=HTMX_FILE,
        FLASH_MESSAGES=FLASH_MESSAGES,
        base_url=settings.base_url,
    )
    env.globals["labelled"] = lambda mapping: [(code, i18n.gettext(label)) for code, label in mapping.items()]
    env.globals["options"] = lambda rows, label="name": [(row["id"], row[label]) for row in rows]
    env.filters["date"] = lambda d: d.isoformat() if d else ""
    env.filters["when"] = when
    env.filters["dict_without"] = lambda mapping, key: {k: v for k, v in mapping.items() if k != key}
    env.filters["day"] = day
    env.filters["clock"] = clock_time
    env.globals["describe_series"] = lambda row: recurrence.describe(recurrence.from_row(row), i18n.gettext)
    env.globals.update(AGENDA_KINDS=AGENDA_KINDS, ATTENDANCE=ATTENDANCE, MINUTES_STATES=MINUTES_STATES,
                       ACTION_STATUSES=ACTION_STATUSES)
    return env


def when(moment, zone: str) -> str:
    """"Wednesday, December 16, 2026, 10:00 AM" in the reader's language, in the team's zone."""
    if moment is None:
        return ""
    language, zone_info = i18n.current_language.get(), ZoneInfo(zone)
    local = moment.astimezone(zone_info)
    return f"{format_date(local, 'full', locale=language)}, {format_time(local, 'short', locale=language)}"


def day(moment, zone: str | None = None) -> str:
    if moment is None:
        return ""
    if zone is not None:
        moment = moment.astimezone(ZoneInfo(zone))
    return format_date(moment, "medium", locale=i18n.current_language.get())


def clock_time(moment, zone: str) -> str:
    return format_time(moment, "short", tzinfo=ZoneInfo(zone), locale=i18n.current_language.get()) if moment else ""


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
    block: str | tuple[str, ...] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    """The whole page, or only `block` of it (or several blocks) when htmx asked for a fragment."""
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
        names = block if isinstance(block, tuple) else (block,)
        body = "".join("".join(template.blocks[name](jinja_context)) for name in names)
    else:
        body = template.render(values)
    response_headers = {"Vary": "HX-Request", **(headers or {})}
    return Response(body, media_type=MediaType.HTML, status_code=status_code, headers=response_headers)
