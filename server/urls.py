"""Every internal link, redirect and absolute URL, built from the name of its route.

`create_app()` registers the app's routes here once; templates call `url(...)` as a global,
controllers and services import it. `absolute(...)` follows CONVENE_BASE_URL (emails and
calendars need links that work outside the browser).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlencode, urlsplit

from server.config import settings

_PARAMETER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_routes: dict[str, tuple[str, dict[str, str]]] = {}  # name → (format string, path parameter → type)
_pages: list[re.Pattern[str]] = []  # the paths a person may be sent back to: our GET pages
_SEGMENT_PATTERN = {"int": r"[0-9]{1,18}", "path": r".+"}
_LINK_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*")  # RFC 3986, nothing else


class UnknownRoute(LookupError):
    pass


def register(app) -> None:
    """Learns every named route of a Litestar app (a name is unique; a second app replaces)."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    pages: list[re.Pattern[str]] = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            name = handler.name
            if not name:
                continue
            if "GET" in handler.http_methods and name != "static":
                pages.append(_page_pattern(route.path))
            template = _PARAMETER.sub(r"{\1}", route.path)
            entry = (template, dict(_PARAMETER.findall(route.path)))
            if name in found and found[name][0] != template:
                raise ValueError(f"route name {name!r} is used for {found[name][0]} and {template}")
            found[name] = entry
    _routes.clear()
    _routes.update(found)
    _pages[:] = pages


def _page_pattern(path: str) -> re.Pattern[str]:
    parts, position = [], 0
    for match in _PARAMETER.finditer(path):
        parts += [re.escape(path[position:match.start()]), f"({_SEGMENT_PATTERN.get(match[2], '[^/]+')})"]
        position = match.end()
    parts.append(re.escape(path[position:]))
    return re.compile("".join(parts))


def page_path(value: object) -> str | None:
    """`value` if it is a link to one of our own pages (a path with an optional query), else
    None. Where a person goes after logging in comes from the address bar, so it is hostile:
    only the characters a URL may hold, checked again after percent-decoding (no control
    characters, backslashes or "//" hidden as %09, %5C or %2F), and a path a GET route of ours
    answers. What comes back is safe to put in a header as it is."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > 2000:
        return None
    if not _LINK_CHARACTERS.fullmatch(value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.fragment:
        return None
    try:
        path = unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        return None
    if path.startswith("//") or "\\" in path or any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in path):
        return None
    if not _routes:
        _learn_routes()
    return value if any(page.fullmatch(path) for page in _pages) else None


def _segment(value: object, kind: str) -> str:
    """A value for one path parameter: only a `path` parameter may carry "/" (a file under /static)."""
    return str(value) if isinstance(value, int) else quote(str(value), safe="/" if kind == "path" else "")


def _learn_routes() -> None:
    """Outside a running app (a command, a unit test) the routes are learned on first use."""
    from server.app import create_app

    register(create_app())


def url(name: str, /, *, _fragment: str = "", **parameters: object) -> str:
    """The path of the route `name`; parameters its path does not name go into the query string
    (None values are left out)."""
    if not _routes:
        _learn_routes()
    try:
        template, path_parameters = _routes[name]
    except KeyError:
        raise UnknownRoute(name) from None
    missing = path_parameters.keys() - parameters.keys()
    if missing:
        raise UnknownRoute(f"{name} needs {sorted(missing)}")
    path = template.format(**{key: _segment(parameters[key], kind) for key, kind in path_parameters.items()})
    query = {key: value for key, value in parameters.items() if key not in path_parameters and value is not None}
    if query:
        path += "?" + urlencode(query, safe="/", quote_via=quote)
    return path + (f"#{_fragment}" if _fragment else "")


def absolute(name: str, /, **parameters: object) -> str:
    """The same link as `url`, with the site's address in front."""
    return settings.base_url + url(name, **parameters)


def known(name: str) -> bool:
    if not _routes:
        _learn_routes()
    return name in _routes
