"""`{% cache "name", value, ... %}…{% endcache %}`: a part of a page rendered once for each
distinct set of the values it lists (and the reader's language), then served from memory.

For the costly parts that are shown unchanged far more often than they change: a meeting's
agenda list (every watcher, every reload), the chair's editing tools (every agenda change
re-renders the agenda around them). Keyed by content, never by id or version, so an entry is
never stale. The values must be everything the fragment shows; under test, every hit is
rendered again and compared, so a value left out of a key fails the suite.

The simple values (text, numbers, booleans, None) pick the entry: one per distinct set of
them, the latest content. The others (lists, rows) are kept and compared with `==` on the
next use, which costs a sixth of serialising them; so a value keeps one type in its place
(`True == 1`), and is what the request built, never an object changed after the page is made.
Each worker keeps its own entries, least recently used dropped first.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict

from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

from server import i18n
from server.config import settings

KEPT_CHARACTERS = 8_000_000  # of rendered HTML per worker (about 8 to 16 MB)
_SIMPLE = (str, int, float, bool, type(None))


class FragmentMismatch(AssertionError):
    """Under test: a cached fragment differs from a fresh rendering (its key misses a value)."""


class FragmentCache(Extension):
    tags = {"cache"}
    def __init__(self, environment) -> None:
        super().__init__(environment)
        self.verify = settings.env == "test"  # every hit rendered again and compared
        self.entries: OrderedDict[tuple, tuple[list, Markup]] = OrderedDict()  # simple values → content, html
        self.characters = 0

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        values = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            values.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        # One token per compilation: a template reloaded after an edit never meets what the
        # old one rendered.
        token = nodes.Const(f"{parser.name}:{lineno}:{secrets.token_hex(8)}")
        call = self.call_method("_fragment", [token, nodes.List(values)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _fragment(self, token: str, values: list, caller) -> Markup:
        simple = tuple(value for value in values if isinstance(value, _SIMPLE))
        content = [value for value in values if not isinstance(value, _SIMPLE)]
        key = (token, i18n.current_language.get(), simple)
        entry = self.entries.get(key)
        if entry is not None and entry[0] == content:
            self.entries.move_to_end(key)
            if self.verify and Markup(caller()) != entry[1]:
                raise FragmentMismatch(f"{token.rsplit(':', 1)[0]} {values[0]!r}: the cached fragment differs from"
                                       " a fresh rendering (its key misses a value it shows)")
            return entry[1]
        html = Markup(caller())
        if entry is not None:
            self.characters -= len(entry[1])
        self.entries[key] = (content, html)
        self.entries.move_to_end(key)
        self.characters += len(html)
        while self.characters > KEPT_CHARACTERS and len(self.entries) > 1:
            _, (_, dropped) = self.entries.popitem(last=False)
            self.characters -= len(dropped)
        return html

    def clear(self) -> None:
        self.entries.clear()
        self.characters = 0
