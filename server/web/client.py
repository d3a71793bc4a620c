"""Who is on the other end of a request: the client's address, as far as we can trust it."""

from __future__ import annotations

import ipaddress

from litestar.types import Scope

from server.config import settings


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.trusted_proxies)


def client_address(scope: Scope) -> str:
    """The socket's address, unless it is one of CONVENE_TRUSTED_PROXIES: then the nearest
    address in X-Forwarded-For that is not a trusted proxy (each proxy appends the address it
    saw, so only the right-hand end can be believed; what a client put on the left is not)."""
    peer = scope["client"][0] if scope.get("client") else "unknown"
    if not _trusted(peer):
        return peer
    forwarded = ",".join(value.decode("latin-1") for name, value in scope.get("headers", [])
                         if name == b"x-forwarded-for")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a proxy we trust would not write this: count it against the proxy
    return peer
