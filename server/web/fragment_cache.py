"""`{% cache "name", value, ... %}…{% endcache %}`: a part of a page rendered once for each
distinct set of the values it lists (and the reader's language), then served from memory.

For the costly parts that are shown unchanged far more often than they change: a meeting's
agenda list (every watcher, every reload), the chair's editing tools (every agenda change
re-renders the agenda around them). Keyed by content, never by id or version, so an entry is
never stale: different values are a different key. The values must be everything the fragment
shows; under test, every hit is rendered again and compared, so a value left out of a key
fails the suite. Each worker keeps its own entries, least recently used dropped first.
"""

from __future__ import annotations

import hashlib
import pickle
import secrets
from collections import OrderedDict

from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

from server import i18n
from server.config import settings

KEPT_CHARACTERS = 8_000_000  # per worker, about 16 MB of str at most


class FragmentMismatch(AssertionError):
    """Under test: a cached fragment differs from a fresh rendering (its key misses a value)."""


class FragmentCache(Extension):
    tags = {"cache"}
    def __init__(self, environment) -> None:
        super().__init__(environment)
        self.verify = settings.env == "test"  # every hit rendered again and compared
        self.entries: OrderedDict[bytes, Markup] = OrderedDict()
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
        # pickle is a faithful serialisation (three times faster than repr here): equal bytes
        # mean equal values; equal values may rarely pickle differently, which costs a render.
        shown = (token, i18n.current_language.get(), values)
        key = hashlib.blake2b(pickle.dumps(shown, protocol=5), digest_size=16).digest()
        html = self.entries.get(key)
        if html is not None:
            self.entries.move_to_end(key)
            if self.verify and Markup(caller()) != html:
                raise FragmentMismatch(f"{token.rsplit(':', 1)[0]} {values[0]!r}: the cached fragment differs from"
                                       " a fresh rendering (its key misses a value it shows)")
            return html
        html = Markup(caller())
        self.entries[key] = html
        self.characters += len(html)
        while self.characters > KEPT_CHARACTERS and len(self.entries) > 1:
            _, dropped = self.entries.popitem(last=False)
            self.characters -= len(dropped)
        return html

    def clear(self) -> None:
        self.entries.clear()
        self.characters = 0
