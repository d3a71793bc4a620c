"""The stylesheet is whole: an unclosed block (a merge that dropped a brace) makes browsers
ignore every rule after it, silently."""

from __future__ import annotations

import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "convene.css"


def open_blocks(css: str) -> list[int]:
    """The line numbers of blocks still open at the end (and of any stray closing brace)."""
    stack: list[int] = []
    for number, line in enumerate(re.sub(r"/\*.*?\*/", lambda m: "\n" * m[0].count("\n"), css, flags=re.S)
                                  .split("\n"), 1):
        for character in line:
            if character == "{":
                stack.append(number)
            elif character == "}":
                if not stack:
                    return [number]
                stack.pop()
    return stack


def test_the_block_scanner_finds_an_unclosed_media_query():
    assert open_blocks("a { b: c; }\n@media print {\n  a { b: c; }\n\nd { e: f; }\n") == [2]
    assert open_blocks("a { b: c; }\n}\n") == [2]


def test_every_block_of_the_stylesheet_is_closed():
    assert open_blocks(STYLESHEET.read_text()) == []
