"""Settings from the environment, with safe defaults for a single-machine install."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DEFAULT_DATABASE_URL = f"sqlite:///{VAR / 'convene.sqlite3'}"


class ConfigError(RuntimeError):
    """The environment asks for something Convene cannot run with."""


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    secret_key: str
    base_url: str
    time_zone: str
    session_days: int
    session_idle_minutes: int
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    files_dir: Path
    max_upload_mb: int

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


def _secret_key(env: str) -> str:
    key = os.environ.get("CONVENE_SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ConfigError("CONVENE_SECRET_KEY must be at least 32 characters long.")
        return key
    if env == "production":
        raise ConfigError("CONVENE_SECRET_KEY is not set; production refuses to start without it.")
    # Development: keep one generated key on disk so restarts keep sessions and forms valid.
    path = VAR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {raw!r}.")
    return int(raw)


def _base_url(env: str) -> str:
    base_url = os.environ.get("CONVENE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    if not base_url.startswith(("https://", "http://")):
        raise ConfigError("CONVENE_BASE_URL must start with https:// (or http://).")
    # Over plain HTTP the session cookie travels unprotected: production needs an explicit
    # override, for a closed network or a benchmark, to run that way.
    if env == "production" and not base_url.startswith("https://") and os.environ.get("CONVENE_ALLOW_HTTP") != "1":
        raise ConfigError(
            "CONVENE_BASE_URL must be an https:// address in production (the address people use, "
            "also behind a TLS-terminating proxy); set CONVENE_ALLOW_HTTP=1 to run over plain HTTP anyway."
        )
    return base_url


def _trusted_proxies() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """CONVENE_TRUSTED_PROXIES: addresses or networks (comma-separated) of the reverse proxies
    whose X-Forwarded-For names the real client. None by default: the socket's address is the
    client, and a header anyone can send is ignored."""
    raw = os.environ.get("CONVENE_TRUSTED_PROXIES", "")
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())
    except ValueError as problem:
        raise ConfigError(f"CONVENE_TRUSTED_PROXIES: {problem}") from None


MAX_UPLOAD_MB_CEILING = 1024


def _files_dir(database_url: str) -> Path:
    """CONVENE_FILES_DIR: where uploaded files are kept. By default var/files beside the SQLite
    database (so a copy of that folder is the whole site), or the checkout's var/files. Never
    under static/, which is served to anyone without a login."""
    raw = os.environ.get("CONVENE_FILES_DIR", "")
    if raw:
        path = Path(raw).expanduser().resolve()
    elif database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///")).resolve().parent / "files"
    else:
        path = VAR / "files"
    static = (ROOT / "static").resolve()
    if path == static or static in path.parents:
        raise ConfigError(f"CONVENE_FILES_DIR must be outside {static}: everything there is served to anyone.")
    return path


def _max_upload_mb() -> int:
    size = _positive_int("CONVENE_MAX_UPLOAD_MB", 20)
    if size > MAX_UPLOAD_MB_CEILING:
        raise ConfigError(f"CONVENE_MAX_UPLOAD_MB must be at most {MAX_UPLOAD_MB_CEILING}, not {size}.")
    return size


def load() -> Settings:
    env = os.environ.get("CONVENE_ENV", "development")
    if env not in {"development", "production", "test"}:
        raise ConfigError(f"CONVENE_ENV must be development, production or test, not {env!r}.")
    time_zone = os.environ.get("CONVENE_TIME_ZONE", "America/New_York")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"CONVENE_TIME_ZONE {time_zone!r} is not an IANA time zone.") from None
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError("DATABASE_URL must start with sqlite:/// or postgresql://.")
    if database_url.removeprefix("sqlite:///") in {"", ":memory:"}:
        raise ConfigError("DATABASE_URL must name a SQLite file (sqlite:///path/to/file), not memory.")
    return Settings(
        env=env,
        database_url=database_url,
        secret_key=_secret_key(env),
        base_url=_base_url(env),
        time_zone=time_zone,
        session_days=_positive_int("CONVENE_SESSION_DAYS", 14),
        session_idle_minutes=_positive_int("CONVENE_SESSION_IDLE_MINUTES", 120),
        trusted_proxies=_trusted_proxies(),
        files_dir=_files_dir(database_url),
        max_upload_mb=_max_upload_mb(),
    )


settings = load()
