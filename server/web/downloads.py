"""Files people download: saved, never run in the browser, named safely on every system."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Response


def download(content: bytes, filename: str, media_type: str) -> Response:
    """A file the browser saves and never runs: attachment disposition (RFC 6266, with an ASCII
    fallback name), its type as stated, no sniffing, no caching, and a sandbox should anything
    still open it in a tab."""
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "no-store",
    })


def csv_download(text: str, filename: str) -> Response:
    """A CSV file a spreadsheet opens right: UTF-8 with a byte-order mark (Excel reads UTF-8
    without one in the machine's legacy code page, so "Peña" arrives as "PeÃ±a"), its charset
    named once (Litestar adds it to a text/ type)."""
    return download(("\ufeff" + text).encode("utf-8"), filename, "text/csv")


def filename_part(text: str, limit: int = 60) -> str:
    """A title made safe for a file name on every system: no separators, no reserved characters."""
    cleaned = "".join("-" if c in '/\\:*?"<>|' or not c.isprintable() else c for c in text).strip(" .-")
    return " ".join(cleaned.split())[:limit] or "document"

