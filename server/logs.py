"""Logging set-up. What reaches a log line from outside is made harmless first:

- credentials in URLs (set-password links, later feed tokens) are redacted;
- control, line-separator and bidirectional characters are escaped, so a request cannot
  forge a line or hide part of one (uvicorn logs the percent-decoded path: %0A is a newline);
- the access log keeps a request's path, never its query, which holds search terms, names
  and return paths.
"""

from __future__ import annotations

import logging
import re

SECRET_IN_PATH = re.compile(r"(/set-password/)[^/?\s\"]+")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_ACCESS_PATH = 2  # uvicorn.access args: client, method, path with query, HTTP version, status


def redact(text: str) -> str:
    return SECRET_IN_PATH.sub(r"\1[redacted]", text)


def escape_unprintable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def without_query(path: str) -> str:
    path, marker, _query = path.partition("?")
    return path + ("?[query]" if marker else "")


def _clean(value: object) -> object:
    return escape_unprintable(redact(value)) if isinstance(value, str) else value


class SafeLogRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            args = list(record.args)
            if record.name == "uvicorn.access" and len(args) > _ACCESS_PATH and isinstance(args[_ACCESS_PATH], str):
                args[_ACCESS_PATH] = without_query(args[_ACCESS_PATH])
            record.args = tuple(_clean(arg) for arg in args)
        elif isinstance(record.args, dict):
            record.args = {key: _clean(value) for key, value in record.args.items()}
        if isinstance(record.msg, str):
            record.msg = _clean(record.msg)
        return True


def configure() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for name in ("uvicorn.access", "uvicorn.error", "convene", "httpx", "litestar"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, SafeLogRecords) for f in logger.filters):
            logger.addFilter(SafeLogRecords())
