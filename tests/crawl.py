"""A crawler for the consent tests: as one logged-in person, follow every link, htmx URL, GET
form, download and export the app offers, and keep what came back, so a test can look for case
details (or planted canaries) in everything that person can reach.

Pages of one shape beyond the first few (the 40th meeting of a series, say) are skipped unless a
test names them as seeds: a test about a case seeds the pages where that case belongs.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter, deque
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

LINK = re.compile(r"""(href|src|action|hx-get|data-[\w-]*url)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
SKIP = re.compile(r"^/(?:logout|static/)|^/login\b")
NUMBER = re.compile(r"\d+")
PER_SHAPE = 6  # pages of one shape (numbers replaced) followed beyond the seeds


@dataclass
class Crawl:
    bodies: dict[str, str] = field(default_factory=dict)  # url → what came back (text; archives unpacked)
    statuses: dict[str, int] = field(default_factory=dict)

    def containing(self, needle: str) -> list[str]:
        """The URLs whose response contains `needle` (case-insensitive)."""
        lowered = needle.lower()
        return [url for url, body in self.bodies.items() if lowered in body.lower()]


def _text(content: bytes, content_type: str) -> str:
    if content_type.startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(_text(archive.read(name), "") for name in archive.namelist())
    text = content.decode("utf-8", errors="replace")
    return unescape(text)


def _links(base: str, body: str) -> list[tuple[str, bool]]:
    """(path, whether htmx asks for it) for every same-site URL in the page."""
    found = []
    for attribute, raw in LINK.findall(body):
        url = urldefrag(urljoin(base, unescape(raw)))[0]
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != urlsplit(base).netloc:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not SKIP.search(path):
            found.append((path, attribute.lower() not in ("href", "src", "action")))
    return found


async def crawl(client, seeds: list[str] = (), limit: int = 1500) -> Crawl:
    """Everything reachable from the home page and `seeds` by GET, as the client's person."""
    result = Crawl()
    queue: deque[tuple[str, bool]] = deque([("/", False), *((seed, True) for seed in seeds)])
    seen: set[str] = set()
    by_htmx: set[str] = set(seeds)  # URLs htmx asks for (and the seeds): fetched as fragments too
    shapes: Counter[str] = Counter()
    while queue and len(seen) < limit:
        url, seeded = queue.popleft()
        if url in seen:
            continue
        shape = NUMBER.sub("#", url.split("?")[0])
        if not seeded and shapes[shape] >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape] += 1
        for headers in ({}, {"HX-Request": "true"}) if url in by_htmx else ({},):  # page; fragment htmx gets
            response = await client.get(url, headers=headers)
            key = url if not headers else f"{url} [htmx]"
            result.statuses[key] = response.status_code
            body = _text(response.content, response.headers.get("content-type", ""))
            result.bodies[key] = body
            found = [_links(f"http://testserver.local{url}", f'href="{response.headers[header]}"')
                     for header in ("location", "hx-redirect") if response.headers.get(header)]
            if response.headers.get("content-type", "").startswith("text/html"):
                found.append(_links(f"http://testserver.local{url}", body))
            for links in found:
                for link, htmx in links:
                    if htmx:
                        by_htmx.add(link)
                    queue.append((link, False))
    return result
