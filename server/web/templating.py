"""Jinja2 set-up and `render()`: one template serves the whole page and its htmx fragments.

Capabilities hand the vocabularies their templates need to `register_globals` (app.py wires
them); this module imports none of them.
"""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from typing import Any

from babel import Locale
from babel.dates import get_date_format, get_time_format
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.enums import MediaType
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from server import clock, i18n, urls
from server.config import ROOT, settings
from server.forms import neutralised
from server.web.fragment_cache import FragmentCache

HTMX_FILE = "js/htmx-2.0.11.min.js"


def template_gettext(message: str, **variables: object) -> Markup:
    """`_()` in templates. Translations are trusted text; the values put into them are escaped.
    (A plain function: Jinja's own i18n callables take the template context, and inside a loop
    each call derives a new context, which made translated labels the slowest part of a page.)"""
    if isinstance(message, i18n.Formatted):  # a validator's message with its values (escaped)
        variables = {**message.values, **variables}
        message = message.msgid
    text = Markup(i18n.gettext(message))
    return text % variables if variables else text


def template_ngettext(singular: str, plural: str, n: int, **variables: object) -> Markup:
    text = Markup(i18n.translations(i18n.current_language.get()).ngettext(singular, plural, n))
    return text % {"num": n, **variables}


def _shown(value: object) -> object:
    """Every value a template prints: text stored before it was neutralised on the way in (or
    written by a command) still cannot disguise itself on a page. Markup (our own) is trusted."""
    if type(value) is str and not value.isascii():
        return neutralised(value)
    return value


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ROOT / "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=settings.env != "production",
        extensions=[FragmentCache],
        finalize=_shown,
    )
    env.globals.update(
        _=template_gettext,
        gettext=template_gettext,
        ngettext=template_ngettext,
        LANGUAGES=i18n.LANGUAGES,
        HTMX_FILE=HTMX_FILE,
        url=urls.url,
        labelled=lambda mapping: [(code, i18n.gettext(label)) for code, label in mapping.items()],
        translated=lambda mapping: {code: i18n.gettext(label) for code, label in mapping.items()},
        options=lambda rows, label="name": [(row["id"], row[label]) for row in rows],
    )
    env.filters.update(
        date=lambda d: d.isoformat() if d else "",
        isodate=lambda text: date.fromisoformat(text) if text else None,
        when=when,
        day=day,
        clock=clock_time,
        dict_without=lambda mapping, *keys: {k: v for k, v in mapping.items() if k not in keys},
    )
    return env


def register_globals(values: dict[str, Any]) -> None:
    """What a capability's templates need (vocabularies, rules phrased for display)."""
    clashes = set(values) & set(environment.globals)
    assert not clashes, f"template globals registered twice: {sorted(clashes)}"
    environment.globals.update(values)


# Dates and times in the reader's language: one babel locale and its patterns per language,
# parsed once (formatting through babel's top-level functions re-parses them every call).


class Formats:
    """One language's patterns. What they format is remembered: pages show the same few
    meeting times and due dates over and over, and babel takes 10 to 20 µs for each."""

    def __init__(self, language: str) -> None:
        self.locale = Locale.parse(language)
        self.full_date = get_date_format("full", locale=self.locale)
        self.medium_date = get_date_format("medium", locale=self.locale)
        self.short_time = get_time_format("short", locale=self.locale)

    @lru_cache(maxsize=4096)  # noqa: B019 (one Formats per language, kept for the process)
    def when(self, moment, zone: str) -> str:
        local = moment.astimezone(clock.zone(zone))
        return f"{self.full_date.apply(local, self.locale)}, {self.short_time.apply(local, self.locale)}"

    def day(self, moment, zone: str | None) -> str:
        # Equal instants in different zones fall on different days when no zone is given:
        # the moment's own zone is part of what is remembered.
        return self._day(moment, zone, getattr(moment, "tzinfo", None))

    @lru_cache(maxsize=4096)  # noqa: B019
    def _day(self, moment, zone: str | None, _own_zone) -> str:
        if zone is not None and hasattr(moment, "astimezone"):
            moment = moment.astimezone(clock.zone(zone))
        return self.medium_date.apply(moment, self.locale)

    @lru_cache(maxsize=4096)  # noqa: B019
    def clock(self, moment, zone: str) -> str:
        return self.short_time.apply(moment.astimezone(clock.zone(zone)), self.locale)


@cache
def formats(language: str) -> Formats:
    return Formats(language)


def when(moment, zone: str) -> str:
    """"Wednesday, December 16, 2026, 10:00 AM" in the reader's language, in the team's zone."""
    return formats(i18n.current_language.get()).when(moment, zone) if moment else ""


def day(moment, zone: str | None = None) -> str:
    return formats(i18n.current_language.get()).day(moment, zone) if moment else ""


def clock_time(moment, zone: str) -> str:
    return formats(i18n.current_language.get()).clock(moment, zone) if moment else ""


environment = make_environment()
template_config = TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment))


def is_fragment_request(request: Request) -> bool:
    """An htmx request that swaps part of a page. Boosted requests want the whole page, and so
    does htmx restoring history (the Back button after a search that changed the address):
    it puts the answer in place of the whole body."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


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
    csrf_token = ScopeState.from_scope(request.scope).csrf_token or ""
    values = {
        "request": request,
        "viewer": request.scope.get("user"),
        "lang": i18n.current_language.get(),
        "csrf_token": csrf_token,
        "csrf_field": Markup('<input type="hidden" name="_csrf_token" value="%s">') % csrf_token,
        "flash": request.scope.get("flash"),
        **(context or {}),
    }
    if block and is_fragment_request(request):
        # A block rendered alone skips the template's top-level {% import %}: supply the macros
        # (they take no context, so the module is built once).
        values["m"] = environment.get_template("_macros.html").module
        jinja_context = template.new_context(values)
        names = block if isinstance(block, tuple) else (block,)
        body = "".join("".join(template.blocks[name](jinja_context)) for name in names)
    else:
        body = template.render(values)
    response_headers = {"Vary": "HX-Request", **(headers or {})}
    return Response(body, media_type=MediaType.HTML, status_code=status_code, headers=response_headers)


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A whole template as text, without a request's context (a printable page that also
    becomes a PDF): in the current language, with no form in it."""
    return environment.get_template(template_name).render({"lang": i18n.current_language.get(), **context})
