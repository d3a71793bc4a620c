"""Whether the response being built will carry its body. A HEAD is answered as its GET, headers
only (web/context.py): the disclosure ledger records what was sent, so a HEAD of a case page
decides as a GET does but records nothing (nothing of the case left the server)."""

from __future__ import annotations

from contextvars import ContextVar

body_sent: ContextVar[bool] = ContextVar("convene_body_sent", default=True)
