"""Printable pages as PDF: the same HTML and print CSS a browser prints, laid out by WeasyPrint.

Nothing outside static/ is ever fetched while laying out (no network, no other files): text
people typed can name any address, and a PDF must not become a way to reach it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from anyio import to_thread

from server import urls
from server.config import ROOT

STATIC = (ROOT / "static").resolve()
BASE_URL = "https://convene.invalid/"  # what relative links resolve against; never fetched
MEDIA_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}

# WeasyPrint reports CSS it does not support (our screen rules) as warnings: not news.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


class NotFetched(ValueError):
    """A resource outside static/ that a page named."""


def static_file(url: str) -> Path:
    """The file under static/ that a /static/ URL names; NotFetched for anything else."""
    parts = urlsplit(url)
    prefix = urls.url("static", file_path="")  # "/static/"
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
        raise NotFetched(url)
    path = (STATIC / unquote(parts.path.removeprefix(prefix))).resolve()
    if STATIC not in path.parents or not path.is_file():
        raise NotFetched(url)
    return path


def _write_pdf(html: str) -> bytes:
    # Imported on first use: it loads Pango, which pages never need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = static_file(url)
            return URLFetcherResponse(url, path.read_bytes(), {
                "Content-Type": MEDIA_TYPES.get(path.suffix, "application/octet-stream")})

    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnly()).write_pdf()


async def pdf_from_html(html: str) -> bytes:
    """The PDF of a printable page (laid out on a worker thread: it takes tens of milliseconds)."""
    return await to_thread.run_sync(_write_pdf, html)
