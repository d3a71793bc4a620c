"""Reading forms from requests into plain dicts that the pure validators take."""

from __future__ import annotations

from typing import Annotated

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.params import PathParameter

from server.forms import MAX_ID, neutralised


async def form_data(request: Request, multi: frozenset[str] = frozenset()) -> dict[str, str]:
    """First value of each field as text (fields in `multi`: all values joined by commas),
    without NULs or characters that disguise text. Nothing is cut: each field's validation
    holds its limit and refuses a longer value (the request body limit bounds them all)."""
    form = await request.form()
    data: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            continue
        key = without_nul(str(key)[:100])
        value = neutralised(without_nul(str(value)))
        if key in multi and key in data:
            data[key] = f"{data[key]},{value}"
        elif key not in data:
            data[key] = value
    return data


def without_nul(text: str) -> str:
    """NUL characters mean nothing in a form, and PostgreSQL refuses them in text columns."""
    return text.replace("\x00", "")


async def uploaded_file(request: Request, field: str, limit: int) -> bytes | None:
    form = await request.form()
    upload = form.get(field)
    if not isinstance(upload, UploadFile):
        return None
    return await upload.read(limit + 1)


# A row id in a URL: larger numbers are no row of ours (and overflow the database's integers).
RowId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
