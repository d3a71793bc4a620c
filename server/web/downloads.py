"""Files people download: saved, never run in the browser, named safely on every system."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import BinaryIO
from urllib.parse import quote

from anyio import to_thread
from litestar import Response
from litestar.response import Stream

CHUNK = 1 << 20


def _headers(filename: str) -> dict[str, str]:
    """Attachment disposition (RFC 6266, with an ASCII fallback name), no sniffing, no caching,
    and a sandbox should anything still open it in a tab."""
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    return {
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "no-store",
    }


def download(content: bytes, filename: str, media_type: str) -> Response:
    """A file the browser saves and never runs, its type as stated."""
    return Response(content, media_type=media_type, headers=_headers(filename))


def download_file(file: BinaryIO, size: int, filename: str, media_type: str) -> Stream:
    """The same for an open file of `size` bytes, sent a piece at a time (never whole in memory)
    and closed once sent."""
    async def pieces() -> AsyncIterator[bytes]:
        try:
            while piece := await to_thread.run_sync(file.read, CHUNK):
                yield piece
        finally:
            file.close()

    return Stream(pieces(), media_type=media_type, headers={**_headers(filename), "Content-Length": str(size)})


def csv_download(text: str, filename: str) -> Response:
    """A CSV file a spreadsheet opens right: UTF-8 with a byte-order mark (Excel reads UTF-8
    without one in the machine's legacy code page, so "Peña" arrives as "PeÃ±a"), its charset
    named once (Litestar adds it to a text/ type)."""
    return download(("\ufeff" + text).encode("utf-8"), filename, "text/csv")


def filename_part(text: str, limit: int = 60) -> str:
    """A title made safe for a file name on every system: no separators, no reserved characters."""
    cleaned = "".join("-" if c in '/\\:*?"<>|' or not c.isprintable() else c for c in text).strip(" .-")
    return " ".join(cleaned.split())[:limit].rstrip(" .-") or "document"
